package org.fnl4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Sgd and AdamW give exactly the bits of a plain float loop, written here as the optimizers wrote
 * it before their updates moved into {@link org.fnl4j.kernel.ParamUpdate}: the kernels (SIMD or
 * scalar, whichever this run selected) changed speed, not arithmetic. Parameters sit at an offset
 * into their array, and one is long enough to be split into chunks with a partial last vector.
 */
class OptimizerArithmeticTest {
    private static final int OFF = 3;
    /** Below one chunk, and above two chunks of {@link Optimizer#UPDATE_CHUNK} with an odd remainder. */
    private static final int[] SIZES = {1021, 2 * Optimizer.UPDATE_CHUNK + 1001};
    private static final int STEPS = 4;
    private static final float LR = 0.03f, WD = 0.01f;

    /** The weights: a parameter viewing {@code data[OFF .. OFF + n)}. */
    private static Parameter param(int n) {
        Rng r = new Rng(n);
        float[] data = new float[OFF + n + 2];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
        return new Parameter(Tensor.wrap(data, OFF, n), Parameter.Kind.WEIGHT);
    }

    /** A gradient for step t that depends on the current weights, so a wrong bit compounds over the steps. */
    private static float[] grad(float[] w, int off, int n, int t) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = 0.5f * w[off + i] + (float) Math.sin(1.3 * i + 0.7 * t);
        return g;
    }

    private static ParamGroup group(Parameter p, DecayKind kind) {
        return new ParamGroup(List.of(p), LR, kind == DecayKind.NONE ? 0f : WD, kind);
    }

    /** The pre-kernel Sgd.update, one parameter, no chunks. */
    private static void sgdReference(float[] w, int off, float[] g, float[] b, boolean first, int n, float lr, float l2,
                                     float shrink, float mu, float dampening, boolean nesterov) {
        float keep = 1f - dampening;
        for (int i = 0; i < n; i++) {
            float wi = w[off + i];
            float d = g[i] + l2 * wi;
            if (mu == 0) {
                w[off + i] = wi * shrink - lr * d;
            } else if (first) {
                b[i] = d;
                w[off + i] = wi * shrink - lr * (nesterov ? d + mu * d : d);
            } else {
                float bi = mu * b[i] + keep * d;
                b[i] = bi;
                w[off + i] = wi * shrink - lr * (nesterov ? d + mu * bi : bi);
            }
        }
    }

    @Test
    void sgdIsBitIdenticalToThePlainLoop() {
        // (momentum, dampening, nesterov)
        float[][] configs = {{0f, 0f, 0f}, {0.9f, 0f, 0f}, {0.9f, 0.1f, 0f}, {0.9f, 0f, 1f}};
        for (int n : SIZES) {
            for (float[] c : configs) {
                for (DecayKind kind : DecayKind.values()) {
                    float mu = c[0], damp = c[1];
                    boolean nesterov = c[2] != 0;
                    Parameter p = param(n);
                    float[] w = p.value().data(), ref = w.clone(), b = new float[n];
                    Sgd opt = new Sgd(List.of(group(p, kind)), mu, damp, nesterov);
                    float l2 = kind == DecayKind.COUPLED_L2 ? WD : 0f;
                    float shrink = 1f - LR * (kind == DecayKind.DECOUPLED ? WD : 0f);
                    for (int t = 0; t < STEPS; t++) {
                        float[] g = grad(ref, OFF, n, t);
                        p.value().setGrad(g.clone());
                        opt.step();
                        sgdReference(ref, OFF, g, b, t == 0, n, LR, l2, shrink, mu, damp, nesterov);
                        assertArrayEquals(ref, w, "Sgd n=" + n + " momentum=" + mu + " dampening=" + damp
                                + " nesterov=" + nesterov + " " + kind + " step " + t);
                    }
                }
            }
        }
    }

    @Test
    void adamWIsBitIdenticalToThePlainLoop() {
        float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        for (int n : SIZES) {
            for (DecayKind kind : DecayKind.values()) {
                Parameter p = param(n);
                float[] w = p.value().data(), ref = w.clone(), m = new float[n], v = new float[n];
                AdamW opt = new AdamW(List.of(group(p, kind)), beta1, beta2, eps);
                float l2 = kind == DecayKind.COUPLED_L2 ? WD : 0f;
                float shrink = 1f - LR * (kind == DecayKind.DECOUPLED ? WD : 0f);
                for (int t = 0; t < STEPS; t++) {
                    float[] g = grad(ref, OFF, n, t);
                    p.value().setGrad(g.clone());
                    opt.step();
                    // The pre-kernel AdamW.update.
                    double bc1 = 1 - Math.pow(beta1, t + 1);
                    double bc2 = 1 - Math.pow(beta2, t + 1);
                    float stepSize = (float) (LR / bc1);
                    float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
                    float c1 = 1 - beta1, c2 = 1 - beta2;
                    for (int i = 0; i < n; i++) {
                        float wi = ref[OFF + i] * shrink;
                        float gi = g[i] + l2 * ref[OFF + i];
                        float mm = beta1 * m[i] + c1 * gi;
                        float vv = beta2 * v[i] + c2 * gi * gi;
                        m[i] = mm;
                        v[i] = vv;
                        ref[OFF + i] = wi - stepSize * mm / ((float) Math.sqrt(vv) * invSqrtBc2 + eps);
                    }
                    assertArrayEquals(ref, w, "AdamW n=" + n + " " + kind + " step " + t);
                }
            }
        }
    }

    @Test
    void guardCellsAroundTheParameterAreUntouched() {
        Parameter p = param(1021);
        float[] before = Arrays.copyOf(p.value().data(), p.value().data().length);
        Sgd opt = new Sgd(List.of(group(p, DecayKind.COUPLED_L2)), 0.9f, 0f, true);
        for (int t = 0; t < 2; t++) {
            p.value().setGrad(grad(p.value().data(), OFF, 1021, t));
            opt.step();
        }
        float[] after = p.value().data();
        assertArrayEquals(Arrays.copyOfRange(before, 0, OFF), Arrays.copyOfRange(after, 0, OFF));
        assertArrayEquals(Arrays.copyOfRange(before, OFF + 1021, before.length),
                Arrays.copyOfRange(after, OFF + 1021, after.length));
    }
}
