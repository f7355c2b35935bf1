package org.fnl4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fnl4j.io.Model;
import org.fnl4j.io.ModelFile;
import org.fnl4j.io.StateDict;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.BatchNorm;
import org.fnl4j.onnx.OnnxModel.Dim;
import org.fnl4j.onnx.OnnxModel.Node;
import org.fnl4j.onnx.OnnxModel.Tensor;
import org.fnl4j.onnx.OnnxModel.ValueInfo;
import org.fnl4j.tensor.Rng;

/**
 * Reads a dense image classifier from an ONNX file into an fnl4j {@link Model}: the CIFAR-style
 * ResNet (6n+2 layers, option-A shortcuts) and the MLP, as {@code torch.onnx.export} or
 * {@link OnnxExport} write them. The result can be compressed ({@link org.fnl4j.train.Compression})
 * and exported again.
 *
 * <p>Input: one float32 graph input (N, C, H, W) with fixed C, H, W (or (N, F) for an MLP); output:
 * one graph output (N, classes). Constant subgraphs (Constant, ConstantOfShape, Concat, Cast,
 * Transpose, Reshape, Slice, Unsqueeze, Squeeze, Gather on constants) are evaluated first; the
 * remaining nodes must be in {@link #SUPPORTED}, else the import fails naming the node, its op type
 * and that list. Then the graph is matched against the architectures:
 * <pre>
 *   ResNet: Conv [BatchNormalization] Relu, then blocks of
 *           Conv [BN] Relu Conv [BN] Add(·, shortcut) Relu, the shortcut the block input or
 *           Slice (step 2 on H, W) + Pad (zero channels); then GlobalAveragePool or ReduceMean(H, W),
 *           [Flatten | Reshape], Gemm (or MatMul + Add)
 *   MLP:    Flatten | Reshape, then Gemm (or MatMul + Add) layers with Relu between them
 * </pre>
 * A convolution's bias (PyTorch folds BatchNorm into the conv in eval mode) goes into the fnl4j
 * BatchNorm that follows it: γ = 1, β = bias, running mean 0, running variance 1 − ε.
 */
