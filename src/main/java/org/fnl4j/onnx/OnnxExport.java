package org.fnl4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.models.ResNet;
import org.fnl4j.models.TransformerLM;
import org.fnl4j.models.Vgg;
import org.fnl4j.nn.BasicBlock;
import org.fnl4j.nn.BatchNorm;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.ConvGeometry;
import org.fnl4j.nn.Dropout;
import org.fnl4j.nn.Embedding;
import org.fnl4j.nn.Flatten;
import org.fnl4j.nn.GELU;
import org.fnl4j.nn.GlobalAvgPool;
import org.fnl4j.nn.LayerNorm;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.MaxPool2d;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;
import org.fnl4j.nn.ReLU;
import org.fnl4j.nn.Sequential;
import org.fnl4j.nn.TransformerBlock;
import org.fnl4j.nn.factorized.FactorizedAttention;
import org.fnl4j.nn.factorized.FactorizedConv2d;
import org.fnl4j.nn.factorized.FactorizedLinear;
import org.fnl4j.nn.factorized.TensorConv2d;
import org.fnl4j.onnx.OnnxModel.Attribute;
import org.fnl4j.onnx.OnnxModel.DataType;
import org.fnl4j.onnx.OnnxModel.Dim;
import org.fnl4j.onnx.OnnxModel.Graph;
import org.fnl4j.onnx.OnnxModel.ValueInfo;
import org.fnl4j.tensor.Tensor;

/**
 * Writes an fnl4j {@link Model} as an ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}) that any ONNX runtime can run, for every model family: MLP, ResNet, VGG and
 * the Transformer LM, dense or factorized.
 *
 * <p>Graph input and output: image models take {@value #IMAGE_INPUT} float32 (N, C, H, W) with a
 * symbolic batch dimension "N" and give {@value #OUTPUT} (N, classes); the Transformer takes
 * {@value #TOKEN_INPUT} int64 (N, context) (the full context; the causal mask is a constant of that
 * size) and gives {@value #OUTPUT} (N, context, vocab). The outputs are those of
 * {@link Model#predict}.
 *
 * <p>Metadata ({@code metadata_props}): {@value #META_VERSION} (fnl4j's version),
 * {@value #META_ARCHITECTURE} (the model spec as JSON), {@value #META_FACTORIZATION} (the
 * factorization spec as JSON, or "null") and {@value #META_FACTORS} ("keep" or "collapse").
 *
 * <p>Operator mapping (see {@code docs/onnx.md}): Linear → Gemm (2-d) or MatMul + Add (3-d); Conv2d
 * → Conv; BatchNorm → BatchNormalization (eval: running statistics); option-A shortcut → Slice
 * (step = stride on H and W) + Pad (zero channels); GlobalAvgPool → GlobalAveragePool + Flatten;
 * LayerNorm → LayerNormalization; GELU → its tanh form from Mul/Add/Tanh; attention → MatMul,
 * Reshape, Transpose, Mul, Add (causal mask), Softmax; Embedding → Gather. Factorized layers as
 * {@link ExportOptions.Factors} says.
 */
public final class OnnxExport {
    /** The operator set version written (17 is the first with LayerNormalization). */
    public static final int OPSET = 17;
    /** The IR version written (IR 8 goes with opset 17). */
    public static final int IR_VERSION = 8;
    /** Name of the graph input of image models. */
    public static final String IMAGE_INPUT = "images";
    /** Name of the graph input of the Transformer LM. */
    public static final String TOKEN_INPUT = "tokens";
    /** Name of the graph output. */
    public static final String OUTPUT = "logits";
    /** Metadata key: fnl4j's version. */
    public static final String META_VERSION = "fnl4j_version";
    /** Metadata key: the model spec (JSON). */
    public static final String META_ARCHITECTURE = "fnl4j_architecture";
    /** Metadata key: the factorization spec (JSON, "null" for a dense model). */
    public static final String META_FACTORIZATION = "fnl4j_factorization";
    /** Metadata key: "keep" or "collapse" ({@link ExportOptions.Factors}). */
    public static final String META_FACTORS = "fnl4j_factors";
    /** Added to masked attention scores: exp of it underflows to exactly 0, like fnl4j's causal softmax. */
    private static final float MASKED = -1e9f;

