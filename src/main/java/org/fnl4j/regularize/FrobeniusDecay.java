package org.fnl4j.regularize;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorProduct;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.nn.factorized.MatrixView;
import org.fnl4j.nn.factorized.TensorFactorized;
import org.fnl4j.tensor.TapeAccess;

/**
 * Frobenius decay (Khodak et al., ICLR 2021): the penalty (λ/2)·Σ‖W‖²_F over the products W that
 * factorized layers stand for, in place of weight decay on the factors.
 *
 * <p>For each product W = U·Vᵀ (U m×r, Vᵀ r×n) it adds {@code ∂U += λ·U·(VᵀV)} and
 * {@code ∂Vᵀ += λ·(UᵀU)·Vᵀ}; for W = U·M·Vᵀ (M r×r) it adds {@code ∂U += λ·U·(M·VᵀV·Mᵀ)},
 * {@code ∂M += λ·(UᵀU)·M·(VᵀV)}, {@code ∂Vᵀ += λ·(Mᵀ·UᵀU·M)·Vᵀ}. Only r×r Gram matrices are
 * formed, so the cost is O(r²(m+n) + r³) per product and the dense m×n product is never built.
 * Attention layers hand in their per-head products as one batch. The penalty is
 * {@code ½λ·Σ((UᵀU)∘(VᵀV))} (with U·M in place of U for three factors). Layers implementing
 * {@link TensorFactorized} (Tucker / tensor-train cores) get the gradient of (λ/2)·‖W‖²_F through
 * their own reconstruction.
 *
 * <p>Call {@link #apply()} after the loss's backward and before the optimizer step; factors then
 * must get no weight decay in the optimizer (see {@link DecayArms}).
 */
public final class FrobeniusDecay implements Regularizer {
    private final float lambda;
    private final List<Factorized> layers;

