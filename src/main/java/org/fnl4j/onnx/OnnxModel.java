package org.fnl4j.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX model (the {@code ModelProto} message of the ONNX specification) that fnl4j
 * writes and reads: IR version, operator sets, producer, one graph, and string metadata. Tensors are
 * float32 or int64; the graph's nodes are in topological order.
 *
 * @param irVersion the ONNX IR version ({@link OnnxExport#IR_VERSION} for files fnl4j writes)
 * @param opsetVersion the version of the default ("ai.onnx") operator set
 * @param producerName e.g. "fnl4j" or "pytorch"
 * @param producerVersion the producer's version
 * @param graph the computation
 * @param metadata {@code metadata_props}: key/value strings (fnl4j writes its version and the architecture)
 */
public record OnnxModel(long irVersion, long opsetVersion, String producerName, String producerVersion, Graph graph,
                        Map<String, String> metadata) {

    /** Element types of the tensors fnl4j handles, with their ONNX {@code TensorProto.DataType} codes. */
    public enum DataType {
        FLOAT(1, 4), INT32(6, 4), INT64(7, 8), BOOL(9, 1), DOUBLE(11, 8);

        private final int code;
        private final int bytes;

        DataType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        /** @return the ONNX data type number. */
        public int code() {
            return code;
        }

        /** @return bytes per element in {@code raw_data}. */
        public int bytes() {
            return bytes;
        }

        /** @return the type with ONNX code {@code code}, or null when fnl4j does not handle it. */
        public static DataType of(long code) {
            for (DataType t : values()) {
                if (t.code == code) return t;
            }
            return null;
        }
    }

    /**
     * A constant tensor (an initializer or a {@code Constant}/attribute value), row-major with shape
     * {@code dims}. Float tensors (FLOAT, DOUBLE read as float) hold {@code floats}; integer and
     * boolean tensors hold {@code longs}. The element count equals the product of the dims.
     */
    public record Tensor(String name, DataType type, long[] dims, float[] floats, long[] longs) {
        public Tensor {
            long n = count(dims);
            int have = floats != null ? floats.length : longs.length;
            if (n != have) {
                throw new IllegalArgumentException("ONNX tensor '" + name + "': dims " + Arrays.toString(dims) + " hold "
                        + n + " values, got " + have);
            }
        }

        /** A float32 tensor with an fnl4j tensor's shape and values. */
        public static Tensor of(String name, org.fnl4j.tensor.Tensor t) {
            int[] s = t.shape();
            long[] dims = new long[s.length];
            for (int i = 0; i < s.length; i++) dims[i] = s[i];
            return new Tensor(name, DataType.FLOAT, dims, t.toArray(), null);
        }

        /** A float32 tensor. */
        public static Tensor floats(String name, float[] values, long... dims) {
            return new Tensor(name, DataType.FLOAT, dims, values, null);
        }

        /** An int64 tensor. */
        public static Tensor longs(String name, long[] values, long... dims) {
            return new Tensor(name, DataType.INT64, dims, null, values);
        }

        /** @return the number of elements (product of the dims; 1 for a scalar). */
        public long size() {
            return count(dims);
        }

        /** @return the dims as ints (they are small for every tensor fnl4j handles). */
        public int[] shape() {
            int[] s = new int[dims.length];
            for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(dims[i]);
            return s;
        }

        /** @return the values as floats (integers converted). */
        public float[] asFloats() {
            if (floats != null) return floats;
            float[] f = new float[longs.length];
            for (int i = 0; i < f.length; i++) f[i] = longs[i];
            return f;
        }

        /** @return the values as longs (floats truncated toward zero). */
        public long[] asLongs() {
            if (longs != null) return longs;
            long[] l = new long[floats.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
            return l;
        }

        /** @return a copy with another name. */
        public Tensor named(String newName) {
            return new Tensor(newName, type, dims, floats, longs);
        }

        static long count(long[] dims) {
            long n = 1;
            for (long d : dims) {
                if (d < 0) return -1;
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** The attribute types fnl4j writes and reads ({@code AttributeProto.AttributeType} codes). */
    public enum AttributeType {
        FLOAT(1), INT(2), STRING(3), TENSOR(4), FLOATS(6), INTS(7);

        private final int code;

        AttributeType(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** @return the type with ONNX code {@code code}, or null for one fnl4j does not handle (graphs, ...). */
        public static AttributeType of(long code) {
            for (AttributeType t : values()) {
                if (t.code == code) return t;
            }
            return null;
        }
    }

    /** A node attribute; only the field of its {@link #type()} is meaningful. */
    public record Attribute(String name, AttributeType type, float f, long i, String s, Tensor t, float[] floats,
                            long[] ints) {
        public static Attribute of(String name, long v) {
            return new Attribute(name, AttributeType.INT, 0, v, null, null, null, null);
        }

        public static Attribute of(String name, float v) {
            return new Attribute(name, AttributeType.FLOAT, v, 0, null, null, null, null);
        }

        public static Attribute of(String name, String v) {
            return new Attribute(name, AttributeType.STRING, 0, 0, v, null, null, null);
        }

        public static Attribute of(String name, Tensor v) {
            return new Attribute(name, AttributeType.TENSOR, 0, 0, null, v, null, null);
        }

        public static Attribute ints(String name, long... v) {
            return new Attribute(name, AttributeType.INTS, 0, 0, null, null, null, v);
        }
    }

    /**
     * One operator application.
     *
     * @param inputs value names ("" for an omitted optional input)
     * @param attributes by name, in the order written
     */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
        /** @return the INT attribute, or {@code dflt} when absent. */
        public long intAttr(String key, long dflt) {
            Attribute a = attributes.get(key);
            return a == null ? dflt : a.i();
        }

        /** @return the FLOAT attribute, or {@code dflt} when absent. */
        public float floatAttr(String key, float dflt) {
            Attribute a = attributes.get(key);
            return a == null ? dflt : a.f();
        }

        /** @return the INTS attribute, or {@code dflt} when absent. */
        public long[] intsAttr(String key, long[] dflt) {
            Attribute a = attributes.get(key);
            return a == null || a.ints() == null ? dflt : a.ints();
        }

        /** @return the STRING attribute, or {@code dflt} when absent. */
        public String stringAttr(String key, String dflt) {
            Attribute a = attributes.get(key);
            return a == null || a.s() == null ? dflt : a.s();
        }

        /** @return "Conv node 'name'" for messages. */
        public String describe() {
            return opType + " node '" + (name == null || name.isEmpty() ? outputs.get(0) : name) + "'";
        }
    }

    /**
     * A graph input or output: name, element type and shape; a dimension is a number, or a symbolic
     * name (e.g. "batch") when {@link Dim#param()} is set.
     */
    public record ValueInfo(String name, DataType type, List<Dim> dims) {}

    /** One dimension of a {@link ValueInfo}: a fixed size, or a named symbolic size (value −1). */
    public record Dim(long value, String param) {
        public static Dim of(long v) {
            return new Dim(v, null);
        }

        public static Dim symbolic(String name) {
            return new Dim(-1, name);
        }
    }

    /** A computation: nodes in topological order, constant initializers, inputs and outputs. */
    public record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs,
                        List<ValueInfo> outputs) {}
}
