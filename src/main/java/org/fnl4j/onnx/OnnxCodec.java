package org.fnl4j.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.onnx.OnnxModel.Attribute;
import org.fnl4j.onnx.OnnxModel.AttributeType;
import org.fnl4j.onnx.OnnxModel.DataType;
import org.fnl4j.onnx.OnnxModel.Dim;
import org.fnl4j.onnx.OnnxModel.Graph;
import org.fnl4j.onnx.OnnxModel.Node;
import org.fnl4j.onnx.OnnxModel.Tensor;
import org.fnl4j.onnx.OnnxModel.ValueInfo;

/**
 * Encodes an {@link OnnxModel} to the bytes of an ONNX file and decodes them back. The field numbers
 * are those of the ONNX specification's {@code onnx.proto} (messages ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto,
 * OperatorSetIdProto, StringStringEntryProto); fields fnl4j does not use are skipped when reading.
 * Tensors are written with {@code raw_data} (little-endian); reading accepts raw_data,
 * float_data, int32_data, int64_data and double_data, and checks the element count against the dims.
 * Tensors stored in external files and sparse initializers are refused.
 */
public final class OnnxCodec {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3,
            MODEL_GRAPH = 7, MODEL_OPSET_IMPORT = 8, MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1, OPSET_VERSION = 2;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1, ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11,
            GRAPH_OUTPUT = 12, GRAPH_SPARSE_INITIALIZER = 15;
    // NodeProto
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5,
            NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_S = 4, ATTR_T = 5, ATTR_FLOATS = 7,
            ATTR_INTS = 8, ATTR_TYPE = 20;
    // TensorProto
    private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_FLOAT_DATA = 4, TENSOR_INT32_DATA = 5,
            TENSOR_INT64_DATA = 7, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9, TENSOR_DOUBLE_DATA = 10,
            TENSOR_EXTERNAL_DATA = 13, TENSOR_DATA_LOCATION = 14;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2, TYPE_TENSOR = 1, TENSOR_TYPE_ELEM = 1,
            TENSOR_TYPE_SHAPE = 2, SHAPE_DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;

    /** Largest tensor rank accepted when reading. */
    static final int MAX_RANK = 16;

    private OnnxCodec() {}

    // ---- encoding ------------------------------------------------------------------------------