    private final GraphBuilder g = new GraphBuilder();
    private final boolean collapse;
    /** The Transformer's sequence length (its input always holds the full context), for the causal mask. */
    private int context;

    private OnnxExport(ExportOptions options) {
        this.collapse = options.factors() == ExportOptions.Factors.COLLAPSE;
    }

    /**
     * Atomically writes {@code model} to {@code file} as ONNX.
     *
     * @throws IllegalArgumentException when the network holds a layer with no ONNX mapping (named)
     */
    public static void write(Model model, Path file, ExportOptions options) throws IOException {
        AtomicFiles.write(file, OnnxCodec.encode(toOnnx(model, options)));
    }

    /** @return the ONNX file bytes of {@code model}. */
    public static byte[] toBytes(Model model, ExportOptions options) {
        return OnnxCodec.encode(toOnnx(model, options));
    }

    /** @return {@code model} as an in-memory ONNX model (see the class comment). */
    public static OnnxModel toOnnx(Model model, ExportOptions options) {
        OnnxExport e = new OnnxExport(options);
        Module net = model.module();
        int[] example = model.exampleShape();
        ValueInfo input;
        Value out;
        if (model.spec().takesTokens()) {
            input = new ValueInfo(TOKEN_INPUT, DataType.INT64, List.of(Dim.symbolic("N"), Dim.of(example[0])));
            out = e.emit(net, "", new Value(TOKEN_INPUT, 2));
        } else {
            input = new ValueInfo(IMAGE_INPUT, DataType.FLOAT, List.of(Dim.symbolic("N"), Dim.of(example[0]),
                    Dim.of(example[1]), Dim.of(example[2])));
            out = e.emit(net, "", new Value(IMAGE_INPUT, 4));
        }
        e.g.renameOutput(out.name(), OUTPUT);
        List<Dim> outDims = model.spec().takesTokens()
                ? List.of(Dim.symbolic("N"), Dim.of(example[0]), Dim.of(model.spec().getInt("vocab")))
                : List.of(Dim.symbolic("N"), Dim.of(model.outputSize()));
        Graph graph = new Graph("fnl4j " + model.spec().type(), List.copyOf(e.g.nodes), List.copyOf(e.g.initializers),
                List.of(input), List.of(new ValueInfo(OUTPUT, DataType.FLOAT, outDims)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_VERSION, version());
        meta.put(META_ARCHITECTURE, model.spec().toString());
        meta.put(META_FACTORIZATION, Json.write(model.factorization()));
        meta.put(META_FACTORS, options.factors().name().toLowerCase(java.util.Locale.ROOT));
        return new OnnxModel(IR_VERSION, OPSET, "fnl4j", version(), graph, meta);
    }

    /** @return fnl4j's version (the jar manifest's, else the build's). */
    public static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    /** A value of the graph being built and its rank (2: (N, F), 3: (N, T, D), 4: (N, C, H, W)). */
    private record Value(String name, int rank) {}

    private static String join(String path, String child) {
        return path.isEmpty() ? child : path + "." + child;
    }

    private Value emit(Module m, String path, Value x) {
        if (m instanceof Sequential s) {
            for (Map.Entry<String, Module> c : s.children().entrySet()) {
                x = emit(c.getValue(), join(path, c.getKey()), x);
            }
            return x;
        }
        if (m instanceof ResNet r) {
            return resnet(r, path, x);
        }
        if (m instanceof Vgg v) {
            for (String c : List.of("features", "pool", "classifier")) {
                x = emit(v.children().get(c), join(path, c), x);
            }
            return x;
        }
        if (m instanceof TransformerLM t) {
            return transformer(t, path, x);
        }
        if (m instanceof BasicBlock b) {
            return basicBlock(b, path, x);
        }
        if (m instanceof TransformerBlock b) {
            return transformerBlock(b, path, x);
        }
        if (m instanceof MultiHeadAttention a) {
            return attention(path, x, a.heads(), a.headDim(), a.modelDim(), a.causal(), a.query().weight().value(),
                    a.key().weight().value(), a.value().weight().value(), a.output().weight().value());
        }
        if (m instanceof FactorizedAttention a) {
            // QKᵀ and OVᵀ per head are factorized by the projections themselves: the same graph either way.
            return attention(path, x, a.heads(), a.headDim(), a.modelDim(), a.causal(), a.wq().value(), a.wk().value(),
                    a.wv().value(), a.wo().value());
        }
        if (m instanceof Linear l) {
            return linear(path, x, l.weight().value(), l.bias() == null ? null : l.bias().value());
        }
        if (m instanceof FactorizedLinear f) {
            return factorizedLinear(f, path, x);
        }
        if (m instanceof Conv2d c) {
            return new Value(conv(path, x.name(), c.weight().value(), c.bias() == null ? null : c.bias().value(),
                    c.geometry(), c.groups()), 4);
        }
        if (m instanceof FactorizedConv2d f) {
            return factorizedConv(f, path, x);
        }
        if (m instanceof TensorConv2d t) {
            return tensorConv(t, path, x);
        }
        if (m instanceof BatchNorm bn) {
            return new Value(batchNorm(bn, path, x.name()), x.rank());
        }
        if (m instanceof LayerNorm ln) {
            return new Value(g.node("LayerNormalization", path, List.of(x.name(), g.init(path + ".weight",
                    ln.weight().value()), g.init(path + ".bias", ln.bias().value())), Attribute.of("axis", -1L),
                    Attribute.of("epsilon", ln.eps())), x.rank());
        }
        if (m instanceof ReLU) {
            return new Value(g.node("Relu", path, List.of(x.name())), x.rank());
        }
        if (m instanceof GELU) {
            return new Value(gelu(path, x.name()), x.rank());
        }
        if (m instanceof Dropout) {
            return x; // identity in eval mode
        }
        if (m instanceof Flatten f) {
            if (f.startDim() >= x.rank() - 1) {
                return x;
            }
            return new Value(g.node("Flatten", path, List.of(x.name()), Attribute.of("axis", (long) f.startDim())),
                    f.startDim() + 1);
        }
        if (m instanceof GlobalAvgPool) {
            String p = g.node("GlobalAveragePool", path, List.of(x.name()));
            return new Value(g.node("Flatten", path, List.of(p), Attribute.of("axis", 1L)), 2);
        }
        if (m instanceof MaxPool2d p) {
            long k = p.kernel(), s = p.stride(), pad = p.padding();
            return new Value(g.node("MaxPool", path, List.of(x.name()), Attribute.ints("kernel_shape", k, k),
                    Attribute.ints("strides", s, s), Attribute.ints("pads", pad, pad, pad, pad)), 4);
        }
        throw new IllegalArgumentException("ONNX export: layer '" + path + "' is a " + m.getClass().getSimpleName()
                + ", which has no ONNX mapping; exportable layers are Sequential, Linear, FactorizedLinear, Conv2d, "
                + "FactorizedConv2d, TensorConv2d, BatchNorm, LayerNorm, ReLU, GELU, Dropout, Flatten, GlobalAvgPool, "
                + "MaxPool2d, BasicBlock, MultiHeadAttention, FactorizedAttention, TransformerBlock and the models ResNet, "
                + "Vgg, TransformerLM");
    }

    private Value resnet(ResNet r, String path, Value x) {
        Map<String, Module> c = r.children();
        Value y = emit(c.get("conv1"), join(path, "conv1"), x);
        y = emit(c.get("bn1"), join(path, "bn1"), y);
        y = new Value(g.node("Relu", join(path, "relu"), List.of(y.name())), 4);
        for (String name : List.of("layer1", "layer2", "layer3", "pool", "linear")) {
            y = emit(c.get(name), join(path, name), y);
        }
        return y;
    }

    private Value basicBlock(BasicBlock b, String path, Value x) {
        Map<String, Module> c = b.children();
        Value y = emit(c.get("conv1"), join(path, "conv1"), x);
        y = emit(c.get("bn1"), join(path, "bn1"), y);
        y = new Value(g.node("Relu", join(path, "relu1"), List.of(y.name())), 4);
        y = emit(c.get("conv2"), join(path, "conv2"), y);
        y = emit(c.get("bn2"), join(path, "bn2"), y);
        String shortcut = x.name();
        if (b.hasOptionAShortcut()) {
            // Option A: every stride-th pixel from the first (Slice with steps), then (out-in)/2 zero channels each side.
            String sp = join(path, "shortcut");
            long s = b.stride();
            String sliced = g.node("Slice", sp, List.of(x.name(), g.initLongs(sp + ".starts", 0, 0),
                    g.initLongs(sp + ".ends", Long.MAX_VALUE, Long.MAX_VALUE), g.initLongs(sp + ".axes", 2, 3),
                    g.initLongs(sp + ".steps", s, s)));
            long lead = (b.outChannels() - b.inChannels()) / 2;
            shortcut = g.node("Pad", sp, List.of(sliced, g.initLongs(sp + ".pads", 0, lead, 0, 0, 0, lead, 0, 0)),
                    Attribute.of("mode", "constant"));
        }
        String sum = g.node("Add", join(path, "add"), List.of(y.name(), shortcut));
        return new Value(g.node("Relu", join(path, "relu2"), List.of(sum)), 4);
    }

    private String batchNorm(BatchNorm bn, String path, String x) {
        return g.node("BatchNormalization", path, List.of(x, g.init(path + ".weight", bn.weight().value()),
                g.init(path + ".bias", bn.bias().value()), g.init(path + ".running_mean", bn.runningMean()),
                g.init(path + ".running_var", bn.runningVar())), Attribute.of("epsilon", bn.eps()));
    }

    private String conv(String path, String x, Tensor w, Tensor b, ConvGeometry geo, int groups) {
        int[] s = w.shape();
        String wn = g.init(path + ".weight", w);
        List<String> in = b == null ? List.of(x, wn) : List.of(x, wn, g.init(path + ".bias", b));
        return g.node("Conv", path, in, Attribute.ints("kernel_shape", s[2], s[3]),
                Attribute.ints("strides", geo.strideH(), geo.strideW()),
                Attribute.ints("pads", geo.padH(), geo.padW(), geo.padH(), geo.padW()),
                Attribute.ints("dilations", geo.dilationH(), geo.dilationW()), Attribute.of("group", (long) groups));
    }

    /** y = x·Wᵀ + b: Gemm for (N, in); MatMul with the stored Wᵀ, then Add, for (N, T, in). */
    private Value linear(String path, Value x, Tensor w, Tensor b) {
        int out = w.shape(0), in = w.shape(1);
        if (x.rank() == 2) {
            String wn = g.init(path + ".weight", w);
            List<String> inputs = b == null ? List.of(x.name(), wn) : List.of(x.name(), wn, g.init(path + ".bias", b));
            return new Value(g.node("Gemm", path, inputs, Attribute.of("transB", 1L)), 2);
        }
        float[] wt = transpose(w.toArray(), out, in);
        String y = g.node("MatMul", path, List.of(x.name(), g.init(path + ".weight_t", wt, in, out)));
        if (b != null) {
            y = g.node("Add", path, List.of(y, g.init(path + ".bias", b)));
        }
        return new Value(y, x.rank());
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = a[i * cols + j];
        return t;
    }

    private Value factorizedLinear(FactorizedLinear f, String path, Value x) {
        Tensor b = f.bias() == null ? null : f.bias().value();
        if (collapse) {
            return linear(path, x, f.product(), b);
        }
        Value h = linear(join(path, "vt"), x, f.vt().value(), null);
        if (f.middle() != null) {
            h = linear(join(path, "m"), h, f.middle().value(), null);
        }
        return linear(join(path, "u"), h, f.u().value(), b);
    }

    private Value factorizedConv(FactorizedConv2d f, String path, Value x) {
        Tensor b = f.bias() == null ? null : f.bias().value();
        ConvGeometry geo = f.geometry();
        if (collapse) {
            return new Value(conv(path, x.name(), f.product(), b, geo, 1), 4);
        }
        int r = f.rank(), out = f.outChannels(), kh = f.kernelH();
        String h;
        Tensor second;
        ConvGeometry secondGeo;
        if (f.scheme() == FactorizedConv2d.Scheme.PAPER) {
            // 1×kw conv in→r with the width's stride/padding/dilation, then kh×1 conv r→out with the height's.
            h = conv(join(path, "vt"), x.name(), f.vt().value(), null, new ConvGeometry(1, geo.kernelW(), 1,
                    geo.strideW(), 0, geo.padW(), 1, geo.dilationW()), 1);
            float[] u = f.u().value().toArray(); // (out·kh, r), row (o, h)
            float[] w2 = new float[out * r * kh];  // (out, r, kh, 1)
            for (int o = 0; o < out; o++)
                for (int k = 0; k < kh; k++)
                    for (int j = 0; j < r; j++)
                        w2[(o * r + j) * kh + k] = u[(o * kh + k) * r + j];
            second = Tensor.of(w2, out, r, kh, 1);
            secondGeo = new ConvGeometry(kh, 1, geo.strideH(), 1, geo.padH(), 0, geo.dilationH(), 1);
        } else {
            h = conv(join(path, "vt"), x.name(), f.vt().value(), null, geo, 1);
            second = f.u().value();
            secondGeo = ConvGeometry.square(1, 1, 0, 1);
        }
        if (f.middle() != null) {
            // M·(Vᵀ∗x) = (M·Vᵀ)∗x: the middle factor is a 1×1 conv r→r between the two.
            h = conv(join(path, "m"), h, f.middle().value().view(r, r, 1, 1), null, ConvGeometry.square(1, 1, 0, 1), 1);
        }
        return new Value(conv(join(path, "u"), h, second, b, secondGeo, 1), 4);
    }

    private Value tensorConv(TensorConv2d t, String path, Value x) {
        Tensor b = t.bias() == null ? null : t.bias().value();
        if (collapse) {
            return new Value(conv(path, x.name(), t.product(), b, t.geometry(), 1), 4);
        }
        String h = conv(join(path, "depthwise"), x.name(), t.depthwise().value(), null, t.geometry(), t.inChannels());
        Tensor pointwise = Tensor.of(t.pointwise(), t.outChannels(), t.inChannels(), 1, 1);
        return new Value(conv(join(path, "pointwise"), h, pointwise, b, ConvGeometry.square(1, 1, 0, 1), 1), 4);
    }

    /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), fnl4j's GELU. */
    private String gelu(String path, String x) {
        String x3 = g.node("Mul", path, List.of(g.node("Mul", path, List.of(x, x)), x));
        String inner = g.node("Add", path, List.of(x, g.node("Mul", path, List.of(x3, g.scalar(path + ".c3", 0.044715f)))));
        String t = g.node("Tanh", path, List.of(g.node("Mul", path, List.of(inner,
                g.scalar(path + ".sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))))));
        String half = g.node("Mul", path, List.of(x, g.scalar(path + ".half", 0.5f)));
        return g.node("Mul", path, List.of(half, g.node("Add", path, List.of(t, g.scalar(path + ".one", 1f)))));
    }

    private Value transformer(TransformerLM t, String path, Value ids) {
        Map<String, Module> c = t.children();
        Embedding tok = (Embedding) c.get("tok"), pos = (Embedding) c.get("pos");
        int ctx = t.context();
        context = ctx;
        String e = g.node("Gather", join(path, "tok"), List.of(g.init(join(path, "tok.weight"), tok.weight().value()),
                ids.name()), Attribute.of("axis", 0L));
        // Positions 0..context-1: the input always holds the full context, so the table is added whole.
        float[] table = pos.weight().value().toArray();
        String p = g.init(join(path, "pos.weight"), java.util.Arrays.copyOf(table, ctx * t.modelDim()), ctx, t.modelDim());
        Value x = new Value(g.node("Add", join(path, "embed"), List.of(e, p)), 3);
        x = emit(c.get("blocks"), join(path, "blocks"), x);
        x = emit(c.get("ln"), join(path, "ln"), x);
        return emit(c.get("head"), join(path, "head"), x);
    }

    private Value transformerBlock(TransformerBlock b, String path, Value x) {
        Map<String, Module> c = b.children();
        Value a = emit(c.get("attn"), join(path, "attn"), emit(c.get("ln1"), join(path, "ln1"), x));
        x = new Value(g.node("Add", join(path, "add1"), List.of(x.name(), a.name())), 3);
        Value m = emit(c.get("mlp"), join(path, "mlp"), emit(c.get("ln2"), join(path, "ln2"), x));
        return new Value(g.node("Add", join(path, "add2"), List.of(x.name(), m.name())), 3);
    }

    /**
     * Multi-head attention on (N, T, D) with projections wq, wk, wv (H·dh, D) and wo (D, H·dh):
     * heads split by Reshape (N, T, H, dh) + Transpose, scores Q·Kᵀ·(1/√dh) + causal mask, Softmax
     * over keys, then heads merged and projected.
     */
    private Value attention(String path, Value x, int heads, int dh, int d, boolean causal, Tensor wq, Tensor wk,
                            Tensor wv, Tensor wo) {
        String split = g.initLongs(path + ".split_shape", 0, 0, heads, dh);
        String q = g.node("Transpose", join(path, "q"), List.of(g.node("Reshape", join(path, "q"), List.of(
                linear(join(path, "q_proj"), x, wq, null).name(), split))), Attribute.ints("perm", 0, 2, 1, 3));
        String kt = g.node("Transpose", join(path, "k"), List.of(g.node("Reshape", join(path, "k"), List.of(
                linear(join(path, "k_proj"), x, wk, null).name(), split))), Attribute.ints("perm", 0, 2, 3, 1));
        String v = g.node("Transpose", join(path, "v"), List.of(g.node("Reshape", join(path, "v"), List.of(
                linear(join(path, "v_proj"), x, wv, null).name(), split))), Attribute.ints("perm", 0, 2, 1, 3));
        String scores = g.node("Mul", join(path, "scores"), List.of(g.node("MatMul", join(path, "scores"),
                List.of(q, kt)), g.scalar(path + ".scale", (float) (1.0 / Math.sqrt(dh)))));
        if (causal) {
            int t = context;
            float[] mask = new float[t * t];
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++)
                    mask[i * t + j] = MASKED;
            scores = g.node("Add", join(path, "mask"), List.of(scores, g.init(path + ".causal_mask", mask, t, t)));
        }
        String p = g.node("Softmax", join(path, "softmax"), List.of(scores), Attribute.of("axis", -1L));
        String a = g.node("Transpose", join(path, "merge"), List.of(g.node("MatMul", join(path, "context"), List.of(p, v))),
                Attribute.ints("perm", 0, 2, 1, 3));
        String merged = g.node("Reshape", join(path, "merge"), List.of(a, g.initLongs(path + ".merge_shape", 0, 0,
                (long) heads * dh)));
        return linear(join(path, "out_proj"), new Value(merged, 3), wo, null);
    }
}
