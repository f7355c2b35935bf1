package org.fnl4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fnl4j.onnx.OnnxModel.DataType;
import org.fnl4j.onnx.OnnxModel.Node;
import org.fnl4j.onnx.OnnxModel.Tensor;

/**
 * Evaluates the nodes of an imported graph whose inputs are all constants, such as the small
 * subgraph of Constant, ConstantOfShape, Concat, Cast, Transpose, Reshape and Slice nodes with which
 * {@code torch.onnx.export} computes the pads of a channel-padding shortcut. Folded values are
 * float32 or int64 tensors (int32 and bool become int64).
 */
final class ConstantFolding {
    /** The operators evaluated on constant inputs. */
    static final Set<String> FOLDABLE = Set.of("Constant", "ConstantOfShape", "Concat", "Cast", "Transpose", "Reshape",
            "Slice", "Unsqueeze", "Squeeze", "Identity", "Gather");

    /** Largest constant a ConstantOfShape may create (folded subgraphs compute shapes and pads, not weights). */
    static final long MAX_FOLDED = 1 << 20;
    /** Largest result of any folded operator (values, not bytes). */
    static final long MAX_FOLDED_RESULT = 1 << 24;

    private ConstantFolding() {}

    /**
     * @param consts the constants known so far (initializers and earlier folded values), by name
     * @return the node's output, or null when an input is not constant
     * @throws OnnxFormatException naming the node when its constant inputs contradict its attributes
     */
    static Tensor fold(Node n, Map<String, Tensor> consts, String source) throws OnnxFormatException {
        List<Tensor> in = new ArrayList<>();
        for (String name : n.inputs()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            Tensor t = consts.get(name);
            if (t == null) return null;
            in.add(t);
        }
        try {
            return evaluate(n, in).named(n.outputs().get(0));
        } catch (RuntimeException e) {
            throw new OnnxFormatException(source, n.describe() + ": cannot evaluate it on its constant inputs: "
                    + e.getMessage());
        }
    }