    /** @return the ONNX file bytes of {@code m}. */
    public static byte[] encode(OnnxModel m) {
        ProtoWriter w = new ProtoWriter();
        w.int64(MODEL_IR_VERSION, m.irVersion());
        w.string(MODEL_PRODUCER_NAME, m.producerName());
        w.string(MODEL_PRODUCER_VERSION, m.producerVersion());
        w.message(MODEL_GRAPH, graph(m.graph()));
        w.message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, "").int64(OPSET_VERSION, m.opsetVersion()));
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            w.message(MODEL_METADATA_PROPS, new ProtoWriter().string(ENTRY_KEY, e.getKey()).string(ENTRY_VALUE, e.getValue()));
        }
        return w.toByteArray();
    }

    private static ProtoWriter graph(Graph g) {
        ProtoWriter w = new ProtoWriter();
        for (Node n : g.nodes()) {
            w.message(GRAPH_NODE, node(n));
        }
        w.string(GRAPH_NAME, g.name());
        for (Tensor t : g.initializers()) {
            w.message(GRAPH_INITIALIZER, tensor(t));
        }
        for (ValueInfo v : g.inputs()) {
            w.message(GRAPH_INPUT, valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            w.message(GRAPH_OUTPUT, valueInfo(v));
        }
        return w;
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String in : n.inputs()) w.string(NODE_INPUT, in);
        for (String out : n.outputs()) w.string(NODE_OUTPUT, out);
        w.string(NODE_NAME, n.name());
        w.string(NODE_OP_TYPE, n.opType());
        for (Attribute a : n.attributes().values()) {
            ProtoWriter aw = new ProtoWriter().string(ATTR_NAME, a.name());
            switch (a.type()) {
                case FLOAT -> aw.float32(ATTR_F, a.f());
                case INT -> aw.int64(ATTR_I, a.i());
                case STRING -> aw.string(ATTR_S, a.s());
                case TENSOR -> aw.message(ATTR_T, tensor(a.t()));
                case FLOATS -> {
                    for (float f : a.floats()) aw.float32(ATTR_FLOATS, f);
                }
                case INTS -> {
                    for (long i : a.ints()) aw.int64(ATTR_INTS, i);
                }
            }
            aw.int64(ATTR_TYPE, a.type().code());
            w.message(NODE_ATTRIBUTE, aw);
        }
        return w;
    }

    private static ProtoWriter tensor(Tensor t) {
        ProtoWriter w = new ProtoWriter();
        for (long d : t.dims()) w.int64(TENSOR_DIMS, d);
        w.int64(TENSOR_DATA_TYPE, t.type().code());
        w.string(TENSOR_NAME, t.name());
        int n = (int) t.size();
        byte[] raw = new byte[n * t.type().bytes()];
        for (int i = 0; i < n; i++) {
            long bits = switch (t.type()) {
                case FLOAT -> Float.floatToRawIntBits(t.floats()[i]);
                case DOUBLE -> Double.doubleToRawLongBits(t.asFloats()[i]);
                default -> t.asLongs()[i];
            };
            for (int k = 0; k < t.type().bytes(); k++) {
                raw[i * t.type().bytes() + k] = (byte) (bits >>> (8 * k));
            }
        }
        w.bytes(TENSOR_RAW_DATA, raw);
        return w;
    }

    private static ProtoWriter valueInfo(ValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (Dim d : v.dims()) {
            shape.message(SHAPE_DIM, d.param() != null ? new ProtoWriter().string(DIM_PARAM, d.param())
                    : new ProtoWriter().int64(DIM_VALUE, d.value()));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(TENSOR_TYPE_ELEM, v.type().code()).message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(VALUE_NAME, v.name()).message(VALUE_TYPE, new ProtoWriter().message(TYPE_TENSOR,
                tensorType));
    }

    // ---- decoding ------------------------------------------------------------------------------

    /**
     * Decodes an ONNX file.
     *
     * @param source names the file in errors
     * @throws OnnxFormatException naming {@code source} when the bytes are not a well-formed ONNX model
     *                             of the kind fnl4j reads (see the class comment)
     */
    public static OnnxModel decode(byte[] bytes, String source) throws OnnxFormatException {
        ProtoReader r = new ProtoReader(bytes, source, "ModelProto");
        long ir = -1, opset = -1;
        String producer = "", producerVersion = "";
        Graph graph = null;
        Map<String, String> meta = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case MODEL_IR_VERSION -> ir = r.int64("ir_version");
                case MODEL_PRODUCER_NAME -> producer = r.string("producer_name");
                case MODEL_PRODUCER_VERSION -> producerVersion = r.string("producer_version");
                case MODEL_GRAPH -> graph = graph(r.message("GraphProto"), source);
                case MODEL_OPSET_IMPORT -> {
                    ProtoReader o = r.message("OperatorSetIdProto");
                    String domain = "";
                    long version = -1;
                    while (o.next()) {
                        if (o.field() == OPSET_DOMAIN) domain = o.string("domain");
                        else if (o.field() == OPSET_VERSION) version = o.int64("version");
                        else o.skip();
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) opset = version;
                }
                case MODEL_METADATA_PROPS -> {
                    ProtoReader e = r.message("StringStringEntryProto");
                    String k = "", v = "";
                    while (e.next()) {
                        if (e.field() == ENTRY_KEY) k = e.string("key");
                        else if (e.field() == ENTRY_VALUE) v = e.string("value");
                        else e.skip();
                    }
                    meta.put(k, v);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new OnnxFormatException(source, "not an ONNX model: the ModelProto has no graph (field 7); expected an "
                    + "ONNX file as written by torch.onnx.export or fnl export");
        }
        if (ir < 1) {
            throw new OnnxFormatException(source, "not an ONNX model: no ir_version (field 1) in the ModelProto");
        }
        if (opset < 1) {
            throw new OnnxFormatException(source, "the model imports no version of the default operator set (ai.onnx)");
        }
        return new OnnxModel(ir, opset, producer, producerVersion, graph, meta);
    }

    private static Graph graph(ProtoReader r, String source) throws OnnxFormatException {
        List<Node> nodes = new ArrayList<>();
        List<Tensor> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        String name = "";
        while (r.next()) {
            switch (r.field()) {
                case GRAPH_NODE -> nodes.add(node(r.message("NodeProto"), source));
                case GRAPH_NAME -> name = r.string("graph name");
                case GRAPH_INITIALIZER -> inits.add(tensor(r.message("TensorProto"), source));
                case GRAPH_INPUT -> inputs.add(valueInfo(r.message("ValueInfoProto"), source));
                case GRAPH_OUTPUT -> outputs.add(valueInfo(r.message("ValueInfoProto"), source));
                case GRAPH_SPARSE_INITIALIZER -> throw r.error("sparse initializers are not supported; expected dense "
                        + "initializers");
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private static Node node(ProtoReader r, String source) throws OnnxFormatException {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        String name = "", op = "", domain = "";
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> in.add(r.string("node input"));
                case NODE_OUTPUT -> out.add(r.string("node output"));
                case NODE_NAME -> name = r.string("node name");
                case NODE_OP_TYPE -> op = r.string("op_type");
                case NODE_DOMAIN -> domain = r.string("node domain");
                case NODE_ATTRIBUTE -> {
                    Attribute a = attribute(r.message("AttributeProto"), source);
                    if (a != null) attrs.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        if (op.isEmpty() || out.isEmpty()) {
            throw new OnnxFormatException(source, "node '" + name + "' has " + (op.isEmpty() ? "no op_type" : "no output")
                    + "; every ONNX node needs an op_type and at least one output");
        }
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            op = domain + "." + op;
        }
        return new Node(name, op, List.copyOf(in), List.copyOf(out), attrs);
    }

    /** @return the attribute, or null for a type fnl4j does not use (graphs, strings lists, ...). */
    private static Attribute attribute(ProtoReader r, String source) throws OnnxFormatException {
        String name = "";
        long typeCode = 0;
        float f = 0;
        long i = 0;
        String s = null;
        Tensor t = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case ATTR_NAME -> name = r.string("attribute name");
                case ATTR_F -> f = r.float32("attribute f");
                case ATTR_I -> i = r.int64("attribute i");
                case ATTR_S -> s = new String(r.bytes("attribute s"), java.nio.charset.StandardCharsets.UTF_8);
                case ATTR_T -> t = tensor(r.message("attribute tensor"), source);
                case ATTR_FLOATS -> r.floats("attribute floats", floats);
                case ATTR_INTS -> r.int64s("attribute ints", ints);
                case ATTR_TYPE -> typeCode = r.int64("attribute type");
                default -> r.skip();
            }
        }
        AttributeType type = AttributeType.of(typeCode);
        if (type == null) {
            return null;
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
    }

    private static Tensor tensor(ProtoReader r, String source) throws OnnxFormatException {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        long typeCode = 0;
        String name = "";
        byte[] raw = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        boolean external = false;
        List<Double> doubles = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> r.int64s("tensor dims", dims);
                case TENSOR_DATA_TYPE -> typeCode = r.int64("tensor data_type");
                case TENSOR_FLOAT_DATA -> r.floats("float_data", floats);
                case TENSOR_INT32_DATA, TENSOR_INT64_DATA -> r.int64s("int data", ints);
                case TENSOR_NAME -> name = r.string("tensor name");
                case TENSOR_RAW_DATA -> raw = r.bytes("raw_data");
                case TENSOR_DOUBLE_DATA -> {
                    if (r.wireType() == ProtoWriter.FIXED64) {
                        throw r.error("unpacked double_data is not supported");
                    }
                    byte[] b = r.bytes("double_data");
                    for (int k = 0; k + 8 <= b.length; k += 8) doubles.add(java.nio.ByteBuffer.wrap(b, k, 8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble());
                }
                case TENSOR_EXTERNAL_DATA -> external = true;
                case TENSOR_DATA_LOCATION -> external |= r.int64("data_location") == 1;
                default -> r.skip();
            }
        }
        String what = "tensor '" + name + "'";
        if (external) {
            throw new OnnxFormatException(source, what + " is stored in an external file; expected its data inside the "
                    + "model (save with all tensors in one file)");
        }
        DataType type = DataType.of(typeCode);
        if (type == null) {
            throw new OnnxFormatException(source, what + " has data type " + typeCode + "; expected float (1), int32 (6), "
                    + "int64 (7), bool (9) or double (11)");
        }
        long[] d = dims.toArray();
        if (d.length > MAX_RANK) {
            throw new OnnxFormatException(source, what + " has rank " + d.length + ", expected at most " + MAX_RANK);
        }
        long n = 1;
        for (long x : d) {
            if (x < 0 || (n > 0 && x > Integer.MAX_VALUE / Math.max(1, n))) {
                throw new OnnxFormatException(source, what + " has dims " + java.util.Arrays.toString(d)
                        + "; expected non-negative dims whose product fits in an int");
            }
            n *= x;
        }
        int count = (int) n;
        float[] f = null;
        long[] l = null;
        boolean isFloat = type == DataType.FLOAT || type == DataType.DOUBLE;
        if (raw != null) {
            if ((long) count * type.bytes() != raw.length) {
                throw new OnnxFormatException(source, what + " has dims " + java.util.Arrays.toString(d) + " = " + count
                        + " values of " + type.bytes() + " bytes, but raw_data holds " + raw.length + " bytes");
            }
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (isFloat) {
                f = new float[count];
                for (int k = 0; k < count; k++) f[k] = type == DataType.FLOAT ? bb.getFloat() : (float) bb.getDouble();
            } else {
                l = new long[count];
                for (int k = 0; k < count; k++) {
                    l[k] = switch (type) {
                        case INT32 -> bb.getInt();
                        case BOOL -> bb.get();
                        default -> bb.getLong();
                    };
                }
            }
        } else {
            int have = type == DataType.FLOAT ? floats.n : type == DataType.DOUBLE ? doubles.size() : ints.n;
            if (have != count) {
                throw new OnnxFormatException(source, what + " has dims " + java.util.Arrays.toString(d) + " = " + count
                        + " values, but its data fields hold " + have);
            }
            if (type == DataType.FLOAT) {
                f = floats.toArray();
            } else if (type == DataType.DOUBLE) {
                f = new float[count];
                for (int k = 0; k < count; k++) f[k] = doubles.get(k).floatValue();
            } else {
                l = ints.toArray();
            }
        }
        return new Tensor(name, isFloat ? DataType.FLOAT : type, d, f, l);
    }

    private static ValueInfo valueInfo(ProtoReader r, String source) throws OnnxFormatException {
        String name = "";
        DataType type = null;
        List<Dim> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() == VALUE_NAME) {
                name = r.string("value name");
            } else if (r.field() == VALUE_TYPE) {
                ProtoReader t = r.message("TypeProto");
                while (t.next()) {
                    if (t.field() != TYPE_TENSOR) {
                        t.skip();
                        continue;
                    }
                    ProtoReader tt = t.message("TypeProto.Tensor");
                    while (tt.next()) {
                        if (tt.field() == TENSOR_TYPE_ELEM) {
                            type = DataType.of(tt.int64("elem_type"));
                        } else if (tt.field() == TENSOR_TYPE_SHAPE) {
                            ProtoReader s = tt.message("TensorShapeProto");
                            while (s.next()) {
                                if (s.field() != SHAPE_DIM) {
                                    s.skip();
                                    continue;
                                }
                                ProtoReader dr = s.message("TensorShapeProto.Dimension");
                                Dim dim = Dim.symbolic("?");
                                while (dr.next()) {
                                    if (dr.field() == DIM_VALUE) dim = Dim.of(dr.int64("dim_value"));
                                    else if (dr.field() == DIM_PARAM) dim = Dim.symbolic(dr.string("dim_param"));
                                    else dr.skip();
                                }
                                dims.add(dim);
                            }
                        } else {
                            tt.skip();
                        }
                    }
                }
            } else {
                r.skip();
            }
        }
        return new ValueInfo(name, type, dims);
    }
}
