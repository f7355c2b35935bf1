package org.fnl4j.kernel;

import static org.fnl4j.kernel.ParityTesting.GUARD;
import static org.fnl4j.kernel.ParityTesting.SIZES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD parameter updates against their scalar twin: exact equality (the contract promises the
 * same float operations in the same order), at every size, with a different non-zero offset per
 * array, for every branch. Guard cells around each run are compared too, so a kernel writing
 * outside its run fails.
 */
class ParamUpdateParityTest {
    private static final ParamUpdateKernel SCALAR = new ScalarParamUpdate();
    private static ParamUpdateKernel simd;

    /** Offsets of weights, gradient, buffer / first moment, second moment: all different, all non-zero. */
    private static final int W_OFF = 5, G_OFF = 3, B_OFF = 1, V_OFF = 4;

    /** (l2, shrink) pairs: no decay, coupled only, decoupled only, both. */
    private static final float[][] DECAYS = {{0f, 1f}, {0.01f, 1f}, {0f, 0.999f}, {5e-4f, 0.9995f}};

    @BeforeAll
    static void load() {
        if (Kernels.simdActive()) {
            simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdParamUpdate", ParamUpdateKernel.class);
        }
    }

    /**
     * off + n + GUARD values in [lo, hi), with a few exact zeros, negative zeros and tiny values in
     * the run so that signed-zero and subnormal arithmetic are exercised as well.
     */
    private static float[] arr(long seed, int off, int n, float lo, float hi) {
        Rng r = new Rng(seed);
        float[] a = new float[off + n + GUARD];
        for (int i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * r.nextFloat();
        if (lo < 0 && n >= 7) {
            a[off] = 0f;
            a[off + 2] = -0f;
            a[off + 5] = 1e-40f;
        }
        return a;
    }

    @Test
    void sgdMatchesExactly() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            for (float[] dec : DECAYS) {
                float[] g = arr(2, G_OFF, n, -1f, 1f), w0 = arr(1, W_OFF, n, -2f, 2f);
                float[] we = w0.clone(), ws = w0.clone();
                SCALAR.sgd(we, W_OFF, g, G_OFF, n, 0.05f, dec[0], dec[1]);
                simd.sgd(ws, W_OFF, g, G_OFF, n, 0.05f, dec[0], dec[1]);
                assertArrayEquals(we, ws, "sgd n=" + n + " l2=" + dec[0] + " shrink=" + dec[1]);
            }
        }
    }

    @Test
    void momentumFirstStepMatchesExactly() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            for (float[] dec : DECAYS) {
                for (boolean nesterov : new boolean[] {false, true}) {
                    float[] g = arr(2, G_OFF, n, -1f, 1f), w0 = arr(1, W_OFF, n, -2f, 2f);
                    // The first step must not read the buffer: start the twins from different garbage.
                    float[] be = arr(3, B_OFF, n, -1f, 1f), bs = arr(4, B_OFF, n, -1f, 1f);
                    System.arraycopy(be, 0, bs, 0, B_OFF);
                    System.arraycopy(be, B_OFF + n, bs, B_OFF + n, GUARD);
                    float[] we = w0.clone(), ws = w0.clone();
                    SCALAR.sgdMomentumFirst(we, W_OFF, g, G_OFF, be, B_OFF, n, 0.05f, dec[0], dec[1], 0.9f, nesterov);
                    simd.sgdMomentumFirst(ws, W_OFF, g, G_OFF, bs, B_OFF, n, 0.05f, dec[0], dec[1], 0.9f, nesterov);
                    String what = "first step n=" + n + " nesterov=" + nesterov + " l2=" + dec[0] + " shrink=" + dec[1];
                    assertArrayEquals(we, ws, what + " (weights)");
                    assertArrayEquals(be, bs, what + " (buffer)");
                }
            }
        }
    }

    @Test
    void momentumLaterStepsMatchExactly() {
        assumeTrue(Kernels.simdActive());
        // (nesterov, dampening): Nesterov needs dampening 0 in Sgd, heavy ball is checked with and without.
        Object[][] cases = {{true, 0f}, {false, 0f}, {false, 0.1f}};
        for (int n : SIZES) {
            for (float[] dec : DECAYS) {
                for (Object[] c : cases) {
                    boolean nesterov = (Boolean) c[0];
                    float damp = (Float) c[1];
                    float[] g = arr(2, G_OFF, n, -1f, 1f), w0 = arr(1, W_OFF, n, -2f, 2f), b0 = arr(3, B_OFF, n, -1f, 1f);
                    float[] we = w0.clone(), ws = w0.clone(), be = b0.clone(), bs = b0.clone();
                    SCALAR.sgdMomentum(we, W_OFF, g, G_OFF, be, B_OFF, n, 0.05f, dec[0], dec[1], 0.9f, damp, nesterov);
                    simd.sgdMomentum(ws, W_OFF, g, G_OFF, bs, B_OFF, n, 0.05f, dec[0], dec[1], 0.9f, damp, nesterov);
                    String what = "momentum n=" + n + " nesterov=" + nesterov + " dampening=" + damp + " l2=" + dec[0]
                            + " shrink=" + dec[1];
                    assertArrayEquals(we, ws, what + " (weights)");
                    assertArrayEquals(be, bs, what + " (buffer)");
                }
            }
        }
    }

    @Test
    void adamWMatchesExactly() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            for (float[] dec : DECAYS) {
                for (int step : new int[] {1, 7}) {
                    float stepSize = (float) (1e-3 / (1 - Math.pow(0.9f, step)));
                    float invSqrtBc2 = (float) (1 / Math.sqrt(1 - Math.pow(0.999f, step)));
                    float[] g = arr(2, G_OFF, n, -1f, 1f), w0 = arr(1, W_OFF, n, -2f, 2f);
                    float[] m0 = arr(3, B_OFF, n, -0.1f, 0.1f), v0 = arr(5, V_OFF, n, 0f, 0.01f);
                    if (n >= 7) {
                        v0[V_OFF + 1] = 0f; // √0 and a zero gradient moment: the ε-only denominator.
                    }
                    float[] we = w0.clone(), ws = w0.clone(), me = m0.clone(), ms = m0.clone();
                    float[] ve = v0.clone(), vs = v0.clone();
                    SCALAR.adamW(we, W_OFF, g, G_OFF, me, B_OFF, ve, V_OFF, n, dec[1], dec[0], 0.9f, 0.999f, stepSize,
                            invSqrtBc2, 1e-8f);
                    simd.adamW(ws, W_OFF, g, G_OFF, ms, B_OFF, vs, V_OFF, n, dec[1], dec[0], 0.9f, 0.999f, stepSize,
                            invSqrtBc2, 1e-8f);
                    String what = "adamW n=" + n + " step=" + step + " l2=" + dec[0] + " shrink=" + dec[1];
                    assertArrayEquals(we, ws, what + " (weights)");
                    assertArrayEquals(me, ms, what + " (m)");
                    assertArrayEquals(ve, vs, what + " (v)");
                }
            }
        }
    }

    @Test
    void addDecayMatchesExactly() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            float[] w = arr(1, W_OFF, n, -2f, 2f), g0 = arr(2, G_OFF, n, -1f, 1f);
            float[] ge = g0.clone(), gs = g0.clone();
            SCALAR.addDecay(w, W_OFF, ge, G_OFF, n, 5e-4f);
            simd.addDecay(w, W_OFF, gs, G_OFF, n, 5e-4f);
            assertArrayEquals(ge, gs, "addDecay n=" + n);
        }
    }

    @Test
    void simdBitsDoNotDependOnJitState() {
        assumeTrue(Kernels.simdActive());
        // Early calls run interpreted or in C1, later ones in C2; every call must equal the scalar twin.
        int n = 37;
        float[] g = arr(2, G_OFF, n, -1f, 1f), w0 = arr(1, W_OFF, n, -2f, 2f), b0 = arr(3, B_OFF, n, -1f, 1f);
        float[] v0 = arr(5, V_OFF, n, 0f, 0.01f);
        for (int it = 0; it < 3000; it++) {
            float[] we = w0.clone(), ws = w0.clone(), be = b0.clone(), bs = b0.clone();
            SCALAR.sgdMomentum(we, W_OFF, g, G_OFF, be, B_OFF, n, 0.05f, 1e-3f, 0.999f, 0.9f, 0f, it % 2 == 0);
            simd.sgdMomentum(ws, W_OFF, g, G_OFF, bs, B_OFF, n, 0.05f, 1e-3f, 0.999f, 0.9f, 0f, it % 2 == 0);
            assertArrayEquals(we, ws, "momentum at call " + it);
            float[] me = b0.clone(), ms = b0.clone(), ve = v0.clone(), vs = v0.clone();
            SCALAR.adamW(we, W_OFF, g, G_OFF, me, B_OFF, ve, V_OFF, n, 0.999f, 0f, 0.9f, 0.999f, 0.01f, 1.5f, 1e-8f);
            simd.adamW(ws, W_OFF, g, G_OFF, ms, B_OFF, vs, V_OFF, n, 0.999f, 0f, 0.9f, 0.999f, 0.01f, 1.5f, 1e-8f);
            assertArrayEquals(we, ws, "adamW at call " + it);
        }
    }
}
