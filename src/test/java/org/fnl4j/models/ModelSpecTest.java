package org.fnl4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    @Test
    void jsonRoundTrip() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", 1.5f);
        nested.put("b \"quoted\"\n", List.of(true, "x"));
        ModelSpec s = ModelSpec.of("mlp", "hidden", List.of(512, 256), "dropout", 0.1f, "inChannels", 1, "extra", nested,
                "wide", new int[] {1, 2});
        String json = s.toString();
        assertEquals("{\"type\":\"mlp\",\"options\":{\"hidden\":[512,256],\"dropout\":0.1,\"inChannels\":1,"
                + "\"extra\":{\"a\":1.5,\"b \\\"quoted\\\"\\u000a\":[true,\"x\"]},\"wide\":[1,2]}}", json);
        ModelSpec back = ModelSpec.fromMap(Json.parseObject(json));
        assertEquals(s, back);
        assertEquals(s.hashCode(), back.hashCode());
        assertEquals(json, back.toString());
    }

    @Test
    void numbersAreNormalizedAndReadBack() {
        ModelSpec s = ModelSpec.of("x", "i", 3, "l", 4L, "d", 0.25, "w", 2.0, "flag", true, "name", "n");
        assertEquals(3L, s.options().get("i"));
        assertEquals(3, s.getInt("i"));
        assertEquals(2, s.getInt("w"), "a whole double is an int");
        assertEquals(0.25, s.getDouble("d", 0));
        assertEquals(4.0, s.getDouble("l", 0));
        assertEquals(7, s.getInt("missing", 7));
        assertTrue(s.getBoolean("flag", false));
        assertEquals("n", s.getString("name", "?"));
        assertArrayEquals(new int[] {1, 2}, s.getIntList("missing", 1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.getInt("d"));
        assertTrue(e.getMessage().contains("\"d\" must be an integer, got 0.25"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.getInt("nope"));
        assertTrue(e.getMessage().contains("\"nope\" is required"), e.getMessage());
        assertEquals(ModelSpec.of("x", "i", 3L), ModelSpec.of("x", "i", (short) 3));
    }

    @Test
    void immutableAndValidated() {
        ModelSpec s = ModelSpec.of("mlp", "hidden", List.of(1));
        assertThrows(UnsupportedOperationException.class, () -> s.options().put("a", 1));
        @SuppressWarnings("unchecked")
        List<Object> hidden = (List<Object>) s.options().get("hidden");
        assertThrows(UnsupportedOperationException.class, () -> hidden.add(2L));
        ModelSpec t = s.with("hidden", List.of(2));
        assertEquals(List.of(1L), s.options().get("hidden"));
        assertEquals(List.of(2L), t.options().get("hidden"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", "x", new Object()));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", "x", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", "x"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.fromMap(Map.of("type", "mlp", "opts", Map.of())));
        assertTrue(e.getMessage().contains("opts"), e.getMessage());
        assertEquals(ModelSpec.of("mlp"), ModelSpec.fromMap(Map.of("type", "mlp")));
    }
}