    private static Tensor evaluate(Node n, List<Tensor> in) {
        switch (n.opType()) {
            case "Constant": {
                OnnxModel.Attribute a = n.attributes().get("value");
                if (a != null && a.t() != null) return a.t();
                if (n.attributes().containsKey("value_float")) {
                    return Tensor.floats("", new float[] {n.floatAttr("value_float", 0)});
                }
                if (n.attributes().containsKey("value_int")) return Tensor.longs("", new long[] {n.intAttr("value_int", 0)});
                if (n.attributes().containsKey("value_ints")) {
                    long[] v = n.intsAttr("value_ints", new long[0]);
                    return Tensor.longs("", v, v.length);
                }
                throw new IllegalArgumentException("expected a 'value', 'value_float', 'value_int' or 'value_ints' attribute");
            }
            case "Identity":
                return in.get(0);
            case "ConstantOfShape": {
                long[] dims = in.get(0).asLongs();
                long count = Tensor.count(dims);
                if (count < 0 || count > MAX_FOLDED) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " is negative or holds more than "
                            + MAX_FOLDED + " values");
                }
                int size = (int) count;
                OnnxModel.Attribute a = n.attributes().get("value");
                Tensor v = a == null || a.t() == null ? Tensor.floats("", new float[] {0f}) : a.t();
                if (v.floats() != null) {
                    float[] f = new float[size];
                    Arrays.fill(f, v.floats()[0]);
                    return Tensor.floats("", f, dims);
                }
                long[] l = new long[size];
                Arrays.fill(l, v.longs()[0]);
                return new Tensor("", v.type(), dims, null, l);
            }
            case "Cast": {
                long to = n.intAttr("to", 1);
                Tensor x = in.get(0);
                if (to == DataType.FLOAT.code() || to == DataType.DOUBLE.code()) {
                    return Tensor.floats("", x.asFloats(), x.dims());
                }
                return Tensor.longs("", x.asLongs(), x.dims());
            }
            case "Reshape": {
                Tensor x = in.get(0);
                return reshaped(x, Shapes.reshapeTarget(x.dims(), in.get(1).asLongs(), n.intAttr("allowzero", 0) != 0));
            }
            case "Unsqueeze":
            case "Squeeze": {
                Tensor x = in.get(0);
                long[] axes = in.size() > 1 && in.get(1) != null ? in.get(1).asLongs() : n.intsAttr("axes", new long[0]);
                return reshaped(x, n.opType().equals("Unsqueeze") ? Shapes.unsqueeze(x.dims(), axes)
                        : Shapes.squeeze(x.dims(), axes));
            }
            case "Transpose": {
                Tensor x = in.get(0);
                int r = x.dims().length;
                long[] perm = n.intsAttr("perm", null);
                if (perm == null) {
                    perm = new long[r];
                    for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
                }
                long[] od = new long[r];
                for (int i = 0; i < r; i++) od[i] = x.dims()[(int) perm[i]];
                int[] src = new int[checkedSize(od)];
                long[] inStrides = Shapes.strides(x.dims());
                int[] idx = new int[r];
                for (int k = 0; k < src.length; k++) {
                    long off = 0;
                    for (int i = 0; i < r; i++) off += idx[i] * inStrides[(int) perm[i]];
                    src[k] = (int) off;
                    Shapes.increment(idx, od);
                }
                return gather(x, src, od);
            }
            case "Concat": {
                int r = in.get(0).dims().length;
                int axis = (int) Shapes.axis(n.intAttr("axis", 0), r);
                long[] od = in.get(0).dims().clone();
                od[axis] = 0;
                for (Tensor t : in) {
                    if (t.dims().length != r) throw new IllegalArgumentException("inputs of different ranks");
                    od[axis] += t.dims()[axis];
                }
                boolean isFloat = in.get(0).floats() != null;
                int size = checkedSize(od);
                float[] f = isFloat ? new float[size] : null;
                long[] l = isFloat ? null : new long[size];
                long outer = 1;
                for (int i = 0; i < axis; i++) outer *= od[i];
                int pos = 0;
                for (long o = 0; o < outer; o++) {
                    for (Tensor t : in) {
                        int chunk = (int) (t.size() / outer);
                        for (int k = 0; k < chunk; k++) {
                            int s = (int) (o * chunk + k);
                            if (isFloat) f[pos++] = t.asFloats()[s];
                            else l[pos++] = t.asLongs()[s];
                        }
                    }
                }
                return isFloat ? Tensor.floats("", f, od) : Tensor.longs("", l, od);
            }
            case "Gather": {
                Tensor x = in.get(0);
                long[] ids = in.get(1).asLongs();
                int r = x.dims().length;
                int axis = (int) Shapes.axis(n.intAttr("axis", 0), r);
                long[] idsDims = in.get(1).dims();
                long[] od = new long[r - 1 + idsDims.length];
                int p = 0;
                for (int i = 0; i < axis; i++) od[p++] = x.dims()[i];
                for (long d : idsDims) od[p++] = d;
                for (int i = axis + 1; i < r; i++) od[p++] = x.dims()[i];
                long outer = 1, inner = 1;
                for (int i = 0; i < axis; i++) outer *= x.dims()[i];
                for (int i = axis + 1; i < r; i++) inner *= x.dims()[i];
                long dim = x.dims()[axis];
                int[] src = new int[checkedSize(od)];
                int k = 0;
                for (long o = 0; o < outer; o++)
                    for (long id : ids) {
                        long j = id < 0 ? id + dim : id;
                        if (j < 0 || j >= dim) throw new IllegalArgumentException("index " + id + " out of [0, " + dim + ")");
                        for (long q = 0; q < inner; q++) src[k++] = (int) ((o * dim + j) * inner + q);
                    }
                return gather(x, src, od);
            }
            case "Slice": {
                Tensor x = in.get(0);
                int r = x.dims().length;
                long[] starts = in.get(1).asLongs(), ends = in.get(2).asLongs();
                long[] axes = in.size() > 3 && in.get(3) != null ? in.get(3).asLongs() : null;
                long[] steps = in.size() > 4 && in.get(4) != null ? in.get(4).asLongs() : null;
                long[] st = new long[r], step = new long[r], od = x.dims().clone();
                Arrays.fill(step, 1);
                for (int i = 0; i < starts.length; i++) {
                    int a = (int) Shapes.axis(axes == null ? i : axes[i], r);
                    long dim = x.dims()[a], s = steps == null ? 1 : steps[i];
                    if (s == 0) throw new IllegalArgumentException("slice step 0");
                    long b = Shapes.clampSliceIndex(starts[i], dim, s), e = Shapes.clampSliceIndex(ends[i], dim, s);
                    st[a] = b;
                    step[a] = s;
                    od[a] = s > 0 ? Math.max(0, (e - b + s - 1) / s) : Math.max(0, (b - e - s - 1) / -s);
                }
                long[] strides = Shapes.strides(x.dims());
                int[] src = new int[checkedSize(od)];
                int[] idx = new int[r];
                for (int k = 0; k < src.length; k++) {
                    long off = 0;
                    for (int i = 0; i < r; i++) off += (st[i] + idx[i] * step[i]) * strides[i];
                    src[k] = (int) off;
                    Shapes.increment(idx, od);
                }
                return gather(x, src, od);
            }
            default:
                throw new IllegalArgumentException("not a foldable operator");
        }
    }

    /** @return the element count of {@code dims}; a forged shape larger than {@link #MAX_FOLDED_RESULT} fails. */
    private static int checkedSize(long[] dims) {
        long n = Tensor.count(dims);
        if (n < 0 || n > MAX_FOLDED_RESULT) {
            throw new IllegalArgumentException("result shape " + Arrays.toString(dims) + " is negative or too large");
        }
        return (int) n;
    }

    private static Tensor reshaped(Tensor x, long[] dims) {
        return new Tensor("", x.type(), dims, x.floats(), x.longs());
    }

    private static Tensor gather(Tensor x, int[] src, long[] dims) {
        if (x.floats() != null) {
            float[] f = new float[src.length];
            for (int i = 0; i < src.length; i++) f[i] = x.floats()[src[i]];
            return new Tensor("", x.type(), dims, f, null);
        }
        long[] l = new long[src.length];
        for (int i = 0; i < src.length; i++) l[i] = x.longs()[src[i]];
        return new Tensor("", x.type(), dims, null, l);
    }

    /** Shape arithmetic shared by the folded operators. */
    static final class Shapes {
        private Shapes() {}

        static long axis(long a, int rank) {
            long r = a < 0 ? a + rank : a;
            if (r < 0 || r >= rank) throw new IllegalArgumentException("axis " + a + " out of range for rank " + rank);
            return r;
        }

        static long[] strides(long[] dims) {
            long[] s = new long[dims.length];
            long acc = 1;
            for (int i = dims.length - 1; i >= 0; i--) {
                s[i] = acc;
                acc *= dims[i];
            }
            return s;
        }

        static void increment(int[] idx, long[] dims) {
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < dims[i]) return;
                idx[i] = 0;
            }
        }

        /** ONNX Slice's clamping of a start or end index for a step's sign. */
        static long clampSliceIndex(long v, long dim, long step) {
            if (v < 0) v += dim;
            return step > 0 ? Math.max(0, Math.min(v, dim)) : Math.max(-1, Math.min(v, dim - 1));
        }

        static long[] reshapeTarget(long[] in, long[] shape, boolean allowZero) {
            long[] out = shape.clone();
            long known = 1;
            int infer = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] == 0 && !allowZero) out[i] = in[i];
                if (out[i] == -1) {
                    if (infer >= 0) throw new IllegalArgumentException("more than one -1 in shape " + Arrays.toString(shape));
                    infer = i;
                } else {
                    known *= out[i];
                }
            }
            long total = Tensor.count(in);
            if (infer >= 0) {
                if (known == 0 || total % known != 0) {
                    throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(shape));
                }
                out[infer] = total / known;
            } else if (known != total) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(shape));
            }
            return out;
        }

        static long[] unsqueeze(long[] dims, long[] axes) {
            int r = dims.length + axes.length;
            boolean[] inserted = new boolean[r];
            for (long a : axes) inserted[(int) axis(a, r)] = true;
            long[] out = new long[r];
            int k = 0;
            for (int i = 0; i < r; i++) out[i] = inserted[i] ? 1 : dims[k++];
            return out;
        }

        static long[] squeeze(long[] dims, long[] axes) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < dims.length; i++) {
                boolean drop = false;
                if (axes.length == 0) {
                    drop = dims[i] == 1;
                } else {
                    for (long a : axes) drop |= axis(a, dims.length) == i;
                }
                if (!drop) out.add(dims[i]);
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
    }
}
