package org.fnl4j.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.factorized.FactorProduct;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.nn.factorized.MatrixView;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Frobenius decay's Gram-matrix gradients against central differences of the dense penalty
 * (λ/2)·Σ‖W_b‖²_F computed in double from the explicit products, for two and three factors,
 * transposed and strided storage, and batches of heads.
 */
class FrobeniusDecayTest {
    static final float LAMBDA = 0.37f;

    /** A Factorized stub that only exposes products (enough for the regularizer). */
    static Factorized stub(List<FactorProduct> products) {
        return new Factorized() {
            public List<Parameter> factors() { return List.of(); }
            public int rank() { return products.get(0).r(); }
            public Tensor product() { throw new UnsupportedOperationException(); }
            public float[] singularValues() { throw new UnsupportedOperationException(); }
            public long denseParameterCount() { return 0; }
            public long parameterCount() { return 0; }
            public List<FactorProduct> factorProducts() { return products; }
        };
    }

    static double get(MatrixView v, int b, int i, int j) {
        int off = v.tensor().offset() + v.offset() + b * v.batchStride();
        return v.transposed() ? v.tensor().data()[off + j * v.ld() + i] : v.tensor().data()[off + i * v.ld() + j];
    }

    /** (λ/2)·Σ_b‖U_b M_b V_bᵀ‖²_F in double, explicitly. */
    static double densePenalty(FactorProduct p, float lambda) {
        int m = p.m(), r = p.r(), n = p.n();
        double total = 0;
        for (int b = 0; b < p.batch(); b++) {
            double[][] um = new double[m][r];
            for (int i = 0; i < m; i++)
                for (int k = 0; k < r; k++) {
                    if (p.middle() == null) {
                        um[i][k] = get(p.u(), b, i, k);
                    } else {
                        for (int q = 0; q < r; q++) um[i][k] += get(p.u(), b, i, q) * get(p.middle(), b, q, k);
                    }
                }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double w = 0;
                    for (int k = 0; k < r; k++) w += um[i][k] * get(p.vt(), b, k, j);
                    total += w * w;
                }
        }
        return 0.5 * lambda * total;
    }

    static Tensor rand(Rng rng, int... shape) {
        return Tensor.randn(rng, 1f, shape).requiresGrad(true);
    }

    /** Checks every factor element's added gradient against central differences. */
    static void checkAgainstFiniteDifferences(FactorProduct p, Tensor... factors) {
        for (Tensor t : factors) t.setGrad(null);
        FrobeniusDecay fd = new FrobeniusDecay(LAMBDA, List.of(stub(List.of(p))));
        double pen = fd.penalty();
        double dense = densePenalty(p, LAMBDA);
        assertEquals(dense, pen, 1e-5 * Math.abs(dense), "penalty vs dense computation");
        fd.apply();
        double h = 1e-2;
        double worst = 0;
        for (Tensor t : factors) {
            float[] g = t.grad();
            for (int i = 0; i < t.size(); i++) {
                int at = t.offset() + i;
                float orig = t.data()[at];
                t.data()[at] = (float) (orig + h);
                double plus = densePenalty(p, LAMBDA);
                t.data()[at] = (float) (orig - h);
                double minus = densePenalty(p, LAMBDA);
                t.data()[at] = orig;
                double numeric = (plus - minus) / (2 * h);
                double err = Math.abs(g[i] - numeric) / Math.max(1.0, Math.abs(numeric));
                worst = Math.max(worst, err);
            }
        }
        assertTrue(worst < 2e-3, "worst FD gradient error " + worst);
    }

    @Test
    void twoFactors() {
        Rng rng = new Rng(1);
        int m = 7, r = 3, n = 5;
        Tensor u = rand(rng, m, r), vt = rand(rng, r, n);
        checkAgainstFiniteDifferences(FactorProduct.of(u, vt, m, r, n), u, vt);
    }

    @Test
    void threeFactors() {
        Rng rng = new Rng(2);
        int m = 6, r = 4, n = 9;
        Tensor u = rand(rng, m, r), mid = rand(rng, r, r), vt = rand(rng, r, n);
        FactorProduct p = new FactorProduct(1, m, r, n, MatrixView.whole(u, r), MatrixView.whole(mid, r),
                MatrixView.whole(vt, n));
        checkAgainstFiniteDifferences(p, u, mid, vt);
    }

    @Test
    void attentionHeadsBatchedWithTransposedAndStridedStorage() {
        // Q/K style: U_h = Wq_hᵀ stored as rows h·dh.. of Wq (H·dh × d); Vᵀ_h = Wk_h rows.
        Rng rng = new Rng(3);
        int heads = 3, dh = 2, d = 5;
        Tensor wq = rand(rng, heads * dh, d), wk = rand(rng, heads * dh, d);
        FactorProduct qk = new FactorProduct(heads, d, dh, d,
                new MatrixView(wq, 0, dh * d, d, true), null, new MatrixView(wk, 0, dh * d, d, false));
        checkAgainstFiniteDifferences(qk, wq, wk);
        // O/V style: U_h = column block h of Wo (d × H·dh), strided; Vᵀ_h = rows of Wv.
        Tensor wo = rand(rng, d, heads * dh), wv = rand(rng, heads * dh, d);
        FactorProduct ov = new FactorProduct(heads, d, dh, d,
                new MatrixView(wo, 0, dh, heads * dh, false), null, new MatrixView(wv, 0, dh * d, d, false));
        checkAgainstFiniteDifferences(ov, wo, wv);
    }

    @Test
    void threeFactorHeadsAndOffsetTensor() {
        Rng rng = new Rng(4);
        int heads = 2, m = 4, r = 3, n = 6;
        // A tensor view with a non-zero offset exercises Tensor.offset() handling.
        float[] backing = new float[5 + heads * m * r];
        for (int i = 0; i < backing.length; i++) backing[i] = (float) rng.nextGaussian();
        Tensor u = Tensor.wrap(backing, 5, heads, m, r).requiresGrad(true);
        Tensor mid = rand(rng, heads, r, r), vt = rand(rng, heads, n, r);
        FactorProduct p = new FactorProduct(heads, m, r, n, new MatrixView(u, 0, m * r, r, false),
                new MatrixView(mid, 0, r * r, r, false), new MatrixView(vt, 0, n * r, r, true));
        checkAgainstFiniteDifferences(p, u, mid, vt);
    }

    @Test
    void gradientsAccumulateOntoExistingOnesAndLambdaZeroIsNoOp() {
        Rng rng = new Rng(5);
        Tensor u = rand(rng, 4, 2), vt = rand(rng, 2, 3);
        FactorProduct p = FactorProduct.of(u, vt, 4, 2, 3);
        new FrobeniusDecay(LAMBDA, List.of(stub(List.of(p)))).apply();
        float[] once = u.grad().clone();
        new FrobeniusDecay(LAMBDA, List.of(stub(List.of(p)))).apply();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], u.grad()[i], 1e-6);
        float[] before = u.grad().clone();
        new FrobeniusDecay(0f, List.of(stub(List.of(p)))).apply();
        for (int i = 0; i < once.length; i++) assertEquals(before[i], u.grad()[i]);
    }
}
