package org.fnl4j.onnx;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Bounds-checked protocol-buffers wire-format decoder over a byte range of one array. Every length
 * is checked against the bytes that remain before it is trusted, so a truncated, corrupted or
 * forged file fails with an {@link OnnxFormatException} naming the file, the message being read
 * and the byte offset, never with an index or out-of-memory error.
 */
final class ProtoReader {
    private final byte[] b;
    private final int end;
    private final String source;
    private final String message;
    private int pos;

    private int fieldNumber;
    private int wireType;

    ProtoReader(byte[] b, String source, String message) {
        this(b, 0, b.length, source, message);
    }

    private ProtoReader(byte[] b, int start, int end, String source, String message) {
        this.b = b;
        this.pos = start;
        this.end = end;
        this.source = source;
        this.message = message;
    }

    OnnxFormatException error(String problem) {
        return new OnnxFormatException(source, "corrupted ONNX protobuf in " + message + " at byte " + pos + ": "
                + problem);
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() throws OnnxFormatException {
        if (pos >= end) {
            return false;
        }
        long key = rawVarint();
        fieldNumber = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (fieldNumber <= 0 || key >>> 3 > Integer.MAX_VALUE) {
            throw error("field number " + (key >>> 3) + " is not a valid protobuf field number (1 .. 2^29-1)");
        }
        if (wireType != ProtoWriter.VARINT && wireType != ProtoWriter.FIXED64 && wireType != ProtoWriter.LENGTH_DELIMITED
                && wireType != ProtoWriter.FIXED32) {
            throw error("field " + fieldNumber + " has wire type " + wireType
                    + ", expected 0 (varint), 1 (64-bit), 2 (length-delimited) or 5 (32-bit)");
        }
        return true;
    }

    int field() {
        return fieldNumber;
    }

    int wireType() {
        return wireType;
    }

    private long rawVarint() throws OnnxFormatException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error("varint runs past the end of the message (truncated file?)");
            }
            int x = b[pos++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    private void expect(int type, String what) throws OnnxFormatException {
        if (wireType != type) {
            throw error("field " + fieldNumber + " (" + what + ") has wire type " + wireType + ", expected " + type);
        }
    }

    long int64(String what) throws OnnxFormatException {
        expect(ProtoWriter.VARINT, what);
        return rawVarint();
    }

    float float32(String what) throws OnnxFormatException {
        expect(ProtoWriter.FIXED32, what);
        return Float.intBitsToFloat(fixed32());
    }

    private int fixed32() throws OnnxFormatException {
        if (end - pos < 4) {
            throw error("32-bit value runs past the end of the message");
        }
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** The byte range [start, start+length) of a length-delimited field, checked and skipped. */
    private int[] range(String what) throws OnnxFormatException {
        expect(ProtoWriter.LENGTH_DELIMITED, what);
        long len = rawVarint();
        if (len < 0 || len > end - pos) {
            throw error("field " + fieldNumber + " (" + what + ") claims " + len + " bytes but only " + (end - pos)
                    + " remain in the " + message);
        }
        int start = pos;
        pos += (int) len;
        return new int[] {start, (int) len};
    }

    ProtoReader message(String what) throws OnnxFormatException {
        int[] r = range(what);
        return new ProtoReader(b, r[0], r[0] + r[1], source, what);
    }

    byte[] bytes(String what) throws OnnxFormatException {
        int[] r = range(what);
        byte[] out = new byte[r[1]];
        System.arraycopy(b, r[0], out, 0, r[1]);
        return out;
    }

    String string(String what) throws OnnxFormatException {
        int[] r = range(what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, r[0], r[1])).toString();
        } catch (CharacterCodingException e) {
            throw error("field " + fieldNumber + " (" + what + ") is not valid UTF-8");
        }
    }

    /** A repeated int64 field, packed (one run) or not (one value): appends to {@code into}. */
    void int64s(String what, LongList into) throws OnnxFormatException {
        if (wireType == ProtoWriter.VARINT) {
            into.add(rawVarint());
            return;
        }
        ProtoReader p = message(what);
        while (p.pos < p.end) {
            into.add(p.rawVarint());
        }
    }

    /** A repeated float field, packed or not: appends to {@code into}. */
    void floats(String what, FloatList into) throws OnnxFormatException {
        if (wireType == ProtoWriter.FIXED32) {
            into.add(Float.intBitsToFloat(fixed32()));
            return;
        }
        ProtoReader p = message(what);
        if ((p.end - p.pos) % 4 != 0) {
            throw error("packed float field " + fieldNumber + " (" + what + ") has " + (p.end - p.pos)
                    + " bytes, not a multiple of 4");
        }
        while (p.pos < p.end) {
            into.add(Float.intBitsToFloat(p.fixed32()));
        }
    }

    /** Skips the current field's value (an unknown or unused field). */
    void skip() throws OnnxFormatException {
        switch (wireType) {
            case ProtoWriter.VARINT -> rawVarint();
            case ProtoWriter.FIXED64 -> {
                if (end - pos < 8) throw error("64-bit value runs past the end of the message");
                pos += 8;
            }
            case ProtoWriter.FIXED32 -> fixed32();
            default -> range("field " + fieldNumber);
        }
    }

    /** A growable long array. */
    static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** A growable float array. */
    static final class FloatList {
        float[] a = new float[8];
        int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