public final class OnnxImport {
    /** The operators an imported graph may hold after constant folding. */
    public static final List<String> SUPPORTED = List.of("Conv", "BatchNormalization", "Relu", "Add", "Pad", "Slice",
            "GlobalAveragePool", "ReduceMean", "Gemm", "MatMul", "Flatten", "Reshape", "Identity", "Dropout");
    /** Most residual blocks or linear layers an imported graph may have (a forged cycle stops here). */
    static final int MAX_LAYERS = 1000;
    /** Largest ONNX file read into memory. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    private final String source;
    private final Map<String, Tensor> consts = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Map<String, String> alias = new HashMap<>();
    private final Map<String, org.fnl4j.tensor.Tensor> out = new LinkedHashMap<>();

    private OnnxImport(String source) {
        this.source = source;
    }

    /**
     * Reads {@code file} and rebuilds the network it holds as an fnl4j model (dense; the
     * architecture is recognized from the graph).
     *
     * @throws OnnxFormatException naming the file: malformed protobuf, a tensor whose data disagrees with
     *                             its dims, an unsupported operator (named, with {@link #SUPPORTED}), or a
     *                             graph that is not a ResNet or MLP
     */
    public static Model read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new OnnxFormatException(file.toString(), "file is " + size + " bytes; expected at most " + MAX_FILE_BYTES);
        }
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** {@link #read(Path)} on bytes already in memory ({@code source} names them in errors). */
    public static Model fromBytes(byte[] bytes, String source) throws OnnxFormatException {
        OnnxModel m = OnnxCodec.decode(bytes, source);
        try {
            return new OnnxImport(source).convert(m);
        } catch (RuntimeException e) {
            // A graph whose constants contradict each other (a weight of the wrong rank, an index out of range)
            // is reported as a format error of this file, not as an internal error.
            throw new OnnxFormatException(source, "the graph is inconsistent: " + e);
        }
    }

    private OnnxFormatException fail(String problem) {
        return new OnnxFormatException(source, problem);
    }

    private Model convert(OnnxModel m) throws OnnxFormatException {
        OnnxModel.Graph g = m.graph();
        for (Tensor t : g.initializers()) {
            consts.put(t.name(), t);
        }
        List<ValueInfo> inputs = g.inputs().stream().filter(v -> !consts.containsKey(v.name())).toList();
        if (inputs.size() != 1 || g.outputs().size() != 1) {
            throw fail("expected one graph input (the images) and one output (the logits), got " + inputs.size()
                    + " inputs and " + g.outputs().size() + " outputs");
        }
        ValueInfo input = inputs.get(0);
        if (input.type() != OnnxModel.DataType.FLOAT) {
            throw fail("graph input '" + input.name() + "' has element type " + input.type() + "; expected float32 images");
        }
        List<Node> live = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (ConstantFolding.FOLDABLE.contains(n.opType())) {
                Tensor t = ConstantFolding.fold(n, consts, source);
                if (t != null) {
                    consts.put(n.outputs().get(0), t);
                    continue;
                }
            }
            if (!SUPPORTED.contains(n.opType())) {
                throw fail(n.describe() + " has op type " + n.opType() + ", which fnl4j does not import; supported "
                        + "operators are " + SUPPORTED + " (and constant subgraphs of " + ConstantFolding.FOLDABLE + ")");
            }
            if (n.opType().equals("Identity") || n.opType().equals("Dropout")) {
                alias.put(n.outputs().get(0), resolve(n.inputs().get(0)));
                continue;
            }
            live.add(n);
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(resolve(in), k -> new ArrayList<>()).add(n);
            }
        }
        String output = resolve(g.outputs().get(0).name());
        int[] shape = staticShape(input);
        Node first = single(input.name(), "the graph input");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("imported_from", source);
        meta.put("onnx_producer", (m.producerName() + " " + m.producerVersion()).trim());
        meta.put("onnx_opset", m.opsetVersion());
        ModelSpec spec;
        if (first.opType().equals("Conv")) {
            spec = resnet(first, input.name(), shape, output);
        } else {
            spec = mlp(first, input.name(), shape, output);
        }
        try {
            return Model.from(new ModelFile.Contents(Model.header(spec, null, meta), out), source);
        } catch (OnnxFormatException e) {
            throw e;
        } catch (org.fnl4j.io.ModelFormatException e) {
            throw fail("the graph's weights do not fit the recognized architecture " + spec + ": " + e.getMessage());
        }
    }

    private String resolve(String v) {
        String r = v;
        for (int hops = 0; alias.containsKey(r); hops++) {
            if (hops > alias.size()) {
                throw new IllegalStateException("Identity/Dropout nodes form a cycle through '" + v + "'");
            }
            r = alias.get(r);
        }
        return r;
    }

    private int[] staticShape(ValueInfo input) throws OnnxFormatException {
        List<Dim> d = input.dims();
        if (d.size() != 4 && d.size() != 2) {
            throw fail("graph input '" + input.name() + "' has rank " + d.size() + "; expected images (N, C, H, W) or (N, F)");
        }
        int[] s = new int[d.size() - 1];
        for (int i = 1; i < d.size(); i++) {
            if (d.get(i).param() != null || d.get(i).value() < 1) {
                throw fail("graph input '" + input.name() + "' dimension " + i + " is " + (d.get(i).param() != null
                        ? "symbolic ('" + d.get(i).param() + "')" : d.get(i).value()) + "; expected a fixed size (only "
                        + "the batch dimension may be symbolic)");
            }
            s[i - 1] = (int) d.get(i).value();
        }
        return s.length == 3 ? s : new int[] {1, 1, s[0]};
    }

    /** The one node that reads {@code value}. */
    private Node single(String value, String what) throws OnnxFormatException {
        List<Node> c = consumers.getOrDefault(resolve(value), List.of());
        if (c.size() != 1) {
            throw fail(what + " ('" + value + "') is read by " + c.size() + " nodes " + names(c)
                    + "; expected exactly one (a chain of layers)");
        }
        return c.get(0);
    }

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::describe).toList();
    }

    private Node expect(Node n, String... ops) throws OnnxFormatException {
        if (!Arrays.asList(ops).contains(n.opType())) {
            throw fail(n.describe() + " is not where fnl4j's architectures have it: expected " + String.join(" or ", ops)
                    + " there (importable: ResNet 6n+2 with option-A shortcuts, MLP)");
        }
        return n;
    }

    private Tensor constant(Node n, int i, String what) throws OnnxFormatException {
        if (n.inputs().size() <= i || n.inputs().get(i).isEmpty()) {
            throw fail(n.describe() + " has no " + what + " input");
        }
        Tensor t = consts.get(resolve(n.inputs().get(i)));
        if (t == null) {
            throw fail(n.describe() + ": its " + what + " ('" + n.inputs().get(i) + "') is not a constant; expected an "
                    + "initializer");
        }
        return t;
    }

    private static org.fnl4j.tensor.Tensor tensor(float[] v, int... shape) {
        return org.fnl4j.tensor.Tensor.of(v, shape);
    }

    // ---- ResNet ----------------------------------------------------------------------------------

    /** A Conv [+ BatchNormalization]; returns the value after it, storing the weights under {@code prefix}. */
    private String convBn(Node conv, String convName, String bnName, long stride) throws OnnxFormatException {
        expect(conv, "Conv");
        Tensor w = constant(conv, 1, "weight");
        int[] s = w.shape();
        if (s.length != 4 || s[2] != 3 || s[3] != 3) {
            throw fail(conv.describe() + " has a weight of shape " + Arrays.toString(s) + "; expected (out, in, 3, 3)");
        }
        checkAttr(conv, "strides", new long[] {stride, stride});
        checkAttr(conv, "pads", new long[] {1, 1, 1, 1});
        checkAttr(conv, "dilations", new long[] {1, 1});
        if (conv.intAttr("group", 1) != 1 || !conv.stringAttr("auto_pad", "NOTSET").equals("NOTSET")) {
            throw fail(conv.describe() + ": expected group 1 and explicit pads (auto_pad NOTSET)");
        }
        int c = s[0];
        out.put(convName + ".weight", tensor(w.asFloats(), s));
        float[] bias = conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty() ? constant(conv, 2, "bias").asFloats()
                : new float[c];
        String y = conv.outputs().get(0);
        List<Node> next = consumers.getOrDefault(y, List.of());
        float eps = BatchNorm.DEFAULT_EPS;
        float[] gamma = new float[c], beta = new float[c], mean = new float[c], var = new float[c];
        if (next.size() == 1 && next.get(0).opType().equals("BatchNormalization")) {
            Node bn = next.get(0);
            float[] sc = constant(bn, 1, "scale").asFloats(), b = constant(bn, 2, "B").asFloats();
            float[] mu = constant(bn, 3, "mean").asFloats(), v = constant(bn, 4, "var").asFloats();
            if (sc.length != c || b.length != c || mu.length != c || v.length != c) {
                throw fail(bn.describe() + ": expected " + c + " channels in scale, B, mean and var");
            }
            float onnxEps = bn.floatAttr("epsilon", 1e-5f);
            for (int i = 0; i < c; i++) {
                gamma[i] = sc[i];
                beta[i] = b[i];
                mean[i] = mu[i] - bias[i];           // BN(conv + bias) = BN'(conv) with the mean shifted
                var[i] = v[i] + onnxEps - eps;        // fnl4j's ε is fixed; keep var + ε the same
            }
            y = bn.outputs().get(0);
        } else {
            for (int i = 0; i < c; i++) {
                gamma[i] = 1;
                beta[i] = bias[i];
                var[i] = 1 - eps;                     // (x − 0)/√(var + ε) = x
            }
        }
        out.put(bnName + ".weight", tensor(gamma, c));
        out.put(bnName + ".bias", tensor(beta, c));
        out.put(bnName + ".running_mean", tensor(mean, c));
        out.put(bnName + ".running_var", tensor(var, c));
        return y;
    }

    private void checkAttr(Node n, String key, long[] want) throws OnnxFormatException {
        long[] have = n.intsAttr(key, null);
        if (have == null) {
            have = key.equals("pads") ? new long[] {0, 0, 0, 0} : new long[] {1, 1};
        }
        if (!Arrays.equals(have, want)) {
            throw fail(n.describe() + " has " + key + " " + Arrays.toString(have) + "; expected " + Arrays.toString(want)
                    + " at this position of a ResNet");
        }
    }

    private String relu(String value) throws OnnxFormatException {
        return expect(single(value, "value"), "Relu").outputs().get(0);
    }

    private ModelSpec resnet(Node stem, String input, int[] chw, String output) throws OnnxFormatException {
        String x = relu(convBn(stem, "conv1", "bn1", 1));
        int width = constant(stem, 1, "weight").shape()[0];
        List<int[]> blocks = new ArrayList<>(); // (in, out, stride)
        int channels = width;
        while (true) {
            List<Node> readers = consumers.getOrDefault(x, List.of());
            if (readers.size() == 1 && Set.of("GlobalAveragePool", "ReduceMean").contains(readers.get(0).opType())) {
                break;
            }
            int index = blocks.size();
            if (index > MAX_LAYERS) {
                throw fail("more than " + MAX_LAYERS + " residual blocks (a cycle in the graph?)");
            }
            String blockInput = x;
            Node conv = readers.stream().filter(n -> n.opType().equals("Conv")).findFirst().orElseThrow(() -> fail(
                    "value '" + blockInput + "' should start a residual block (a Conv) or the head (GlobalAveragePool or "
                    + "ReduceMean); it is read by " + names(readers)));
            long stride = conv.intsAttr("strides", new long[] {1, 1})[0];
            int outCh = constant(conv, 1, "weight").shape()[0];
            blocks.add(new int[] {channels, outCh, (int) stride});
            String prefix = "block" + index;
            String y = relu(convBn(conv, prefix + ".conv1", prefix + ".bn1", stride));
            y = convBn(single(y, "value"), prefix + ".conv2", prefix + ".bn2", 1);
            Node add = expect(single(y, "value"), "Add");
            String other = resolve(add.inputs().get(0)).equals(y) ? resolve(add.inputs().get(1)) : resolve(add.inputs().get(0));
            if (!other.equals(x)) {
                checkShortcut(other, x, channels, outCh, stride);
            } else if (stride != 1 || outCh != channels) {
                throw fail(add.describe() + ": an identity shortcut around a block that changes the shape (stride " + stride
                        + ", " + channels + " -> " + outCh + " channels); expected Slice + Pad (option A)");
            }
            channels = outCh;
            String after = relu(add.outputs().get(0));
            // Block outputs are read by the next block's conv and its shortcut; rename happens below.
            x = after;
        }
        int n = blocks.size() / 3;
        if (blocks.size() % 3 != 0 || n < 1) {
            throw fail("found " + blocks.size() + " residual blocks; a CIFAR-style ResNet 6n+2 has 3n");
        }
        for (int i = 0; i < blocks.size(); i++) {
            int stage = i / n, b = i % n;
            int[] want = {stage == 0 && b == 0 ? width : width << (b == 0 ? stage - 1 : stage), width << stage,
                    b == 0 && stage > 0 ? 2 : 1};
            if (!Arrays.equals(blocks.get(i), want)) {
                throw fail("residual block " + i + " is (in, out, stride) " + Arrays.toString(blocks.get(i)) + "; a ResNet-"
                        + (6 * n + 2) + " of width " + width + " has " + Arrays.toString(want) + " there");
            }
            renameBlock(i, "layer" + (stage + 1) + "." + b);
        }
        int classes = head(consumers.get(x).get(0), output, 4 * width);
        double multiplier = width / 16.0;
        if (Math.max(1, (int) Math.round(16 * multiplier)) != width) {
            throw fail("first-stage width " + width + " is not a ResNet width");
        }
        return new ModelSpec(Architecture.RESNET20.id().replace("20", String.valueOf(6 * n + 2)), Map.of("inChannels",
                chw[0], "height", chw[1], "width", chw[2], "numClasses", classes, "widthMultiplier", multiplier));
    }

    private void renameBlock(int index, String path) {
        String prefix = "block" + index + ".";
        for (String k : List.copyOf(out.keySet())) {
            if (k.startsWith(prefix)) {
                out.put(path + "." + k.substring(prefix.length()), out.remove(k));
            }
        }
    }

    /**
     * Checks that {@code value} is the option-A shortcut of {@code blockInput}: Slice nodes taking every
     * stride-th pixel from 0 on H and W, then a Pad adding (out − in)/2 zero channels on each side.
     */
    private void checkShortcut(String value, String blockInput, int in, int out, long stride) throws OnnxFormatException {
        Node pad = producer(value);
        if (pad == null || !pad.opType().equals("Pad")) {
            throw fail("the shortcut of a residual block ('" + value + "') is " + (pad == null ? "not computed by a node"
                    : pad.describe()) + "; expected Pad after Slice (option A) or the block input");
        }
        long[] pads = pad.inputs().size() > 1 ? constant(pad, 1, "pads").asLongs() : pad.intsAttr("pads", null);
        long lead = (out - in) / 2;
        if (pads == null || !Arrays.equals(pads, new long[] {0, lead, 0, 0, 0, lead, 0, 0})
                || !pad.stringAttr("mode", "constant").equals("constant")
                || (pad.inputs().size() > 2 && !pad.inputs().get(2).isEmpty()
                && constant(pad, 2, "constant_value").asFloats()[0] != 0f)) {
            throw fail(pad.describe() + " pads " + Arrays.toString(pads) + "; expected zero padding of " + lead
                    + " channels on each side, [0, " + lead + ", 0, 0, 0, " + lead + ", 0, 0]");
        }
        long[] step = {1, 1, 1, 1};
        String v = resolve(pad.inputs().get(0));
        for (int hops = 0; !v.equals(blockInput); hops++) {
            if (hops > 4) {
                throw fail(pad.describe() + ": more than 4 Slice nodes between the block input and the Pad; expected "
                        + "one per sliced axis");
            }
            Node s = producer(v);
            if (s == null || !s.opType().equals("Slice")) {
                throw fail("the shortcut's Pad input ('" + v + "') is " + (s == null ? "not computed by a node" : s.describe())
                        + "; expected Slice nodes on the block input");
            }
            long[] starts = constant(s, 1, "starts").asLongs(), ends = constant(s, 2, "ends").asLongs();
            long[] axes = s.inputs().size() > 3 && !s.inputs().get(3).isEmpty() ? constant(s, 3, "axes").asLongs() : null;
            long[] steps = s.inputs().size() > 4 && !s.inputs().get(4).isEmpty() ? constant(s, 4, "steps").asLongs() : null;
            for (int i = 0; i < starts.length; i++) {
                int a = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + 4 : axes[i]);
                long st = steps == null ? 1 : steps[i];
                if (a < 0 || a > 3 || starts[i] != 0 || ends[i] < 1000 || st < 1) {
                    throw fail(s.describe() + ": expected a slice from 0 to the end with a positive step on H or W");
                }
                step[a] *= st;
            }
            v = resolve(s.inputs().get(0));
        }
        if (step[0] != 1 || step[1] != 1 || step[2] != stride || step[3] != stride) {
            throw fail("the shortcut's slices take steps " + Arrays.toString(step) + "; expected [1, 1, " + stride + ", "
                    + stride + "] (every stride-th pixel)");
        }
    }

    private final Map<String, Node> producers = new HashMap<>();

    private Node producer(String value) {
        if (producers.isEmpty()) {
            for (List<Node> l : consumers.values()) {
                for (Node n : l) producers.put(n.outputs().get(0), n);
            }
        }
        return producers.get(value);
    }

    /** Pool [+ Flatten/Reshape] + linear; returns the classes. */
    private int head(Node pool, String output, int features) throws OnnxFormatException {
        if (pool.opType().equals("ReduceMean")) {
            long[] axes = pool.inputs().size() > 1 ? constant(pool, 1, "axes").asLongs() : pool.intsAttr("axes", null);
            if (axes == null || !Arrays.equals(Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray(),
                    new long[] {2, 3})) {
                throw fail(pool.describe() + " reduces axes " + Arrays.toString(axes) + "; expected the spatial axes [2, 3]");
            }
        }
        String v = pool.outputs().get(0);
        Node next = single(v, "the pooled features");
        if (next.opType().equals("Flatten") || next.opType().equals("Reshape")) {
            v = next.outputs().get(0);
            next = single(v, "the flattened features");
        }
        String y = linear(next, "linear", features);
        if (!y.equals(output)) {
            throw fail("the classifier's output '" + y + "' is not the graph output '" + output + "'; expected the "
                    + "network to end with its linear layer");
        }
        return out.get("linear.bias").size();
    }

    /** A Gemm, or MatMul [+ Add]; stores weight (out, in) and bias; returns its output value. */
    private String linear(Node n, String name, int in) throws OnnxFormatException {
        expect(n, "Gemm", "MatMul");
        Tensor w = constant(n, 1, "weight");
        int[] s = w.shape();
        if (s.length != 2) {
            throw fail(n.describe() + " has a weight of shape " + Arrays.toString(s) + "; expected a matrix");
        }
        boolean transposed = n.opType().equals("Gemm") && n.intAttr("transB", 0) == 1;
        if (n.opType().equals("Gemm") && (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1) != 1
                || n.floatAttr("beta", 1) != 1)) {
            throw fail(n.describe() + ": expected transA 0, alpha 1 and beta 1");
        }
        int outF = transposed ? s[0] : s[1], inF = transposed ? s[1] : s[0];
        if (inF != in) {
            throw fail(n.describe() + " takes " + inF + " features; expected " + in);
        }
        float[] wv = w.asFloats();
        if (!transposed) {
            float[] t = new float[wv.length];
            for (int i = 0; i < inF; i++)
                for (int j = 0; j < outF; j++)
                    t[j * inF + i] = wv[i * outF + j];
            wv = t;
        }
        out.put(name + ".weight", tensor(wv, outF, inF));
        String y = n.outputs().get(0);
        float[] bias = new float[outF];
        if (n.opType().equals("Gemm") && n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
            bias = constant(n, 2, "bias").asFloats();
        } else if (n.opType().equals("MatMul")) {
            List<Node> c = consumers.getOrDefault(y, List.of());
            if (c.size() == 1 && c.get(0).opType().equals("Add")) {
                Node add = c.get(0);
                int bi = resolve(add.inputs().get(0)).equals(y) ? 1 : 0;
                bias = constant(add, bi, "bias").asFloats();
                y = add.outputs().get(0);
            }
        }
        if (bias.length != outF) {
            throw fail(n.describe() + " has a bias of " + bias.length + " values; expected " + outF);
        }
        out.put(name + ".bias", tensor(bias, outF));
        return resolve(y);
    }

    // ---- MLP -------------------------------------------------------------------------------------

    private ModelSpec mlp(Node first, String input, int[] chw, String output) throws OnnxFormatException {
        Node n = first;
        String v = input;
        if (n.opType().equals("Flatten") || n.opType().equals("Reshape")) {
            v = n.outputs().get(0);
            n = single(v, "the flattened input");
        }
        int in = chw[0] * chw[1] * chw[2];
        List<Integer> hidden = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        Map<String, org.fnl4j.tensor.Tensor> byLayer = new LinkedHashMap<>();
        int layer = 0;
        while (true) {
            if (layer > MAX_LAYERS) {
                throw fail("more than " + MAX_LAYERS + " linear layers (a cycle in the graph?)");
            }
            String y = linear(n, "fc" + layer, in);
            int width = out.get("fc" + layer + ".bias").shape()[0];
            layers.add("fc" + layer);
            layer++;
            if (y.equals(output)) {
                hidden.add(width);
                break;
            }
            String r = relu(y);
            hidden.add(width);
            in = width;
            n = single(r, "value");
        }
        int classes = hidden.remove(hidden.size() - 1);
        // Sequential(Flatten, Linear, ReLU, ..., Linear): the k-th Linear is child 1 + 2k.
        for (int k = 0; k < layers.size(); k++) {
            byLayer.put((1 + 2 * k) + ".weight", out.get(layers.get(k) + ".weight"));
            byLayer.put((1 + 2 * k) + ".bias", out.get(layers.get(k) + ".bias"));
        }
        out.clear();
        out.putAll(byLayer);
        ModelSpec spec = new ModelSpec(Architecture.MLP.id(), Map.of("inChannels", chw[0], "height", chw[1], "width", chw[2],
                "numClasses", classes, "hidden", hidden));
        Set<String> expected = StateDict.of(Models.build(spec, new Rng(0))).keySet();
        if (!expected.equals(out.keySet())) {
            throw fail("the MLP's tensors " + out.keySet() + " are not those fnl4j's MLP has: " + expected);
        }
        return spec;
    }
}
