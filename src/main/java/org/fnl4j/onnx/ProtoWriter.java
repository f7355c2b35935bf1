package org.fnl4j.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffers wire-format encoder for the few ONNX messages fnl4j writes: varints (wire type
 * 0), 32-bit floats (wire type 5) and length-delimited fields (wire type 2: strings, bytes,
 * embedded messages, packed repeated scalars). A message is built into its own writer and embedded
 * with {@link #message}. Field numbers come from the callers ({@link OnnxWriter}).
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** An int32/int64/enum field (negative values take 10 bytes, as protobuf encodes them). */
    ProtoWriter int64(int field, long v) {
        tag(field, VARINT);
        rawVarint(v);
        return this;
    }

    ProtoWriter float32(int field, float v) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    /** A packed repeated int64 field (one length-delimited run of varints). */
    ProtoWriter packedInt64(int field, long[] values) {
        ProtoWriter p = new ProtoWriter();
        for (long v : values) {
            p.rawVarint(v);
        }
        return bytes(field, p.toByteArray());
    }

    /** A packed repeated float field (one length-delimited run of little-endian floats). */
    ProtoWriter packedFloat(int field, float[] values) {
        byte[] b = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            int bits = Float.floatToRawIntBits(values[i]);
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        return bytes(field, b);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
