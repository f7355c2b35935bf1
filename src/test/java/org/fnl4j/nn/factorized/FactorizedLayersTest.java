package org.fnl4j.nn.factorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.linalg.Svd;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.MatMul;
import org.fnl4j.regularize.FrobeniusDecay;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FactorizedLayersTest {

    static double maxRelDiff(Tensor a, Tensor b) {
        assertArrayEquals(a.shape(), b.shape());
        double worst = 0, scale = 0;
        for (int i = 0; i < a.size(); i++) scale = Math.max(scale, Math.abs(b.data()[b.offset() + i]));
        for (int i = 0; i < a.size(); i++) {
            worst = Math.max(worst, Math.abs(a.data()[a.offset() + i] - b.data()[b.offset() + i]));
        }
        return worst / Math.max(scale, 1e-12);
    }

    static void randomize(Parameter p, Rng rng) {
        Tensor t = Tensor.randn(rng, 0.5f, p.shape());
        p.copyFrom(t.data());
    }

    /** Two-conv path = one-conv path = conv with the reassembled kernel, for both schemes and M. */
    @ParameterizedTest
    @CsvSource({
        "PAPER,3,3,1,1,1,1,1,1,false",
        "PAPER,3,3,2,2,1,1,1,1,false",
        "PAPER,3,2,2,1,1,0,1,1,true",
        "PAPER,3,3,1,2,2,1,2,1,false",
        "PAPER,1,3,1,2,0,2,1,2,true",
        "CHANNEL,3,3,2,2,1,1,1,1,false",
        "CHANNEL,3,2,1,2,2,0,2,1,true"})
    void twoConvPathEqualsConvWithReassembledKernel(FactorizedConv2d.Scheme scheme, int kh, int kw, int sh, int sw,
                                                    int ph, int pw, int dh, int dw, boolean middle) {
        Rng rng = new Rng(kh * 100 + kw * 10 + sh + sw + ph + dh);
        int in = 3, out = 5, rank = 2;
        FactorizedConv2d f = new FactorizedConv2d(in, out, kh, kw, sh, sw, ph, pw, dh, dw, true, scheme, rank, middle, rng);
        if (middle) randomize(f.middle(), rng);
        randomize(f.bias(), rng);
        Tensor x = Tensor.randn(rng, 1f, 2, in, 9, 8);
        Tensor two = f.path(FactorizedConv2d.Path.TWO_CONV).forward(x);
        Tensor one = f.path(FactorizedConv2d.Path.ONE_CONV).forward(x);
        Tensor ref = Convolution.conv2d(x, f.product(), f.bias().value(), sh, sw, ph, pw, dh, dw, 1);
        assertTrue(maxRelDiff(two, ref) < 1e-5, "two-conv vs reassembled kernel: " + maxRelDiff(two, ref));
        assertTrue(maxRelDiff(one, ref) < 1e-5, "one-conv vs reassembled kernel");
        // The product really is U·Vᵀ in the scheme's layout: check one kernel entry by hand.
        float[] u = f.u().value().toArray(), vt = f.vt().value().toArray();
        float[] mm = middle ? f.middle().value().toArray() : null;
        int o = out - 1, c = in - 1, hh = kh - 1, ww = kw - 1;
        int row = scheme == FactorizedConv2d.Scheme.PAPER ? o * kh + hh : o;
        int col = scheme == FactorizedConv2d.Scheme.PAPER ? c * kw + ww : (c * kh + hh) * kw + ww;
        int cols = f.matrixCols();
        double expect = 0;
        for (int a = 0; a < rank; a++)
            for (int b = 0; b < rank; b++) {
                double mid = middle ? mm[a * rank + b] : (a == b ? 1 : 0);
                expect += u[row * rank + a] * mid * vt[b * cols + col];
            }
        assertEquals(expect, f.product().get(o, c, hh, ww), 1e-5);
    }

    @Test
    void factorizedConvGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(9);
        FactorizedConv2d f = new FactorizedConv2d(2, 3, 3, 2, 2, 1, 1, 0, 1, 1, true, FactorizedConv2d.Scheme.PAPER, 2, true,
                rng);
        randomize(f.middle(), rng);
        Tensor x = Tensor.randn(rng, 1f, 1, 2, 5, 4).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> f.path(FactorizedConv2d.Path.TWO_CONV).forward(in[0]), 1e-2, 3, x,
                f.u().value(), f.middle().value(), f.vt().value(), f.bias().value());
        assertTrue(r.passed(2e-2), r.toString());
    }

    @Test
    void autoPathPicksTwoConvAtLowRankAndOneConvWhenOvercomplete() {
        Rng rng = new Rng(1);
        FactorizedConv2d low = new FactorizedConv2d(64, 64, 3, 1, 1, 1, false, FactorizedConv2d.Scheme.PAPER, 21, false, rng);
        assertEquals(FactorizedConv2d.Path.TWO_CONV, low.cheaperPath(8, 8, 8));
        FactorizedConv2d big = new FactorizedConv2d(16, 16, 3, 1, 1, 1, false, FactorizedConv2d.Scheme.PAPER, 144, false, rng);
        assertEquals(FactorizedConv2d.Path.ONE_CONV, big.cheaperPath(8, 32, 32));
    }

    @Test
    void convSpectralInitIsTheTruncatedSvdOfTheSchemeMatrix() {
        Rng rng = new Rng(2);
        int in = 4, out = 6, k = 3, r = 5;
        Tensor kernel = Tensor.randn(rng, (float) Math.sqrt(2.0 / (in * k * k)), out, in, k, k);
        FactorizedConv2d f = new FactorizedConv2d(in, out, k, 1, 1, 1, false, FactorizedConv2d.Scheme.PAPER, r, false, rng);
        var si = f.initSpectral(kernel.data());
        float[] wMat = f.toMatrix(kernel.data());
        float[] pMat = f.toMatrix(f.product().data());
        double err = 0;
        for (int i = 0; i < wMat.length; i++) err += Math.pow(wMat[i] - pMat[i], 2);
        assertEquals(si.truncationError(), Math.sqrt(err), 1e-5);
        assertArrayEquals(java.util.Arrays.copyOf(Svd.singularValues(wMat, out * k, in * k), r), f.singularValues(), 1e-5f);
        assertArrayEquals(kernel.data(), f.toKernel(wMat));
    }

    @Test
    void linearForwardEqualsDenseProductAndFullRankSiReproducesWeight() {
        Rng rng = new Rng(3);
        int in = 7, out = 5;
        Tensor w = Tensor.randn(rng, 0.4f, out, in);
        FactorizedLinear f = new FactorizedLinear(in, out, 5, true, true, rng);
        f.initSpectral(w.data());
        assertTrue(maxRelDiff(f.product(), w) < 1e-5);
        randomize(f.middle(), rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 3, in);
        Tensor ref = MatMul.linear(x, f.product(), f.bias().value());
        assertTrue(maxRelDiff(f.forward(x), ref) < 1e-5);
        assertEquals(5 * 5 + 5 * 5 + 5 * 7 + 5, f.parameterCount());
        assertEquals(5 * 7 + 5, f.denseParameterCount());
        assertEquals(2, FactorizedLinear.withRatio(in, out, 0.3, false, false, rng).rank());
        float[] s = f.singularValues();
        assertArrayEquals(Svd.singularValues(f.product().data(), out, in), s, 1e-5f);
    }

    @Test
    void lowRankSingularValuesComeFromTheSmallCore() {
        Rng rng = new Rng(4);
        FactorizedLinear f = new FactorizedLinear(20, 15, 3, false, false, rng);
        float[] s = f.singularValues();
        assertEquals(3, s.length);
        float[] dense = Svd.singularValues(f.product().data(), 15, 20);
        assertArrayEquals(java.util.Arrays.copyOf(dense, 3), s, 1e-4f * dense[0]);
        assertTrue(dense[3] < 1e-5 * dense[0]);
    }

    /** Dense attention weights → SI at full head dimension leaves the function unchanged and balances heads. */
    @Test
    void attentionSpectralInitRebalancesWithoutChangingTheFunction() {
        Rng rng = new Rng(5);
        int d = 8, heads = 2, dh = 4;
        FactorizedAttention dense = new FactorizedAttention(d, heads, dh, dh, true, rng);
        FactorizedAttention si = new FactorizedAttention(d, heads, dh, dh, true, rng);
        si.initSpectral(dense.wq().value().toArray(), dense.wk().value().toArray(), dense.wv().value().toArray(),
                dense.wo().value().toArray());
        Tensor x = Tensor.randn(rng, 1f, 2, 5, d);
        assertTrue(maxRelDiff(si.forward(x), dense.forward(x)) < 1e-4);
        assertTrue(maxRelDiff(si.product(), dense.product()) < 1e-4);
        assertNotEquals(dense.wq().value().get(0, 0), si.wq().value().get(0, 0));
        // Balanced: per head, wq_h·wq_hᵀ = wk_h·wk_hᵀ (both equal Σ of the QK product).
        float[] q = si.wq().value().toArray(), k = si.wk().value().toArray();
        for (int h = 0; h < heads; h++)
            for (int a = 0; a < dh; a++)
                for (int b = 0; b < dh; b++) {
                    double qq = 0, kk = 0;
                    for (int t = 0; t < d; t++) {
                        qq += q[(h * dh + a) * d + t] * q[(h * dh + b) * d + t];
                        kk += k[(h * dh + a) * d + t] * k[(h * dh + b) * d + t];
                    }
                    assertEquals(qq, kk, 1e-4, "head " + h);
                }
        assertEquals(2 * heads * dh, si.singularValues().length);
        assertEquals(4L * d * heads * dh, si.denseParameterCount());
    }

    /**
     * The paper's attention SI on a compressed layer (d_h = 3 < d/H): each head's own QK and OV
     * products are re-factored as A√Σ, B√Σ; outputs stay the same and every head's factors are balanced.
     */
    @Test
    void compressedAttentionRebalanceKeepsTheFunctionAndBalancesEveryHead() {
        Rng rng = new Rng(7);
        int d = 12, heads = 3, dh = 3;
        FactorizedAttention a = new FactorizedAttention(d, heads, dh, 4, true, rng);
        Tensor x = Tensor.randn(rng, 1f, 2, 6, d);
        Tensor before = a.forward(x);
        Tensor productBefore = a.product();
        float[] wqBefore = a.wq().value().toArray();
        a.rebalance();
        assertTrue(maxRelDiff(a.forward(x), before) < 1e-4, "function unchanged");
        assertTrue(maxRelDiff(a.product(), productBefore) < 1e-4, "products unchanged");
        assertNotEquals(wqBefore[0], a.wq().value().get(0, 0), "the factors did change");
        float[] q = a.wq().value().toArray(), k = a.wk().value().toArray(), v = a.wv().value().toArray(),
                o = a.wo().value().toArray();
        int inner = heads * dh;
        for (int h = 0; h < heads; h++) {
            double uq = 0, vk = 0, uo = 0, vv = 0;
            for (int t = 0; t < dh; t++)
                for (int c = 0; c < d; c++) {
                    uq += Math.pow(q[(h * dh + t) * d + c], 2);
                    vk += Math.pow(k[(h * dh + t) * d + c], 2);
                    vv += Math.pow(v[(h * dh + t) * d + c], 2);
                    uo += Math.pow(o[c * inner + h * dh + t], 2);
                }
            assertEquals(Math.sqrt(uq), Math.sqrt(vk), 1e-4 * Math.sqrt(uq), "QK head " + h + ": ‖U‖_F = ‖V‖_F");
            assertEquals(Math.sqrt(uo), Math.sqrt(vv), 1e-4 * Math.sqrt(uo), "OV head " + h + ": ‖U‖_F = ‖V‖_F");
        }
    }

    @Test
    void compressedAttentionSiIsPerHeadEckartYoung() {
        Rng rng = new Rng(6);
        int d = 8, heads = 2;
        FactorizedAttention dense = new FactorizedAttention(d, heads, 4, 4, false, rng);
        FactorizedAttention small = new FactorizedAttention(d, heads, 2, 4, false, rng);
        small.initSpectral(dense.wq().value().toArray(), dense.wk().value().toArray(), dense.wv().value().toArray(),
                dense.wo().value().toArray());
        Tensor pd = dense.product(), ps = small.product();
        for (int which = 0; which < 2; which++)
            for (int h = 0; h < heads; h++) {
                float[] w = new float[d * d];
                double err = 0;
                for (int i = 0; i < d * d; i++) {
                    w[i] = pd.data()[((which * heads + h) * d * d) + i];
                    err += Math.pow(w[i] - ps.data()[((which * heads + h) * d * d) + i], 2);
                }
                float[] s = Svd.singularValues(w, d, d);
                double tail = 0;
                for (int i = 2; i < s.length; i++) tail += (double) s[i] * s[i];
                assertEquals(Math.sqrt(tail), Math.sqrt(err), 1e-4);
            }
        assertEquals(4L * d * heads * 2, small.parameterCount());
    }

    /** FD on attention heads and on all layer kinds, against differences of (λ/2)·Σ‖product‖². */
    @Test
    void frobeniusDecayOnLayersMatchesFiniteDifferencesOfTheProductNorm() {
        Rng rng = new Rng(7);
        FactorizedAttention att = new FactorizedAttention(6, 2, 2, 3, false, rng);
        checkLayerFd(att, () -> att.product().toArray(), rng);
        FactorizedConv2d conv = new FactorizedConv2d(2, 3, 3, 1, 1, 1, false, FactorizedConv2d.Scheme.PAPER, 2, true, rng);
        randomize(conv.middle(), rng);
        checkLayerFd(conv, () -> conv.product().toArray(), rng);
        for (TensorConv2d.Format fmt : TensorConv2d.Format.values()) {
            TensorConv2d t = new TensorConv2d(6, 4, 3, 1, 1, 1, false, fmt, fmt == TensorConv2d.Format.TUCKER
                    ? new int[] {2, 2, 2} : new int[] {2, 2}, rng);
            checkLayerFd(t, t::pointwise, rng);
        }
    }

    interface Dense {
        float[] values();
    }

    static void checkLayerFd(Factorized layer, Dense dense, Rng rng) {
        float lambda = 0.3f;
        List<Parameter> factors = layer.factors();
        for (Parameter p : factors) p.value().setGrad(null);
        FrobeniusDecay fd = new FrobeniusDecay(lambda, List.of(layer));
        double pen = fd.penalty();
        double direct = half(dense.values()) * lambda;
        assertEquals(direct, pen, 1e-4 * Math.max(1, direct), layer.getClass().getSimpleName() + " penalty");
        fd.apply();
        double h = 1e-2, worst = 0;
        for (Parameter p : factors) {
            Tensor t = p.value();
            assertTrue(t.grad() != null, "FD reached " + java.util.Arrays.toString(t.shape()));
            for (int i = 0; i < t.size(); i++) {
                float orig = t.data()[t.offset() + i];
                t.data()[t.offset() + i] = (float) (orig + h);
                double plus = half(dense.values()) * lambda;
                t.data()[t.offset() + i] = (float) (orig - h);
                double minus = half(dense.values()) * lambda;
                t.data()[t.offset() + i] = orig;
                double num = (plus - minus) / (2 * h);
                worst = Math.max(worst, Math.abs(t.grad()[i] - num) / Math.max(1, Math.abs(num)));
            }
        }
        assertTrue(worst < 5e-3, layer.getClass().getSimpleName() + " worst FD error " + worst);
    }

    static double half(float[] w) {
        double s = 0;
        for (float v : w) s += (double) v * v;
        return 0.5 * s;
    }

    @Test
    void tensorConvEqualsDenseKernelAndFullRankDecompositionsAreExact() {
        Rng rng = new Rng(8);
        for (TensorConv2d.Format fmt : TensorConv2d.Format.values()) {
            int in = 8, out = 5;
            int[] full = fmt == TensorConv2d.Format.TT ? new int[] {100, 100} : new int[] {100, 100, 100};
            TensorConv2d t = new TensorConv2d(in, out, 3, 2, 1, 1, true, fmt, full, rng);
            Tensor w = Tensor.randn(rng, 0.6f, out, in);
            t.initSpectral(w.data());
            assertArrayEquals(w.data(), t.pointwise(), 1e-5f, fmt + " full-rank reconstruction");
            randomize(t.bias(), rng);
            Tensor x = Tensor.randn(rng, 1f, 2, in, 7, 6);
            Tensor ref = Convolution.conv2d(x, t.product(), t.bias().value(), 2, 2, 1, 1, 1, 1, 1);
            assertTrue(maxRelDiff(t.forward(x), ref) < 1e-5, fmt + " forward vs dense kernel");
        }
        assertArrayEquals(new int[] {2, 1, 1}, TensorConv2d.ranksFor(TensorConv2d.Format.TUCKER, 0.1, 16, 16));
        assertEquals(4, TensorConv2d.splitChannels(32));
        assertEquals(1, TensorConv2d.splitChannels(7));
    }

    @Test
    void tensorConvLowRankSpectralInitAndCoreGradients() {
        Rng rng = new Rng(10);
        TensorConv2d t = new TensorConv2d(8, 4, 3, 1, 1, 1, false, TensorConv2d.Format.TT, new int[] {3, 9}, rng);
        assertArrayEquals(new int[] {3, 4}, t.ranks(), "r2 clamped to min(r1·i1, i2) = min(6, 4)");
        Tensor w = Tensor.randn(rng, 0.5f, 4, 8);
        t.initSpectral(w.data());
        long expect = 8 * 9 + 4 * 3 + 3 * 2 * 4 + 4 * 4;
        assertEquals(expect, t.parameterCount());
        assertEquals(expect, 8 * 9 + TensorConv2d.coreCount(TensorConv2d.Format.TT,
                TensorConv2d.feasibleRanks(TensorConv2d.Format.TT, new int[] {3, 9}, 8, 4), 8, 4));
        Tensor x = Tensor.randn(rng, 1f, 1, 8, 3, 3);
        GradCheck.Result r = GradCheck.check(in -> t.forward(in[0]), 1e-2, 5, x, t.factors().get(0).value(),
                t.factors().get(1).value(), t.factors().get(2).value());
        assertTrue(r.passed(2e-2), r.toString());
    }

    @Test
    void tensorFrobeniusDecayRefusesNoGradScope() {
        TensorConv2d t = new TensorConv2d(4, 4, 3, 1, 1, 1, false, TensorConv2d.Format.TUCKER, new int[] {2, 2, 2},
                new Rng(1));
        try (Autograd.Scope s = Autograd.noGrad()) {
            assertThrows(IllegalStateException.class, () -> t.addFrobeniusGradient(0.1f));
        }
    }

    @Test
    void ranksRoundHalfToEvenLikeTheReferenceCode() {
        assertEquals(5, Ranks.convPaper(0.111, 16, 3));
        assertEquals(11, Ranks.convPaper(0.111, 32, 3));
        assertEquals(21, Ranks.convPaper(0.111, 64, 3));
        assertEquals(2, Ranks.fromRatio(0.5, 5));   // 2.5 -> 2 (half to even)
        assertEquals(4, Ranks.fromRatio(0.5, 7));   // 3.5 -> 4
        assertEquals(1, Ranks.fromRatio(0.001, 10));
        assertEquals(16, Ranks.attentionHeadDim(0.25, 256, 4));
        assertThrows(IllegalArgumentException.class, () -> Ranks.fromRatio(0, 3));
    }
}
