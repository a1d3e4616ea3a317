package dev.quire.tokenizer.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A second, independent implementation of tiktoken's encodings (jtokkit 1.1.0, test scope only) agrees
 * with ours on Shakespeare and on random Unicode text beyond the reference cases.
 */
class JtokkitAgreementTest {

    @ParameterizedTest
    @CsvSource({"r50k_base, R50K_BASE", "cl100k_base, CL100K_BASE", "o200k_base, O200K_BASE"})
    void sameIdsAsJtokkit(String name, EncodingType type) {
        BpeTokenizer ours = Fixtures.encoding(name);
        Encoding theirs = Encodings.newDefaultEncodingRegistry().getEncoding(type);
        String shakespeare = Fixtures.shakespeare().substring(0, 200_000);
        assertThat(ours.encodeOrdinary(shakespeare)).containsExactly(theirs.encodeOrdinary(shakespeare).toArray());
        Random random = new Random(name.hashCode());
        for (int it = 0; it < 1_000; it++) {
            String s = TiktokenReferenceTest.randomText(random, random.nextInt(60));
            assertThat(ours.encodeOrdinary(s)).as("%s on %s", name, PreTokenizerTest.escape(s))
                    .containsExactly(theirs.encodeOrdinary(s).toArray());
        }
    }
}
