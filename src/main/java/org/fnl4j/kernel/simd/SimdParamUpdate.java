package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.kernel.ParamUpdateKernel;
import org.fnl4j.kernel.ScalarParamUpdate;

/**
 * Vector API twin of the parameter-update kernels (contract in {@link ParamUpdate}): full vectors
 * of {@code FloatVector.SPECIES_PREFERRED}, then the scalar twin for the tail. Each lane performs
 * the scalar twin's float operations in the scalar twin's order (lane-wise mul, add, sub, div,
 * sqrt; never fma), so the two give the same bits and the tail may fall anywhere.
 */
public final class SimdParamUpdate implements ParamUpdateKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ScalarParamUpdate TAIL = new ScalarParamUpdate();

    @Override
    public void sgd(float[] w, int wOff, float[] g, int gOff, int n, float lr, float l2, float shrink) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            wi.mul(shrink).sub(d.mul(lr)).intoArray(w, wOff + i);
        }
        TAIL.sgd(w, wOff + i, g, gOff + i, n - i, lr, l2, shrink);
    }

    @Override
    public void sgdMomentumFirst(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                 float lr, float l2, float shrink, float mu, boolean nesterov) {
        // One small method per case: C2 compiles and inlines each quickly, and the loops stay branch-free.
        int i = nesterov ? firstNesterov(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu)
                : firstHeavyBall(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink);
        TAIL.sgdMomentumFirst(w, wOff + i, g, gOff + i, buf, bufOff + i, n - i, lr, l2, shrink, mu, nesterov);
    }

    private static int firstNesterov(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                     float lr, float l2, float shrink, float mu) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            d.intoArray(buf, bufOff + i);
            wi.mul(shrink).sub(d.add(d.mul(mu)).mul(lr)).intoArray(w, wOff + i);
        }
        return i;
    }

    private static int firstHeavyBall(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                      float lr, float l2, float shrink) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            d.intoArray(buf, bufOff + i);
            wi.mul(shrink).sub(d.mul(lr)).intoArray(w, wOff + i);
        }
        return i;
    }

    @Override
    public void sgdMomentum(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                            float lr, float l2, float shrink, float mu, float dampening, boolean nesterov) {
        float keep = 1f - dampening;
        int i = nesterov ? nesterov(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, keep)
                : heavyBall(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, keep);
        TAIL.sgdMomentum(w, wOff + i, g, gOff + i, buf, bufOff + i, n - i, lr, l2, shrink, mu, dampening, nesterov);
    }

    private static int nesterov(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                float lr, float l2, float shrink, float mu, float keep) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            FloatVector b = FloatVector.fromArray(S, buf, bufOff + i).mul(mu).add(d.mul(keep));
            b.intoArray(buf, bufOff + i);
            wi.mul(shrink).sub(d.add(b.mul(mu)).mul(lr)).intoArray(w, wOff + i);
        }
        return i;
    }

    private static int heavyBall(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                 float lr, float l2, float shrink, float mu, float keep) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector wi = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(wi.mul(l2));
            FloatVector b = FloatVector.fromArray(S, buf, bufOff + i).mul(mu).add(d.mul(keep));
            b.intoArray(buf, bufOff + i);
            wi.mul(shrink).sub(b.mul(lr)).intoArray(w, wOff + i);
        }
        return i;
    }

    @Override
    public void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      float shrink, float l2, float beta1, float beta2, float stepSize, float invSqrtBc2, float eps) {
        float c1 = 1 - beta1, c2 = 1 - beta2;
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector w0 = FloatVector.fromArray(S, w, wOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(w0.mul(l2));
            FloatVector mm = FloatVector.fromArray(S, m, mOff + i).mul(beta1).add(d.mul(c1));
            FloatVector vv = FloatVector.fromArray(S, v, vOff + i).mul(beta2).add(d.mul(c2).mul(d));
            mm.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.sqrt().mul(invSqrtBc2).add(eps);
            w0.mul(shrink).sub(mm.mul(stepSize).div(denom)).intoArray(w, wOff + i);
        }
        TAIL.adamW(w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, shrink, l2, beta1, beta2, stepSize,
                invSqrtBc2, eps);
    }

    @Override
    public void addDecay(float[] w, int wOff, float[] g, int gOff, int n, float lambda) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, g, gOff + i).add(FloatVector.fromArray(S, w, wOff + i).mul(lambda))
                    .intoArray(g, gOff + i);
        }
        TAIL.addDecay(w, wOff + i, g, gOff + i, n - i, lambda);
    }
}
