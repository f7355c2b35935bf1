package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable matrix products on {@link Gemm#sgemm}. Forward and backward are GEMM calls; the
 * backward GEMMs use beta = 1 so they accumulate straight into the inputs' gradient buffers.
 */
public final class MatMul {
    private MatMul() {}

    /** a (m, k) · b (k, n) -> (m, n). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /**
     * op(a) · op(b) -> (m, n), where op(a) = aᵀ if transA (a stored (k, m)) else a (stored (m, k)),
     * and op(b) = bᵀ if transB (b stored (n, k)) else b (stored (k, n)).
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.dim() != 2 || b.dim() != 2) {
            throw new IllegalArgumentException("matmul: expected 2-d tensors, got a " + Arrays.toString(a.shape())
                    + " and b " + Arrays.toString(b.shape()) + " (use bmm or linear for more dimensions)");
        }
        int m = transA ? a.shape(1) : a.shape(0), k = transA ? a.shape(0) : a.shape(1);
        int kb = transB ? b.shape(1) : b.shape(0), n = transB ? b.shape(0) : b.shape(1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: a " + Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " and b " + Arrays.toString(b.shape()) + (transB ? "ᵀ" : "")
                    + " (op(a) is " + m + "x" + k + ", op(b) is " + kb + "x" + n + ")");
        }
        Tensor out = Tensor.zeros(m, n);
        product(transA, transB, m, n, k, a, a.offset(), b, b.offset(), out, 0, 0f);
        if (!Autograd.needsGrad(a, b)) {
            return out;
        }
        return Autograd.record("matmul", out,
                () -> productBackward(transA, transB, m, n, k, a, a.offset(), 0, b, b.offset(), 0, out.grad(), 0),
                a, b);
    }

    /**
     * Batched product: for every i, op(a[i]) · op(b[i]) with a (B, m, k) or (B, k, m) and
     * b (B, k, n) or (B, n, k) as the flags say -> (B, m, n).
     */
    public static Tensor bmm(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.dim() != 3 || b.dim() != 3 || a.shape(0) != b.shape(0)) {
            throw new IllegalArgumentException("bmm: expected 3-d tensors with equal batch, got a "
                    + Arrays.toString(a.shape()) + " and b " + Arrays.toString(b.shape()));
        }
        int batch = a.shape(0);
        int m = transA ? a.shape(2) : a.shape(1), k = transA ? a.shape(1) : a.shape(2);
        int kb = transB ? b.shape(2) : b.shape(1), n = transB ? b.shape(1) : b.shape(2);
        if (k != kb) {
            throw new IllegalArgumentException("bmm: inner dimensions differ: a " + Arrays.toString(a.shape())
                    + (transA ? " transposed" : "") + " and b " + Arrays.toString(b.shape())
                    + (transB ? " transposed" : "") + " (op(a) is " + m + "x" + k + ", op(b) is " + kb + "x" + n + ")");
        }
        Tensor out = Tensor.zeros(batch, m, n);
        int sa = m * k, sb = k * n, sc = m * n;
        for (int i = 0; i < batch; i++) {
            product(transA, transB, m, n, k, a, a.offset() + i * sa, b, b.offset() + i * sb, out, i * sc, 0f);
        }
        if (!Autograd.needsGrad(a, b)) {
            return out;
        }
        return Autograd.record("bmm", out, () -> {
            float[] g = out.grad();
            for (int i = 0; i < batch; i++) {
                productBackward(transA, transB, m, n, k, a, a.offset() + i * sa, i * sa,
                        b, b.offset() + i * sb, i * sb, g, i * sc);
            }
        }, a, b);
    }

    /**
     * Affine map x (..., in) · wᵀ + bias -> (..., out) with w (out, in) and bias (out) or null.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.dim() < 1 || w.dim() != 2 || x.shape(-1) != w.shape(1)) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(x.shape()) + " does not match weight "
                    + Arrays.toString(w.shape()) + " (expected input (..., in) and weight (out, in))");
        }
        int in = w.shape(1), outF = w.shape(0);
        if (bias != null && (bias.dim() != 1 || bias.shape(0) != outF)) {
            throw new IllegalArgumentException("linear: bias " + Arrays.toString(bias.shape()) + " does not match weight "
                    + Arrays.toString(w.shape()) + " (expected bias (" + outF + "))");
        }
        int rows = in == 0 ? 0 : x.size() / in;
        int[] shape = x.shape();
        shape[shape.length - 1] = outF;
        Tensor out = Tensor.zeros(shape);
        float[] y = out.data();
        float beta = 0f;
        if (bias != null) {
            // Seeding each row with the bias lets the GEMM add x·wᵀ on top (beta = 1): one pass over y.
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias.data(), bias.offset(), y, r * outF, outF);
            }
            beta = 1f;
        }
        Gemm.sgemm(false, true, rows, outF, in, 1f, x.data(), x.offset(), Math.max(1, in),
                w.data(), w.offset(), Math.max(1, in), beta, y, 0, Math.max(1, outF));
        if (!Autograd.needsGrad(x, w, bias)) {
            return out;
        }
        return Autograd.record("linear", out, () -> {
            float[] dy = out.grad();
            if (x.requiresGrad()) {
                float bx = accumulateBeta(x);
                Gemm.sgemm(false, false, rows, in, outF, 1f, dy, 0, Math.max(1, outF),
                        w.data(), w.offset(), Math.max(1, in), bx, x.grad(), 0, Math.max(1, in));
            }
            if (w.requiresGrad()) {
                float bw = accumulateBeta(w);
                Gemm.sgemm(true, false, outF, in, rows, 1f, dy, 0, Math.max(1, outF),
                        x.data(), x.offset(), Math.max(1, in), bw, w.grad(), 0, Math.max(1, in));
            }
            if (bias != null && bias.requiresGrad()) {
                Reduce.colSums(dy, 0, rows, outF, TapeAccess.gradBuffer(bias), 0);
            }
        }, x, w, bias);
    }

    /**
     * Allocates t's gradient if it has none and returns the GEMM beta to write it with: 0 for a
     * fresh (all-zero) buffer, so the GEMM overwrites it without reading it, else 1 to accumulate.
     */
    static float accumulateBeta(Tensor t) {
        if (t.grad() == null) {
            TapeAccess.gradBuffer(t);
            return 0f;
        }
        return 1f;
    }

    /** c[cOff..] = op(a)·op(b) + beta·c with the leading dimensions of contiguous matrices. */
    private static void product(boolean transA, boolean transB, int m, int n, int k, Tensor a, int aOff,
                                Tensor b, int bOff, Tensor c, int cOff, float beta) {
        Gemm.sgemm(transA, transB, m, n, k, 1f, a.data(), aOff, ld(transA ? m : k), b.data(), bOff, ld(transB ? k : n),
                beta, c.data(), cOff, ld(n));
    }

    /**
     * Gradients of C = op(A)·op(B) given dC (m, n) at gOff, accumulated into A's and B's gradient
     * buffers at gaOff / gbOff. dop(A) = dC·op(B)ᵀ and dop(B) = op(A)ᵀ·dC, each written in the
     * storage orientation of its input so that no transposed temporary is needed.
     */
    private static void productBackward(boolean transA, boolean transB, int m, int n, int k,
                                        Tensor a, int aOff, int gaOff, Tensor b, int bOff, int gbOff,
                                        float[] dc, int gOff) {
        int lda = ld(transA ? m : k), ldb = ld(transB ? k : n), ldc = ld(n);
        if (a.requiresGrad()) {
            float[] ga = TapeAccess.gradBuffer(a);
            if (!transA) {
                // dA (m,k) = dC (m,n) · op(B)ᵀ; op(B)ᵀ is B stored (n,k) when transB, else Bᵀ.
                Gemm.sgemm(false, !transB, m, k, n, 1f, dc, gOff, ldc, b.data(), bOff, ldb, 1f, ga, gaOff, ld(k));
            } else {
                // A stored (k,m): dA = (dC·op(B)ᵀ)ᵀ = op(B)·dCᵀ.
                Gemm.sgemm(transB, true, k, m, n, 1f, b.data(), bOff, ldb, dc, gOff, ldc, 1f, ga, gaOff, ld(m));
            }
        }
        if (b.requiresGrad()) {
            float[] gb = TapeAccess.gradBuffer(b);
            if (!transB) {
                // dB (k,n) = op(A)ᵀ · dC.
                Gemm.sgemm(!transA, false, k, n, m, 1f, a.data(), aOff, lda, dc, gOff, ldc, 1f, gb, gbOff, ld(n));
            } else {
                // B stored (n,k): dB = dCᵀ · op(A).
                Gemm.sgemm(true, transA, n, k, m, 1f, dc, gOff, ldc, a.data(), aOff, lda, 1f, gb, gbOff, ld(k));
            }
        }
    }

    private static int ld(int cols) {
        return Math.max(1, cols);
    }
}
