package org.fnl4j.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) writer and parser for the architecture header of model files,
 * checkpoints and the metrics log. Values map to Java as: object ↔ {@code Map<String,Object>}
 * (insertion-ordered {@link LinkedHashMap}), array ↔ {@code List<Object>}, string ↔ {@link String},
 * number ↔ {@link Long} when integral and in range, otherwise {@link Double} (writing accepts any
 * {@link Number}), {@code true/false} ↔ {@link Boolean}, {@code null} ↔ {@code null}.
 *
 * <p>Parsing is strict: no comments, no trailing commas, no duplicate keys, no leading zeros, no
 * unescaped control characters, nesting at most {@value #MAX_DEPTH} deep, nothing after the value.
 * Errors are {@link JsonException}s that state the character position.
 */
public final class Json {
    /** Deepest nesting the parser accepts, so hostile input cannot overflow the stack. */
    public static final int MAX_DEPTH = 256;

    private Json() {}

    /** Thrown for malformed JSON text or for values that cannot be written as JSON. */
    public static final class JsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int position;

        JsonException(String message, int position) {
            super(position >= 0 ? message + " at character " + position : message);
            this.position = position;
        }

        /** @return the 0-based character offset where parsing failed, or -1 for a writing error. */
        public int position() {
            return position;
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /** @return compact JSON text for {@code value} (keys in the map's iteration order). */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, null, "");
        return sb.toString();
    }

    /** @return JSON text for {@code value}, indented by two spaces per level for humans. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, "  ", "");
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb, String indent, String cur) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(s, sb);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Number n) {
            writeNumber(n, sb);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            String next = indent == null ? null : cur + indent;
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new JsonException("Json.write: object keys must be strings, got "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getSimpleName()), -1);
                }
                if (!first) sb.append(',');
                first = false;
                if (next != null) sb.append('\n').append(next);
                quote(key, sb);
                sb.append(next != null ? ": " : ":");
                write(e.getValue(), sb, indent, next);
            }
            if (next != null) sb.append('\n').append(cur);
            sb.append('}');
        } else if (v instanceof Iterable<?> it) {
            Iterator<?> iter = it.iterator();
            if (!iter.hasNext()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            String next = indent == null ? null : cur + indent;
            boolean first = true;
            while (iter.hasNext()) {
                if (!first) sb.append(',');
                first = false;
                if (next != null) sb.append('\n').append(next);
                write(iter.next(), sb, indent, next);
            }
            if (next != null) sb.append('\n').append(cur);
            sb.append(']');
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (int x : a) l.add(x);
            write(l, sb, indent, cur);
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (long x : a) l.add(x);
            write(l, sb, indent, cur);
        } else if (v instanceof float[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (float x : a) l.add(x);
            write(l, sb, indent, cur);
        } else if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (double x : a) l.add(x);
            write(l, sb, indent, cur);
        } else {
            throw new JsonException("Json.write: cannot write a " + v.getClass().getName()
                    + " (allowed: Map, List, String, Number, Boolean, null, primitive arrays)", -1);
        }
    }

    private static void writeNumber(Number n, StringBuilder sb) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new JsonException("Json.write: JSON has no representation for " + d, -1);
            }
            // Double.toString/Float.toString output ("3.0", "1.0E-4") is valid JSON and reads back as a double.
            sb.append(n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
        } else {
            sb.append(n.toString());
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    // ---- parsing -------------------------------------------------------------------------------

    /**
     * Parses one JSON value that must make up the whole of {@code text} (surrounding whitespace allowed).
     *
     * @throws JsonException naming the position of the first error
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) {
            throw new JsonException("Json.parse: unexpected '" + text.charAt(p.pos) + "' after the value", p.pos);
        }
        return v;
    }

    /** Parses text that must be a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("Json.parseObject: expected an object, got " + typeName(v), 0);
        }
        return (Map<String, Object>) v;
    }

    /** @return a short JSON type name for error messages. */
    public static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "object";
        if (v instanceof List) return "array";
        if (v instanceof String) return "string";
        if (v instanceof Number) return "number";
        if (v instanceof Boolean) return "boolean";
        return v.getClass().getSimpleName();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        private JsonException err(String what) {
            return new JsonException("Json.parse: " + what, pos);
        }

        void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw err("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= s.length()) {
                throw err("unexpected end of text, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw err("unexpected character '" + printable(c) + "', expected a value");
            }
        }

        private static String printable(char c) {
            return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }

        private void literal(String word) {
            if (!s.startsWith(word, pos)) {
                throw err("invalid literal, expected '" + word + "'");
            }
            pos += word.length();
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw err("expected a string key in object");
                }
                int keyPos = pos;
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                Object v = value(depth + 1);
                if (m.containsKey(key)) {
                    throw new JsonException("Json.parse: duplicate key \"" + key + "\"", keyPos);
                }
                m.put(key, v);
                skipWs();
                if (pos >= s.length()) {
                    throw err("unterminated object, expected ',' or '}'");
                }
                char c = s.charAt(pos++);
                if (c == '}') return m;
                if (c != ',') {
                    pos--;
                    throw err("expected ',' or '}' in object, got '" + printable(c) + "'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> l = new ArrayList<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                skipWs();
                l.add(value(depth + 1));
                skipWs();
                if (pos >= s.length()) {
                    throw err("unterminated array, expected ',' or ']'");
                }
                char c = s.charAt(pos++);
                if (c == ']') return l;
                if (c != ',') {
                    pos--;
                    throw err("expected ',' or ']' in array, got '" + printable(c) + "'");
                }
            }
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw err("expected '" + c + "'");
            }
            pos++;
        }

        private String string() {
            pos++;
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw err("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) {
                    throw err("unescaped control character " + printable(c) + " in string");
                }
                if (c == '\\') {
                    if (sb == null) sb = new StringBuilder();
                    sb.append(s, start, pos);
                    pos++;
                    if (pos >= s.length()) {
                        throw err("unterminated escape in string");
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw err("truncated \\u escape");
                            }
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(s.charAt(pos + i), 16);
                                if (d < 0) {
                                    pos += i;
                                    throw err("bad hex digit in \\u escape");
                                }
                                cp = cp * 16 + d;
                            }
                            pos += 4;
                            sb.append((char) cp);
                        }
                        default -> {
                            pos--;
                            throw err("invalid escape '\\" + printable(e) + "'");
                        }
                    }
                    start = pos;
                } else {
                    pos++;
                }
            }
        }

        private Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length()) throw err("truncated number");
            char c = s.charAt(pos);
            if (c == '0') {
                pos++;
                if (pos < s.length() && isDigit(s.charAt(pos))) {
                    throw err("leading zero in number");
                }
            } else if (c >= '1' && c <= '9') {
                while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
            } else {
                throw err("expected a digit");
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                int d = pos;
                while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
                if (pos == d) throw err("expected a digit after '.'");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                int d = pos;
                while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
                if (pos == d) throw err("expected a digit in exponent");
            }
            String text = s.substring(start, pos);
            if (integral && text.length() <= 18) {
                return Long.parseLong(text);
            }
            if (integral) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException overflow) {
                    // Too large for a long: fall through to a double, as JavaScript would.
                }
            }
            return Double.parseDouble(text);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    // ---- typed access helpers for readers of parsed headers -------------------------------------

    /** @return an unmodifiable deep copy of a parsed value (maps and lists made read-only). */
    @SuppressWarnings("unchecked")
    public static Object frozen(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, frozen(x)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(frozen(x));
            return Collections.unmodifiableList(out);
        }
        return v;
    }
}
