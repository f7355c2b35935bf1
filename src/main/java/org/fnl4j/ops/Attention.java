package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.kernel.Softmax;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable scaled dot-product attention: softmax(q·kᵀ/√dh + mask)·v per batch and head,
 * with the products on {@link Gemm#sgemm} and the row softmax on {@link Softmax}. The attention
 * weights (B, H, T, S) are kept for the backward pass.
 */
public final class Attention {
    private Attention() {}

    /**
     * q (B, H, T, dh), k (B, H, S, dh), v (B, H, S, dv) -> (B, H, T, dv). With {@code causal}, query
     * i attends to keys j ≤ i only (the top-left aligned lower triangle, PyTorch's is_causal).
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, boolean causal) {
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4 || q.shape(0) != k.shape(0) || q.shape(1) != k.shape(1)
                || q.shape(3) != k.shape(3) || !Arrays.equals(Arrays.copyOf(k.shape(), 3), Arrays.copyOf(v.shape(), 3))) {
            throw new IllegalArgumentException("scaledDotProduct: expected q (B,H,T,dh), k (B,H,S,dh), v (B,H,S,dv), got q "
                    + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ", v " + Arrays.toString(v.shape()));
        }
        int bh = q.shape(0) * q.shape(1), t = q.shape(2), s = k.shape(2), dh = q.shape(3), dv = v.shape(3);
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] p = new float[bh * t * s];
        Tensor out = Tensor.zeros(q.shape(0), q.shape(1), t, dv);
        long work = (long) bh * t * s * (dh + dv);
        forHeads(bh, work, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int po = i * t * s;
                Gemm.sgemm(false, true, t, s, dh, scale, q.data(), q.offset() + i * t * dh, ld(dh),
                        k.data(), k.offset() + i * s * dh, ld(dh), 0f, p, po, ld(s));
                softmaxRows(p, po, t, s, causal);
                Gemm.sgemm(false, false, t, dv, s, 1f, p, po, ld(s), v.data(), v.offset() + i * s * dv, ld(dv),
                        0f, out.data(), i * t * dv, ld(dv));
            }
        });
        if (!Autograd.needsGrad(q, k, v)) {
            return out;
        }
        return Autograd.record("scaledDotProduct", out, () -> {
            float[] dout = out.grad();
            boolean needScores = q.requiresGrad() || k.requiresGrad();
            // Gradient buffers are allocated here, not lazily inside the parallel section.
            float[] gq = q.requiresGrad() ? TapeAccess.gradBuffer(q) : null;
            float[] gk = k.requiresGrad() ? TapeAccess.gradBuffer(k) : null;
            float[] gv = v.requiresGrad() ? TapeAccess.gradBuffer(v) : null;
            forHeads(bh, 2 * work, (i0, i1) -> {
                float[] dp = needScores ? new float[t * s] : null;
                float[] ds = needScores ? new float[t * s] : null;
                for (int i = i0; i < i1; i++) {
                    int po = i * t * s, oo = i * t * dv, vo = i * s * dv;
                    if (gv != null) {
                        // dV += Pᵀ · dO
                        Gemm.sgemm(true, false, s, dv, t, 1f, p, po, ld(s), dout, oo, ld(dv), 1f, gv, vo, ld(dv));
                    }
                    if (!needScores) {
                        continue;
                    }
                    // dP = dO · vᵀ, then through the softmax: dS = P ∘ (dP - rowsum(P ∘ dP)).
                    Gemm.sgemm(false, true, t, s, dv, 1f, dout, oo, ld(dv), v.data(), v.offset() + vo, ld(dv), 0f, dp, 0, ld(s));
                    // Masked entries have P = 0, so the softmax backward gives them 0 without a special case.
                    Arrays.fill(ds, 0f);
                    Softmax.softmaxBackward(p, po, dp, 0, ds, 0, t, s);
                    int qo = i * t * dh, ko = i * s * dh;
                    if (gq != null) {
                        Gemm.sgemm(false, false, t, dh, s, scale, ds, 0, ld(s), k.data(), k.offset() + ko, ld(dh),
                                1f, gq, qo, ld(dh));
                    }
                    if (gk != null) {
                        Gemm.sgemm(true, false, s, dh, t, scale, ds, 0, ld(s), q.data(), q.offset() + qo, ld(dh),
                                1f, gk, ko, ld(dh));
                    }
                }
            });
        }, q, k, v);
    }

    /** A half-open range of (batch·head) indices. */
    private interface HeadRange {
        void run(int from, int to);
    }

    /**
     * Splits the batch·head index range into at most 16 fixed parts run with {@link Parallel}; each
     * head is computed the same way whatever the split, so results do not depend on the thread
     * count. Small problems stay on the caller (the GEMMs inside may then use the threads).
     */
    private static void forHeads(int bh, long work, HeadRange body) {
        int chunks = Math.min(bh, 16);
        if (chunks <= 1 || work < (1 << 16)) {
            body.run(0, bh);
            return;
        }
        Parallel.forChunks(chunks, c -> body.run(Parallel.chunkStart(bh, chunks, c), Parallel.chunkStart(bh, chunks, c + 1)));
    }

    /** Row-wise softmax of the (t, s) block at off, in place; with causal, entries j > i become 0. */
    private static void softmaxRows(float[] p, int off, int t, int s, boolean causal) {
        if (!causal) {
            Softmax.softmax(p, off, p, off, t, s);
            return;
        }
        for (int i = 0; i < t; i++) {
            int row = off + i * s, limit = Math.min(s, i + 1);
            Softmax.softmax(p, row, p, row, 1, limit);
            Arrays.fill(p, row + limit, row + s, 0f);
        }
    }

    private static int ld(int cols) {
        return Math.max(1, cols);
    }
}
