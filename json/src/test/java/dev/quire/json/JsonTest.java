package dev.quire.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsPlainValuesInOrder() {
        Json.Node n = Json.parse(" {\"b\": [1, -2.5e1, true, null, \"x\\u00e9\\n\"], \"a\": {}} ", "t");
        assertThat(n.object().keySet()).containsExactly("b", "a");
        assertThat(n.get("b").array()).containsExactly(1L, -25.0, true, null, "x\u00e9\n");
        assertThat(Json.parse("12345678901234567890", "t").value()).isEqualTo(1.2345678901234567e19);
    }

    @Test
    void syntaxErrorsNameLineColumnAndPath() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": {\"b\": 1,,}\n}", "t.json"))
                .hasMessage("t.json: invalid JSON at line 2, column 16 ($.a): expected a string key");
        assertThatThrownBy(() -> Json.parse("{\"m\": [1, 2", "t.json"))
                .hasMessage("t.json: invalid JSON at line 1, column 12 ($.m[1]): unterminated array, expected ',' or ']'");
        assertThatThrownBy(() -> Json.parse("{\"a\": 1, \"a\": 2}", "t")).hasMessageContaining("($.a): duplicate key \"a\"");
        assertThatThrownBy(() -> Json.parse("", "t")).hasMessageContaining("line 1, column 1");
        assertThatThrownBy(() -> Json.parse("[1] x", "t")).hasMessageContaining("unexpected text after the JSON value");
        assertThatThrownBy(() -> Json.parse("\"a\tb\"", "t")).hasMessageContaining("control character U+0009");
        assertThatThrownBy(() -> Json.parse("[\"\\x\"]", "t")).hasMessageContaining("($[0]): invalid escape '\\x'");
        assertThatThrownBy(() -> Json.parse("[tru]", "t")).hasMessageContaining("expected true");
        assertThatThrownBy(() -> Json.parse("[".repeat(Json.MAX_DEPTH + 2), "t")).hasMessageContaining("nesting deeper");
    }

    @Test
    void numbersAreStrict() {
        for (String bad : List.of("01", "1.", ".5", "-", "+1", "1e", "0x10", "1e999", "NaN", "[1,]", "{\"a\":1,}")) {
            assertThatThrownBy(() -> Json.parse(bad, "t")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nodeErrorsNameThePath() {
        Json.Node n = Json.parse("{\"m\": {\"x y\": \"one\", \"f\": 2.5, \"w\": 2.0, \"l\": [1]}}", "t.json");
        assertThatThrownBy(() -> n.get("m").get("x y").longValue())
                .hasMessage("t.json: $.m[\"x y\"]: expected an integer, found a string \"one\"");
        assertThatThrownBy(() -> n.get("m").get("f").longValue()).hasMessageContaining("$.m.f: expected an integer, found a fraction");
        assertThat(n.get("m").get("w").intValue(0, 2)).isEqualTo(2);
        assertThatThrownBy(() -> n.get("m").get("w").intValue(0, 1)).hasMessageContaining("expected an integer in [0, 1], found 2");
        assertThatThrownBy(() -> n.get("q")).hasMessage("t.json: $: missing key \"q\"");
        assertThat(n.opt("q").isNull()).isTrue();
        assertThat(n.opt("q").stringOr("d")).isEqualTo("d");
        assertThatThrownBy(() -> n.get("m").get("l").at(1)).hasMessageContaining("$.m.l: expected an array of at least 2");
        assertThatThrownBy(() -> n.get("m").get("l").bool()).hasMessageContaining("expected true or false, found an array");
        assertThat(n.get("m").get("l").intArray()).containsExactly(1);
    }

    @Test
    void writesCompactAndPrettyLikeSerdeJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"\\\b\f\n\r\t\u0001\ud800é😀");
        m.put("n", Arrays.asList(1L, 2, 3.0, -0.0, 0.1, 1e-7, 1e15, 1e16, Double.NaN, 0.5f, null, true));
        m.put("e", Map.of());
        m.put("l", List.of());
        m.put("a", new int[] {1, 2});
        assertThat(Json.write(m)).isEqualTo("{\"s\":\"q\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\ud800é😀\","
                + "\"n\":[1,2,3.0,-0.0,0.1,1.0E-7,1000000000000000.0,1.0E16,null,0.5,null,true],\"e\":{},\"l\":[],\"a\":[1,2]}");
        assertThat(Json.writePretty(Map.of("k", List.of(1L, Map.of("x", List.of())))))
                .isEqualTo("{\n  \"k\": [\n    1,\n    {\n      \"x\": []\n    }\n  ]\n}");
        String text = "{\n  \"a\": [\n    \"b\",\n    null\n  ],\n  \"c\": {}\n}";
        assertThat(Json.writePretty(Json.parse(text, "t"))).isEqualTo(text);
    }

    @Test
    void otherTypesGoThroughTheAdapter() {
        record P(int x) {
        }
        assertThatThrownBy(() -> Json.write(new P(1))).hasMessageContaining("cannot write");
        assertThat(Json.write(List.of(new P(1)), v -> Map.of("x", ((P) v).x()))).isEqualTo("[{\"x\":1}]");
        assertThatThrownBy(() -> Json.write(new P(1), v -> v)).hasMessageContaining("cannot write");
    }
}
