package dev.quire.rlhf.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OrderingsTest {

    @Test
    void numbersBestFirstBecomeZeroBasedRanking() {
        List<Integer> expected = List.of(1, 0, 3, 2);
        assertThat(Orderings.parse("2 1 4 3", 4)).isEqualTo(expected);
        assertThat(Orderings.parse("2143", 4)).isEqualTo(expected);
        assertThat(Orderings.parse(" 2,1, 4,3 ", 4)).isEqualTo(expected);
        assertThat(Orderings.parse("2 > 1 > 4 > 3", 4)).isEqualTo(expected);
        assertThat(Orderings.parse("10 1 2 3 4 5 6 7 8 9", 10)).containsExactly(9, 0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void badOrdersSayWhatIsWrong() {
        assertThatThrownBy(() -> Orderings.parse("2 1 4", 4)).hasMessage(
                "got 3 numbers, missing [3]: give all 4 numbers 1..4 once each, best first");
        assertThatThrownBy(() -> Orderings.parse("2214", 4)).hasMessageStartingWith("2 is given twice");
        assertThatThrownBy(() -> Orderings.parse("5 1 2 3", 4)).hasMessageStartingWith("5 is not one of the completions 1..4");
        assertThatThrownBy(() -> Orderings.parse("0123", 4)).hasMessageStartingWith("0 is not one of the completions");
        assertThatThrownBy(() -> Orderings.parse("a b c d", 4)).hasMessageStartingWith("\"a\" is not a number");
        assertThatThrownBy(() -> Orderings.parse("", 3)).hasMessageStartingWith("got 0 numbers, missing [1, 2, 3]");
        assertThatThrownBy(() -> Orderings.parse("12345678910", 10)).hasMessageContaining("separate the numbers by spaces");
    }
}
