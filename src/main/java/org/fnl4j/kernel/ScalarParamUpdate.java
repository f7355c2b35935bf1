package org.fnl4j.kernel;

/**
 * Scalar twin of the parameter-update kernels (contract in {@link ParamUpdate}). Each loop body is
 * the reference expression of its method, written exactly as the optimizers wrote it before the
 * kernels existed, so that moving them here changed no result.
 */
public final class ScalarParamUpdate implements ParamUpdateKernel {
    @Override
    public void sgd(float[] w, int wOff, float[] g, int gOff, int n, float lr, float l2, float shrink) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i];
            float d = g[gOff + i] + l2 * wi;
            w[wOff + i] = wi * shrink - lr * d;
        }
    }

    @Override
    public void sgdMomentumFirst(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                 float lr, float l2, float shrink, float mu, boolean nesterov) {
        // One loop per case keeps the bodies branch-free.
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                float wi = w[wOff + i];
                float d = g[gOff + i] + l2 * wi;
                buf[bufOff + i] = d;
                w[wOff + i] = wi * shrink - lr * (d + mu * d);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float wi = w[wOff + i];
                float d = g[gOff + i] + l2 * wi;
                buf[bufOff + i] = d;
                w[wOff + i] = wi * shrink - lr * d;
            }
        }
    }

    @Override
    public void sgdMomentum(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                            float lr, float l2, float shrink, float mu, float dampening, boolean nesterov) {
        float keep = 1f - dampening;
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                float wi = w[wOff + i];
                float d = g[gOff + i] + l2 * wi;
                float bi = mu * buf[bufOff + i] + keep * d;
                buf[bufOff + i] = bi;
                w[wOff + i] = wi * shrink - lr * (d + mu * bi);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float wi = w[wOff + i];
                float d = g[gOff + i] + l2 * wi;
                float bi = mu * buf[bufOff + i] + keep * d;
                buf[bufOff + i] = bi;
                w[wOff + i] = wi * shrink - lr * bi;
            }
        }
    }

    @Override
    public void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      float shrink, float l2, float beta1, float beta2, float stepSize, float invSqrtBc2, float eps) {
        float c1 = 1 - beta1, c2 = 1 - beta2;
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i] * shrink;
            float gi = g[gOff + i] + l2 * w[wOff + i];
            float mm = beta1 * m[mOff + i] + c1 * gi;
            float vv = beta2 * v[vOff + i] + c2 * gi * gi;
            m[mOff + i] = mm;
            v[vOff + i] = vv;
            // The double square root rounded to float is the correctly rounded float square root.
            w[wOff + i] = wi - stepSize * mm / ((float) Math.sqrt(vv) * invSqrtBc2 + eps);
        }
    }

    @Override
    public void addDecay(float[] w, int wOff, float[] g, int gOff, int n, float lambda) {
        for (int i = 0; i < n; i++) {
            g[gOff + i] += lambda * w[wOff + i];
        }
    }
}
