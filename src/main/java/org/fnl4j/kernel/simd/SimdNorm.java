package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.NormKernel;

/**
 * Vector API implementation of the normalization span loops ({@link NormKernel}); the scalar twin
 * is {@link org.fnl4j.kernel.ScalarNorm}. Lane partial sums are float32 per span and are reduced
 * into the caller's double accumulators, which keeps the error of a span at float level while
 * long reductions across spans stay in double.
 */
public final class SimdNorm implements NormKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public double sum(float[] x, int off, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        double s = VMath.sumLanes(acc);
        for (; i < len; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public double sumSqDiff(float[] x, int off, int len, float mean) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, mean);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(m);
            acc = d.fma(d, acc);
        }
        double s = VMath.sumLanes(acc);
        for (; i < len; i++) {
            double d = x[off + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public void affine(float[] x, int xOff, float[] y, int yOff, int len, float a, float b) {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, vb).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = a * x[xOff + i] + b;
        }
    }

    @Override
    public void affineAddRelu(float[] x, int xOff, float[] r, int rOff, boolean relu, float[] y, int yOff, int len,
                              float a, float b) {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i).fma(va, vb);
            if (r != null) {
                v = v.add(FloatVector.fromArray(S, r, rOff + i));
            }
            if (relu) {
                v = v.max(0f);
            }
            v.intoArray(y, yOff + i);
        }
        // The tail as the separate scalar loops compute it: a·x + b is not fused there.
        for (; i < len; i++) {
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
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.zero(S), d = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, mean);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, 0f);
            FloatVector gv = zero.add(zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pos));
            gv.intoArray(g, gOff + i);
            if (dr != null) {
                gv.fma(one, FloatVector.fromArray(S, dr, drOff + i)).intoArray(dr, drOff + i);
            }
            s = s.add(gv);
            d = gv.fma(FloatVector.fromArray(S, x, xOff + i).sub(m), d);
        }
        double ss = VMath.sumLanes(s), dd = VMath.sumLanes(d);
        for (; i < len; i++) {
            float gi = 0f + (y[yOff + i] > 0f ? dy[dyOff + i] : 0f);
            g[gOff + i] = gi;
            if (dr != null) {
                dr[drOff + i] = Math.fma(1f, gi, dr[drOff + i]);
            }
            ss += gi;
            dd += gi * (double) (x[xOff + i] - mean);
        }
        acc[0] += ss;
        acc[1] += dd;
    }

    @Override
    public void sumAndDotCentered(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] acc) {
        FloatVector s = FloatVector.zero(S), d = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, mean);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            s = s.add(g);
            d = g.fma(FloatVector.fromArray(S, x, xOff + i).sub(m), d);
        }
        double ss = VMath.sumLanes(s), dd = VMath.sumLanes(d);
        for (; i < len; i++) {
            float g = dy[dyOff + i];
            ss += g;
            dd += g * (double) (x[xOff + i] - mean);
        }
        acc[0] += ss;
        acc[1] += dd;
    }

    @Override
    public void accumulateLinear(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int len,
                                 float p, float q, float r) {
        FloatVector vp = FloatVector.broadcast(S, p), vq = FloatVector.broadcast(S, q), vr = FloatVector.broadcast(S, r);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector t = FloatVector.fromArray(S, x, xOff + i).fma(vq, vr);
            t = FloatVector.fromArray(S, dy, dyOff + i).fma(vp, t);
            FloatVector.fromArray(S, dx, dxOff + i).add(t).intoArray(dx, dxOff + i);
        }
        for (; i < len; i++) {
            dx[dxOff + i] += p * dy[dyOff + i] + q * x[xOff + i] + r;
        }
    }

    @Override
    public void normalizeAffine(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff,
                                float[] y, int yOff, int len, float mean, float invStd) {
        FloatVector m = FloatVector.broadcast(S, mean), is = FloatVector.broadcast(S, invStd);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, xOff + i).sub(m).mul(is);
            xhat.fma(FloatVector.fromArray(S, gamma, gOff + i), FloatVector.fromArray(S, beta, bOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = (x[xOff + i] - mean) * invStd * gamma[gOff + i] + beta[bOff + i];
        }
    }

    @Override
    public void layerNormBackwardRow(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                                     int len, float mean, float invStd, float[] dgamma, float[] dbeta, double[] acc) {
        FloatVector m = FloatVector.broadcast(S, mean), is = FloatVector.broadcast(S, invStd);
        FloatVector s = FloatVector.zero(S), d = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            FloatVector xhat = FloatVector.fromArray(S, x, xOff + i).sub(m).mul(is);
            FloatVector gg = g.mul(FloatVector.fromArray(S, gamma, gOff + i));
            s = s.add(gg);
            d = gg.fma(xhat, d);
            if (dgamma != null) {
                g.fma(xhat, FloatVector.fromArray(S, dgamma, i)).intoArray(dgamma, i);
            }
            if (dbeta != null) {
                g.add(FloatVector.fromArray(S, dbeta, i)).intoArray(dbeta, i);
            }
        }
        double ss = VMath.sumLanes(s), dd = VMath.sumLanes(d);
        for (; i < len; i++) {
            float g = dy[dyOff + i];
            float xhat = (x[xOff + i] - mean) * invStd;
            float gg = g * gamma[gOff + i];
            ss += gg;
            dd += gg * xhat;
            if (dgamma != null) {
                dgamma[i] += g * xhat;
            }
            if (dbeta != null) {
                dbeta[i] += g;
            }
        }
        acc[0] += ss;
        acc[1] += dd;
    }

    @Override
    public void layerNormBackwardApply(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                                       float[] dx, int dxOff, int len, float mean, float invStd, float c1, float c2) {
        FloatVector m = FloatVector.broadcast(S, mean), is = FloatVector.broadcast(S, invStd);
        FloatVector vc1 = FloatVector.broadcast(S, c1), vc2 = FloatVector.broadcast(S, c2);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, xOff + i).sub(m).mul(is);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i).mul(FloatVector.fromArray(S, gamma, gOff + i));
            FloatVector t = g.sub(vc1).sub(xhat.mul(vc2)).mul(is);
            FloatVector.fromArray(S, dx, dxOff + i).add(t).intoArray(dx, dxOff + i);
        }
        for (; i < len; i++) {
            float xhat = (x[xOff + i] - mean) * invStd;
            dx[dxOff + i] += invStd * (dy[dyOff + i] * gamma[gOff + i] - c1 - xhat * c2);
        }
    }
}
