package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Reduce;

/**
 * NumPy broadcasting for the binary ops: result shapes, and loops that walk a result shape in runs
 * of contiguous elements (dimensions of size 1 dropped and mergeable neighbours coalesced), so that
 * each run is one kernel call in which every operand advances by 0 or 1.
 */
final class Broadcast {
    private Broadcast() {}

    /**
     * @return the broadcast shape of a and b (NumPy rules: align trailing dimensions; each pair must
     *         be equal or contain a 1)
     * @throws IllegalArgumentException naming op and both shapes when they do not broadcast
     */
    static int[] shape(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast (dimension " + (i - r) + ": " + da + " vs " + db
                        + "; sizes must match or one must be 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** A walk over outShape in contiguous runs, for operands whose shapes broadcast to outShape. */
    static final class Walk {
        final int[] sizes;
        /** strides[k][d] of operand k (operand 0 is the contiguous output). */
        final int[][] strides;
        final int run;
        final int runs;

        Walk(int[] outShape, int[]... operandShapes) {
            int r = outShape.length;
            int k = operandShapes.length + 1;
            int[][] full = new int[k][r];
            full[0] = contiguousStrides(outShape);
            for (int j = 1; j < k; j++) {
                int[] s = operandShapes[j - 1];
                int[] padded = new int[r];
                Arrays.fill(padded, 1);
                System.arraycopy(s, 0, padded, r - s.length, s.length);
                int[] cs = contiguousStrides(padded);
                for (int d = 0; d < r; d++) {
                    full[j][d] = padded[d] == 1 ? 0 : cs[d];
                }
            }
            int[] sz = new int[r];
            int[][] st = new int[k][r];
            int m = 0;
            for (int d = 0; d < r; d++) {
                if (outShape[d] == 1) {
                    continue;
                }
                boolean merge = m > 0;
                for (int j = 0; j < k && merge; j++) {
                    merge = st[j][m - 1] == full[j][d] * outShape[d];
                }
                if (merge) {
                    sz[m - 1] *= outShape[d];
                    for (int j = 0; j < k; j++) {
                        st[j][m - 1] = full[j][d];
                    }
                } else {
                    sz[m] = outShape[d];
                    for (int j = 0; j < k; j++) {
                        st[j][m] = full[j][d];
                    }
                    m++;
                }
            }
            sizes = Arrays.copyOf(sz, m);
            strides = new int[k][];
            for (int j = 0; j < k; j++) {
                strides[j] = Arrays.copyOf(st[j], m);
            }
            int total = 1;
            for (int s : outShape) {
                total *= s;
            }
            run = m == 0 ? (total == 0 ? 0 : 1) : sizes[m - 1];
            runs = run == 0 ? 0 : total / run;
        }

        /** @return the increment (0 or 1) of operand k inside a run (k = 0 is the output). */
        int inc(int k) {
            return sizes.length == 0 ? 0 : strides[k][sizes.length - 1];
        }

        /** Calls body once per run with the start offsets of every operand (array reused). */
        void forEach(int[] base, RunBody body) {
            int k = strides.length;
            int outer = Math.max(sizes.length - 1, 0);
            int[] idx = new int[outer];
            int[] off = base.clone();
            for (int it = 0; it < runs; it++) {
                body.run(off);
                for (int d = outer - 1; d >= 0; d--) {
                    idx[d]++;
                    for (int j = 0; j < k; j++) {
                        off[j] += strides[j][d];
                    }
                    if (idx[d] < sizes[d]) {
                        break;
                    }
                    for (int j = 0; j < k; j++) {
                        off[j] -= strides[j][d] * sizes[d];
                    }
                    idx[d] = 0;
                }
            }
        }
    }

    /** The body of a walk: offs[k] is where the current run starts in operand k. */
    interface RunBody {
        void run(int[] offs);
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** out (contiguous, outShape) = a op b with a and b broadcast to outShape. */
    static void binary(Elementwise.Binary op, float[] a, int aOff, int[] aShape, float[] b, int bOff, int[] bShape,
                       float[] out, int outOff, int[] outShape) {
        Walk w = new Walk(outShape, aShape, bShape);
        int n = w.run, ai = w.inc(1), bi = w.inc(2);
        w.forEach(new int[] {outOff, aOff, bOff}, o -> Elementwise.binary(op, a, o[1], ai, b, o[2], bi, out, o[0], n));
    }

    /**
     * acc (accShape) += sign · x (xShape) summed over the dimensions that accShape broadcasts: the
     * backward of broadcasting. accShape must broadcast to xShape.
     */
    static void reduceInto(float[] x, int xOff, int[] xShape, float[] acc, int accOff, int[] accShape, float sign) {
        Walk w = new Walk(xShape, accShape);
        int n = w.run;
        if (w.inc(1) == 1) {
            w.forEach(new int[] {xOff, accOff}, o -> Elementwise.axpy(sign, x, o[0], acc, o[1], n));
        } else {
            w.forEach(new int[] {xOff, accOff}, o -> acc[o[1]] += sign * Reduce.sum(x, o[0], n));
        }
    }
}
