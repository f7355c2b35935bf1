package org.fnl4j.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, JSON-compatible description of a network: a {@link #type()} (e.g. {@code resnet20})
 * and {@link #options()} holding only JSON values (String, Number, Boolean, List, Map; no null).
 * {@link Models#build(ModelSpec, org.fnl4j.tensor.Rng)} turns it into a module; model files store
 * {@link #toMap()} as JSON and rebuild the spec with {@link #fromMap(Map)}. {@link #toString()} is
 * that JSON text (compact), so {@code fromMap(anyJsonParser.parse(s.toString())).equals(s)}.
 *
 * <p>Numbers are normalized on construction so that a spec equals its JSON round trip: integer
 * types become {@link Long}, float types {@link Double} (a JSON parser reads integral numbers as
 * Long, others as Double). The accessors ({@link #getInt} etc.) accept any number that fits.
 */
public final class ModelSpec {
    private final String type;
    private final Map<String, Object> options;

    /**
     * @param options copied deeply; keys keep their insertion order in {@link #toString()}
     */
    public ModelSpec(String type, Map<String, ?> options) {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("ModelSpec: type must be a non-empty string, got " + type);
        }
        this.type = type;
        this.options = freezeMap(options == null ? Map.of() : options, "options");
    }

    /** A spec from alternating option keys and values, e.g. {@code of("mlp", "hidden", List.of(512, 512))}. */
    public static ModelSpec of(String type, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("ModelSpec.of: options must be key/value pairs, got " + keysAndValues.length
                    + " arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String)) {
                throw new IllegalArgumentException("ModelSpec.of: option key at position " + i + " must be a String, got "
                        + keysAndValues[i]);
            }
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new ModelSpec(type, m);
    }

    /**
     * Rebuilds a spec from its {@link #toMap()} form, e.g. as read back from JSON:
     * {@code {"type": "...", "options": {...}}} ("options" may be absent).
     *
     * @throws IllegalArgumentException naming the missing or unexpected member
     */
    public static ModelSpec fromMap(Map<String, ?> m) {
        if (m == null || !(m.get("type") instanceof String)) {
            throw new IllegalArgumentException("ModelSpec.fromMap: expected an object with a string \"type\", got " + m);
        }
        Object opts = m.get("options");
        if (opts != null && !(opts instanceof Map)) {
            throw new IllegalArgumentException("ModelSpec.fromMap: \"options\" must be an object, got " + opts);
        }
        for (String k : m.keySet()) {
            if (!k.equals("type") && !k.equals("options")) {
                throw new IllegalArgumentException("ModelSpec.fromMap: unknown member \"" + k
                        + "\"; expected \"type\" and \"options\"");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> o = (Map<String, ?>) opts;
        return new ModelSpec((String) m.get("type"), o);
    }

    public String type() { return type; }

    /** @return true when the network reads token ids (the Transformer LM), false for image models. */
    public boolean takesTokens() {
        return Architecture.isTokenType(type);
    }

    /** @return true for the convolutional image networks (ResNet of any depth, VGG), false for the MLP and the Transformer. */
    public boolean convolutional() {
        return type.startsWith("resnet") || type.equals(Architecture.VGG.id());
    }

    /** @return the shape of one input example: (C, H, W) for image models, (context) for the Transformer. */
    public int[] exampleShape() {
        return takesTokens() ? new int[] {getInt("context", 64)}
                : new int[] {getInt("inChannels", 3), getInt("height", 32), getInt("width", 32)};
    }

    /** @return the number of logits per example: classes, or context × vocab for the Transformer. */
    public int outputSize() {
        return takesTokens() ? getInt("context", 64) * getInt("vocab") : getInt("numClasses", 10);
    }

    /** @return the options (unmodifiable, deeply). */
    public Map<String, Object> options() { return options; }

    /** @return a copy with {@code key} set to {@code value}. */
    public ModelSpec with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(options);
        m.put(key, value);
        return new ModelSpec(type, m);
    }

    public boolean has(String key) {
        return options.containsKey(key);
    }

    /** @return the integer option, or {@code dflt} when absent; fails on a non-integral value. */
    public int getInt(String key, int dflt) {
        Object v = options.get(key);
        return v == null ? dflt : toInt(v, key);
    }

    /** @return the integer option; fails when absent. */
    public int getInt(String key) {
        return toInt(require(key), key);
    }

    /** @return the numeric option as a double, or {@code dflt} when absent. */
    public double getDouble(String key, double dflt) {
        Object v = options.get(key);
        if (v == null) return dflt;
        if (!(v instanceof Number n)) {
            throw wrongType(key, v, "a number");
        }
        return n.doubleValue();
    }

    /** @return the boolean option, or {@code dflt} when absent. */
    public boolean getBoolean(String key, boolean dflt) {
        Object v = options.get(key);
        if (v == null) return dflt;
        if (!(v instanceof Boolean b)) {
            throw wrongType(key, v, "true or false");
        }
        return b;
    }

    /** @return the string option, or {@code dflt} when absent. */
    public String getString(String key, String dflt) {
        Object v = options.get(key);
        if (v == null) return dflt;
        if (!(v instanceof String str)) {
            throw wrongType(key, v, "a string");
        }
        return str;
    }

    /** @return the option as a list of integers, or {@code dflt} when absent. */
    public int[] getIntList(String key, int... dflt) {
        Object v = options.get(key);
        if (v == null) return dflt.clone();
        if (!(v instanceof List<?> l)) {
            throw wrongType(key, v, "a list of integers");
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toInt(l.get(i), key + "[" + i + "]");
        }
        return out;
    }

    private Object require(String key) {
        Object v = options.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model '" + type + "': option \"" + key + "\" is required; options are "
                    + options.keySet());
        }
        return v;
    }

    private int toInt(Object v, String key) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw wrongType(key, v, "an integer");
    }

    private IllegalArgumentException wrongType(String key, Object v, String expected) {
        return new IllegalArgumentException("model '" + type + "': option \"" + key + "\" must be " + expected + ", got "
                + v);
    }

    private static Map<String, Object> freezeMap(Map<?, ?> m, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IllegalArgumentException("ModelSpec: keys must be strings, got " + e.getKey() + " in " + where);
            }
            out.put(k, freeze(e.getValue(), where + "." + k));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object freeze(Object v, String where) {
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float || v instanceof Double) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("ModelSpec: " + where + " is " + d + "; JSON holds finite numbers only");
            }
            // Float → Double through the shortest decimal, so 0.1f is 0.1 and survives a JSON round trip.
            return v instanceof Float ? Double.parseDouble(v.toString()) : d;
        }
        if (v instanceof Map<?, ?> m) {
            return freezeMap(m, where);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(freeze(l.get(i), where + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof int[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (int x : a) out.add((long) x);
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("ModelSpec: " + where + " must be a String, Number, Boolean, List or Map, got "
                + (v == null ? "null" : v.getClass().getName()));
    }

    /** @return {@code {"type": ..., "options": {...}}} as an unmodifiable map of JSON values. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("options", options);
        return Collections.unmodifiableMap(m);
    }

    /** @return {@link #toMap()} as compact JSON text, e.g. {@code {"type":"mlp","options":{"hidden":[512,512]}}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        writeJson(toMap(), sb);
        return sb.toString();
    }

    /** Writes the JSON values this class admits (see {@link #freeze}); strings escaped per RFC 8259. */
    private static void writeJson(Object v, StringBuilder sb) {
        if (v instanceof String str) {
            sb.append('"');
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sep);
                sep = ",";
                writeJson(e.getKey(), sb);
                sb.append(':');
                writeJson(e.getValue(), sb);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                writeJson(l.get(i), sb);
            }
            sb.append(']');
        } else {
            // Long, finite Double (Java's shortest round-trip form is valid JSON) or Boolean.
            sb.append(v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec other && type.equals(other.type) && options.equals(other.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, options);
    }
}