    /**
     * @param lambda decay coefficient λ ≥ 0 (the paper uses the dense model's weight decay, e.g. 1e-4)
     * @param layers the factorized layers to penalize
     */
    public FrobeniusDecay(float lambda, List<? extends Factorized> layers) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("FrobeniusDecay: lambda must be >= 0, got " + lambda);
        }
        this.lambda = lambda;
        this.layers = List.copyOf(layers);
    }

    /** Frobenius decay on every {@link Factorized} module of {@code model}. */
    public static FrobeniusDecay of(Module model, float lambda) {
        List<Factorized> found = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof Factorized f) {
                found.add(f);
            }
        }
        return new FrobeniusDecay(lambda, found);
    }

    /** @return λ. */
    public float lambda() {
        return lambda;
    }

    /** @return the layers covered. */
    public List<Factorized> layers() {
        return layers;
    }

    @Override
    public void apply() {
        if (lambda == 0) {
            return;
        }
        for (Factorized f : layers) {
            for (FactorProduct p : f.factorProducts()) {
                run(p, lambda, true);
            }
            if (f instanceof TensorFactorized t) {
                t.addFrobeniusGradient(lambda);
            }
        }
    }

    @Override
    public double penalty() {
        double s = 0;
        for (Factorized f : layers) {
            for (FactorProduct p : f.factorProducts()) {
                s += run(p, lambda, false);
            }
            if (f instanceof TensorFactorized t) {
                s += t.frobeniusPenalty(lambda);
            }
        }
        return s;
    }

    /** (1/2)·Σ_b ‖W_b‖²_F of one product batch, from its Gram matrices. */
    public static double squaredNormHalf(FactorProduct p) {
        return run(p, 1f, false);
    }

    /**
     * @return ‖W_b‖²_F for each product b of the batch (length {@code p.batch()}), as
     *         tr((UᵀU)(VᵀV)) from the r×r Gram matrices (U·M in place of U for three factors)
     */
    public static double[] squaredNorms(FactorProduct p) {
        double[] out = new double[p.batch()];
        run(p, 1f, false, out);
        return out;
    }

    /**
     * Penalty (λ/2)·Σ_b‖W_b‖²_F of the batch; with {@code addGrad} also adds its gradient to the
     * factors' gradient buffers.
     */
    static double run(FactorProduct p, float lambda, boolean addGrad) {
        return run(p, lambda, addGrad, null);
    }

    /** As {@link #run(FactorProduct, float, boolean)}; also stores ‖W_b‖²_F in {@code perProduct[b]} when not null. */
    private static double run(FactorProduct p, float lambda, boolean addGrad, double[] perProduct) {
        int m = p.m(), r = p.r(), n = p.n();
        float[] gu = new float[r * r];
        float[] gv = new float[r * r];
        boolean three = p.middle() != null;
        float[] t1 = three ? new float[r * r] : null;
        float[] t2 = three ? new float[r * r] : null;
        float[] gq = three ? new float[r * r] : null;
        float[] gp = three ? new float[r * r] : null;
        double total = 0;
        for (int b = 0; b < p.batch(); b++) {
            Operand u = Operand.of(p.u(), b);
            Operand vt = Operand.of(p.vt(), b);
            // GU = UᵀU (r×r), GV = Vᵀ(Vᵀ)ᵀ = VᵀV (r×r).
            gemm(u.t(), u, r, r, m, gu);
            gemm(vt, vt.t(), r, r, n, gv);
            float[] left = gu;
            if (three) {
                Operand mid = Operand.of(p.middle(), b);
                Operand gvOp = Operand.plain(gv, r);
                Operand guOp = Operand.plain(gu, r);
                gemm(mid, gvOp, r, r, r, t1);               // T1 = M·GV
                gemm(Operand.plain(t1, r), mid.t(), r, r, r, gp); // GP = M·GV·Mᵀ = P·Pᵀ, P = M·Vᵀ
                gemm(guOp, mid, r, r, r, t2);               // T2 = GU·M
                gemm(mid.t(), Operand.plain(t2, r), r, r, r, gq); // GQ = Mᵀ·GU·M = (UM)ᵀ(UM)
                left = gq;
                if (addGrad) {
                    accumulate(p.u(), b, m, r, lambda, u, Operand.plain(gp, r), r);
                    accumulate(p.middle(), b, r, r, lambda, Operand.plain(t2, r), gvOp, r);
                    accumulate(p.vt(), b, r, n, lambda, Operand.plain(gq, r), vt, r);
                }
            } else if (addGrad) {
                accumulate(p.u(), b, m, r, lambda, u, Operand.plain(gv, r), r);
                accumulate(p.vt(), b, r, n, lambda, Operand.plain(gu, r), vt, r);
            }
            double s = 0;
            for (int i = 0; i < r * r; i++) {
                s += (double) left[i] * gv[i];
            }
            total += s;
            if (perProduct != null) {
                perProduct[b] = s;
            }
        }
        return 0.5 * lambda * total;
    }

    /** op(stored matrix) as a GEMM operand: array, offset, leading dimension, transpose flag. */
    private record Operand(float[] a, int off, int ld, boolean trans) {
        static Operand of(MatrixView v, int b) {
            return new Operand(v.tensor().data(), v.tensor().offset() + v.offset() + b * v.batchStride(), v.ld(),
                    v.transposed());
        }

        static Operand plain(float[] a, int ld) {
            return new Operand(a, 0, ld, false);
        }

        Operand t() {
            return new Operand(a, off, ld, !trans);
        }
    }

    /** c (rows×cols, contiguous) = a·b. */
    private static void gemm(Operand a, Operand b, int rows, int cols, int k, float[] c) {
        Gemm.sgemm(a.trans, b.trans, rows, cols, k, 1f, a.a, a.off, a.ld, b.a, b.off, b.ld, 0f, c, 0, cols);
    }

    /** grad(view, b) (logical rows×cols) += alpha·a·b, honouring a transposed storage of the view. */
    private static void accumulate(MatrixView view, int batch, int rows, int cols, float alpha, Operand a, Operand b, int k) {
        float[] g = TapeAccess.gradBuffer(view.tensor());
        int off = view.offset() + batch * view.batchStride();
        if (!view.transposed()) {
            Gemm.sgemm(a.trans, b.trans, rows, cols, k, alpha, a.a, a.off, a.ld, b.a, b.off, b.ld, 1f, g, off, view.ld());
        } else {
            // Stored as the transpose: (a·b)ᵀ = bᵀ·aᵀ.
            Gemm.sgemm(!b.trans, !a.trans, cols, rows, k, alpha, b.a, b.off, b.ld, a.a, a.off, a.ld, 1f, g, off, view.ld());
        }
    }
}
