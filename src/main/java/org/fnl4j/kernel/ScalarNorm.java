package org.fnl4j.kernel;

/** Scalar twin of the normalization loops; the reference {@code SimdNorm} is tested against. */
public final class ScalarNorm implements NormKernel {
    @Override
    public double sum(float[] x, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public double sumSqDiff(float[] x, int off, int len, float mean) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = x[off + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public void affine(float[] x, int xOff, float[] y, int yOff, int len, float a, float b) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = a * x[xOff + i] + b;
        }
    }

    @Override
    public void affineAddRelu(float[] x, int xOff, float[] r, int rOff, boolean relu, float[] y, int yOff, int len,
                              float a, float b) {
        for (int i = 0; i < len; i++) {
            float v = a * x[xOff + i] + b;
            if (r != null) {
                v = v + r[rOff + i];
            }
            y[yOff + i] = relu ? Math.max(v, 0f) : v;
        }
    }

    @Override
    public void reluGradSums(float[] dy, int dyOff, float[] y, int yOff, float[] g, int gOff, float[] dr, int drOff,
                             float[] x, int xOff, int len, float mean, double[] acc) {
        double s = 0, d = 0;
        for (int i = 0; i < len; i++) {
            float gi = 0f + (y[yOff + i] > 0f ? dy[dyOff + i] : 0f);
            g[gOff + i] = gi;
            if (dr != null) {
                dr[drOff + i] += gi;
            }
            s += gi;
            d += gi * (double) (x[xOff + i] - mean);
        }
        acc[0] += s;
        acc[1] += d;
    }

    @Override
    public void sumAndDotCentered(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] acc) {
        double s = 0, d = 0;
        for (int i = 0; i < len; i++) {
            float g = dy[dyOff + i];
            s += g;
            d += g * (double) (x[xOff + i] - mean);
        }
        acc[0] += s;
        acc[1] += d;
    }

    @Override
    public void accumulateLinear(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int len,
                                 float p, float q, float r) {
        for (int i = 0; i < len; i++) {
            dx[dxOff + i] += p * dy[dyOff + i] + q * x[xOff + i] + r;
        }
    }

    @Override
    public void normalizeAffine(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff,
                                float[] y, int yOff, int len, float mean, float invStd) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = (x[xOff + i] - mean) * invStd * gamma[gOff + i] + beta[bOff + i];
        }
    }

    @Override
    public void layerNormBackwardRow(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                                     int len, float mean, float invStd, float[] dgamma, float[] dbeta, double[] acc) {
        double s = 0, d = 0;
        for (int i = 0; i < len; i++) {
            float g = dy[dyOff + i];
            float xhat = (x[xOff + i] - mean) * invStd;
            float gg = g * gamma[gOff + i];
            s += gg;
            d += gg * xhat;
            if (dgamma != null) {
                dgamma[i] += g * xhat;
            }
            if (dbeta != null) {
                dbeta[i] += g;
            }
        }
        acc[0] += s;
        acc[1] += d;
    }

    @Override
    public void layerNormBackwardApply(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                                       float[] dx, int dxOff, int len, float mean, float invStd, float c1, float c2) {
        for (int i = 0; i < len; i++) {
            float xhat = (x[xOff + i] - mean) * invStd;
            dx[dxOff + i] += invStd * (dy[dyOff + i] * gamma[gOff + i] - c1 - xhat * c2);
        }
    }
}
