package org.fnl4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsAllTypes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\t\u0001é€😀");
        m.put("i", 42L);
        m.put("neg", -7L);
        m.put("d", 0.125);
        m.put("e", 1.0E-4);
        m.put("big", 1.0E300);
        m.put("t", true);
        m.put("f", false);
        m.put("n", null);
        m.put("l", List.of(1L, "x", List.of(), Map.of()));
        m.put("o", new LinkedHashMap<>(Map.of("k", 2.5)));
        String text = Json.write(m);
        assertEquals(m, Json.parse(text));
        assertEquals(m, Json.parse(Json.writePretty(m)));
    }

    @Test
    void numbersKeepIntegralVersusFractional() {
        assertEquals(3L, Json.parse("3"));
        assertEquals(3.0, Json.parse("3.0"));
        assertEquals(-0.5e3, Json.parse("-0.5e3"));
        assertEquals(3.0, Json.parse(Json.write(3.0)));
        assertEquals(9.223372036854776E18 * 10, (Double) Json.parse("92233720368547758070"), 1e5);
        assertEquals("[1,2,3]", Json.write(new int[] {1, 2, 3}));
        assertEquals(0.1f, ((Double) Json.parse(Json.write(0.1f))).floatValue());
    }

    @Test
    void rejectsMalformedTextWithPosition() {
        for (String bad : Arrays.asList("", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", "'a'", "{a:1}",
                "[1 2]", "\"abc", "\"\\x\"", "\"\\u12\"", "tru", "nul", "{\"a\":1}x", "{\"a\":1,\"a\":2}",
                "\"a\u0001\"", "[1e]", "NaN", "Infinity")) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("[1, 2, x]"));
        assertEquals(7, e.position());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void writeRejectsNonJsonValues() {
        assertThrows(Json.JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(Json.JsonException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(Json.JsonException.class, () -> Json.write(new Object()));
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, 2);
        assertThrows(Json.JsonException.class, () -> Json.write(badKey));
    }
}
