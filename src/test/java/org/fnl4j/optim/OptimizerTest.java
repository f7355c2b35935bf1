package org.fnl4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static final double[] P0 = {0.5, -1.2, 2.0, 0.3, -0.05};
    private static final int STEPS = 5;

    /** The gradient used at step t: depends on the current parameter so that errors compound. */
    private static double grad(double p, int i, int t) {
        return 0.5 * p + Math.sin(1.3 * i + 0.7 * t);
    }

    private static Parameter param() {
        float[] v = new float[P0.length];
        for (int i = 0; i < v.length; i++) v[i] = (float) P0[i];
        return new Parameter(Tensor.of(v, v.length), Parameter.Kind.WEIGHT);
    }

    private static float[] run(Function<List<Parameter>, Optimizer> make, int steps) {
        Parameter p = param();
        Optimizer opt = make.apply(List.of(p));
        for (int t = 0; t < steps; t++) {
            setGrad(p, t);
            opt.step();
        }
        return p.value().toArray();
    }

    private static void setGrad(Parameter p, int t) {
        float[] w = p.value().data();
        float[] g = TapeAccess.gradBuffer(p.value());
        for (int i = 0; i < g.length; i++) g[i] = (float) grad(w[i], i, t);
    }

    /** Hand-written torch.optim.SGD in double precision. */
    private static double[] sgdRef(double lr, double mu, double damp, boolean nesterov, double wd, boolean decoupled) {
        double[] p = P0.clone();
        double[] buf = new double[p.length];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = grad(p[i], i, t);
                if (decoupled) p[i] *= 1 - lr * wd; else g += wd * p[i];
                double d = g;
                if (mu != 0) {
                    buf[i] = t == 0 ? g : mu * buf[i] + (1 - damp) * g;
                    d = nesterov ? g + mu * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        }
        return p;
    }

    /** {@link #sgdRef} for one element i starting at p0, coupled decay, no dampening. */
    private static double[] sgdRefFrom(double p0, int i, double lr, double mu, boolean nesterov, double wd, int steps) {
        double p = p0, buf = 0;
        for (int t = 0; t < steps; t++) {
            double g = grad((float) p, i, t) + wd * p;
            buf = t == 0 ? g : mu * buf + g;
            p -= lr * (nesterov ? g + mu * buf : buf);
        }
        return new double[] {p};
    }

    /** Hand-written torch.optim.AdamW / Adam(weight_decay) in double precision. */
    private static double[] adamRef(double lr, double b1, double b2, double eps, double wd, boolean decoupled) {
        double[] p = P0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        for (int t = 0; t < STEPS; t++) {
            int step = t + 1;
            for (int i = 0; i < p.length; i++) {
                double g = grad(p[i], i, t);
                if (decoupled) p[i] *= 1 - lr * wd; else g += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
                p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
            }
        }
        return p;
    }

    private static void assertClose(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        assertClose(e, actual, tol, what);
    }

    private static List<ParamGroup> group(List<Parameter> ps, float lr, float wd, DecayKind kind) {
        return List.of(new ParamGroup(ps, lr, wd, kind));
    }

    @Test
    void plainSgdMatchesPyTorch() {
        float[] got = run(ps -> new Sgd(group(ps, 0.1f, 0f, DecayKind.NONE), 0f, false), STEPS);
        assertClose(sgdRef(0.1, 0, 0, false, 0, false), got, 1e-6, "sgd ref");
        // torch.optim.SGD(lr=0.1), src/test/python/optim_reference.py, PyTorch 1.13
        assertClose(new float[] {1.272162944e-01f, -1.017447472e+00f, 1.759669304e+00f, 4.345214665e-01f,
            -1.425197721e-01f}, got, 1e-6, "sgd torch");
    }

    @Test
    void sgdMomentumWithCoupledDecayMatchesPyTorch() {
        float[] got = run(ps -> new Sgd(group(ps, 0.1f, 1e-2f, DecayKind.COUPLED_L2), 0.9f, false), STEPS);
        assertClose(sgdRef(0.1, 0.9, 0, false, 1e-2, false), got, 1e-6, "momentum ref");
        assertClose(new float[] {-4.306704998e-01f, -1.053917050e+00f, 1.145467877e+00f, 8.650472164e-01f,
            4.557045549e-02f}, got, 1e-6, "momentum torch");
    }

    /** Large parameters are updated in parallel chunks: same bits at 1 and 2 threads, same as the small-tensor formula. */
    @Test
    void chunkedUpdatesAreBitIdenticalAcrossThreadCounts() {
        int n = 3 * Optimizer.UPDATE_CHUNK + 17;
        int saved = org.fnl4j.kernel.Parallel.threads();
        try {
            float[][] results = new float[4][];
            int r = 0;
            for (int threads : new int[] {1, 2}) {
                org.fnl4j.kernel.Parallel.setThreads(threads);
                for (boolean adam : new boolean[] {false, true}) {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) v[i] = (float) Math.sin(0.37 * i);
                    Parameter p = new Parameter(Tensor.of(v, n), Parameter.Kind.WEIGHT);
                    Optimizer opt = adam ? new AdamW(group(List.of(p), 1e-2f, 1e-2f, DecayKind.DECOUPLED))
                            : new Sgd(group(List.of(p), 0.1f, 1e-2f, DecayKind.COUPLED_L2), 0.9f, true);
                    for (int t = 0; t < 3; t++) {
                        float[] g = TapeAccess.gradBuffer(p.value());
                        for (int i = 0; i < n; i++) g[i] = (float) grad(p.value().data()[i], i, t);
                        opt.step();
                    }
                    results[r++] = p.value().toArray();
                }
            }
            assertArrayEquals(results[0], results[2], "sgd: 1 vs 2 threads");
            assertArrayEquals(results[1], results[3], "adamw: 1 vs 2 threads");
            // Element i of a large tensor follows the same recurrence as the 5-element reference.
            double[] ref = sgdRefFrom(Math.sin(0.37 * 70000), 70000, 0.1, 0.9, true, 1e-2, 3);
            assertEquals(ref[0], results[0][70000], 1e-6);
        } finally {
            org.fnl4j.kernel.Parallel.setThreads(saved);
        }
    }

    @Test
    void sgdNesterovMatchesPyTorch() {
        float[] got = run(ps -> new Sgd(group(ps, 0.05f, 5e-4f, DecayKind.COUPLED_L2), 0.9f, true), STEPS);
        assertClose(sgdRef(0.05, 0.9, 0, true, 5e-4, false), got, 1e-6, "nesterov ref");
        assertClose(new float[] {-1.079022214e-01f, -1.051459312e+00f, 1.493334293e+00f, 6.290413737e-01f,
            -4.735260084e-02f}, got, 1e-6, "nesterov torch");
        // A wrong Nesterov formula (d = buf) must be distinguishable at this tolerance.
        double[] plain = sgdRef(0.05, 0.9, 0, false, 5e-4, false);
        assertNotEquals(plain[0], got[0], 1e-3);
    }

    @Test
    void sgdDampeningFirstStepCopiesGradientLikePyTorch() {
        float[] got = run(ps -> new Sgd(group(ps, 0.1f, 0f, DecayKind.NONE), 0.8f, 0.3f, false), STEPS);
        assertClose(sgdRef(0.1, 0.8, 0.3, false, 0, false), got, 1e-6, "dampening ref");
        assertClose(new float[] {-1.178154275e-01f, -1.129216671e+00f, 1.352335930e+00f, 6.999020576e-01f,
            6.929849833e-02f}, got, 1e-6, "dampening torch");
    }

    @Test
    void sgdDecoupledDecayShrinksBeforeTheStep() {
        float[] got = run(ps -> new Sgd(group(ps, 0.1f, 0.05f, DecayKind.DECOUPLED), 0.9f, false), STEPS);
        assertClose(sgdRef(0.1, 0.9, 0, false, 0.05, true), got, 1e-6, "sgdw ref");
    }

    @Test
    void adamWMatchesPyTorch() {
        float[] got = run(ps -> new AdamW(group(ps, 0.01f, 0.1f, DecayKind.DECOUPLED), 0.9f, 0.999f, 1e-8f), STEPS);
        assertClose(adamRef(0.01, 0.9, 0.999, 1e-8, 0.1, true), got, 1e-6, "adamw ref");
        assertClose(new float[] {4.504753351e-01f, -1.209815145e+00f, 1.949813008e+00f, 3.410659432e-01f,
            -2.993785404e-02f}, got, 1e-6, "adamw torch");
    }

    @Test
    void adamWithCoupledDecayMatchesTorchAdam() {
        float[] got = run(ps -> new AdamW(group(ps, 0.01f, 0.05f, DecayKind.COUPLED_L2), 0.8f, 0.99f, 1e-6f), STEPS);
        assertClose(adamRef(0.01, 0.8, 0.99, 1e-6, 0.05, false), got, 1e-6, "adam-l2 ref");
        assertClose(new float[] {4.515877068e-01f, -1.209019542e+00f, 1.960248709e+00f, 3.408467174e-01f,
            -3.377053514e-02f}, got, 1e-6, "adam-l2 torch");
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Parameter a = param();
        Parameter b = param();
        AdamW opt = new AdamW(List.of(new ParamGroup(List.of(a, b), 0.01f)));
        setGrad(a, 0);
        opt.step();
        assertArrayEquals(param().value().toArray(), b.value().toArray());
        OptimizerState s = opt.exportState();
        assertNull(s.slots().get("exp_avg")[1]);
        assertArrayEquals(new long[] {1, 0}, s.paramSteps());
    }

    @Test
    void zeroGradAndGroupLearningRates() {
        Parameter a = param();
        Parameter b = param();
        Sgd opt = new Sgd(List.of(new ParamGroup(List.of(a), 0.1f), new ParamGroup(List.of(b), 0.0f)), 0f, false);
        setGrad(a, 0);
        setGrad(b, 0);
        opt.step();
        assertArrayEquals(param().value().toArray(), b.value().toArray(), "lr 0 group must not move");
        assertNotEquals(P0[0], a.value().get(0), 1e-3);
        opt.zeroGrad();
        for (float g : a.value().grad()) assertEquals(0f, g);
        opt.setLr(0.5f);
        assertEquals(0.5f, opt.groups().get(1).lr());
        assertEquals(0.1f, opt.groups().get(0).initialLr());
    }

    @Test
    void exportImportResumesBitExactly() {
        for (boolean adam : new boolean[] {false, true}) {
            Function<List<Parameter>, Optimizer> make = adam
                    ? ps -> new AdamW(group(ps, 0.01f, 0.1f, DecayKind.DECOUPLED))
                    : ps -> new Sgd(group(ps, 0.1f, 1e-2f, DecayKind.COUPLED_L2), 0.9f, true);
            float[] straight = run(make, 6);

            Parameter p = param();
            Optimizer first = make.apply(List.of(p));
            for (int t = 0; t < 3; t++) {
                setGrad(p, t);
                first.step();
            }
            OptimizerState saved = first.exportState();
            float[] weights = p.value().toArray();

            Parameter q = param();
            q.copyFrom(weights);
            Optimizer resumed = make.apply(List.of(q));
            resumed.importState(saved);
            assertEquals(3, resumed.steps());
            assertEquals(saved, resumed.exportState());
            for (int t = 3; t < 6; t++) {
                setGrad(q, t);
                resumed.step();
            }
            assertArrayEquals(straight, q.value().toArray(), adam ? "adamw" : "sgd");
        }
    }

    @Test
    void exportedStateIsACopy() {
        Parameter p = param();
        Sgd opt = new Sgd(group(List.of(p), 0.1f, 0f, DecayKind.NONE), 0.9f, false);
        setGrad(p, 0);
        opt.step();
        OptimizerState s = opt.exportState();
        float before = s.slots().get("momentum")[0][0];
        setGrad(p, 1);
        opt.step();
        assertEquals(before, s.slots().get("momentum")[0][0]);
    }

    @Test
    void importRejectsMismatchedState() {
        Parameter p = param();
        Sgd sgd = new Sgd(group(List.of(p), 0.1f, 0f, DecayKind.NONE), 0.9f, false);
        AdamW adam = new AdamW(group(List.of(param()), 0.1f, 0f, DecayKind.NONE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.importState(adam.exportState()));
        assertEquals("Sgd.importState: state is for optimizer 'adamw', this is 'sgd'", e.getMessage());

        Parameter big = new Parameter(Tensor.zeros(7), Parameter.Kind.WEIGHT);
        Sgd other = new Sgd(group(List.of(big), 0.1f, 0f, DecayKind.NONE), 0.9f, false);
        TapeAccess.gradBuffer(big.value())[0] = 1f;
        other.step();
        e = assertThrows(IllegalArgumentException.class, () -> sgd.importState(other.exportState()));
        assertEquals("Sgd.importState: slot 'momentum' of parameter 0 has 7 values, the parameter [5] has 5",
                e.getMessage());
    }

    @Test
    void constructorsRejectBadArguments() {
        Parameter p = param();
        assertThrows(IllegalArgumentException.class, () -> new ParamGroup(List.of(), 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new ParamGroup(List.of(p), Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(group(List.of(p), 0.1f, 0f, DecayKind.NONE), 0f, true));
        assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(new ParamGroup(List.of(p), 0.1f), new ParamGroup(List.of(p), 0.1f)), 0.9f, false));
        assertThrows(IllegalArgumentException.class,
                () -> new AdamW(group(List.of(p), 0.1f, 0f, DecayKind.NONE), 1f, 0.999f, 1e-8f));
    }

    @Test
    void byKindSeparatesNoDecayKinds() {
        Parameter w = param();
        Parameter b = new Parameter(Tensor.zeros(3), Parameter.Kind.BIAS);
        Parameter f = new Parameter(Tensor.zeros(3), Parameter.Kind.FACTOR);
        List<ParamGroup> gs = ParamGroup.byKind(List.of(w, b, f), 0.1f, 1e-4f, DecayKind.COUPLED_L2,
                Set.of(Parameter.Kind.BIAS, Parameter.Kind.FACTOR));
        assertEquals(2, gs.size());
        assertEquals(List.of(w), gs.get(0).params());
        assertEquals(DecayKind.COUPLED_L2, gs.get(0).decayKind());
        assertEquals(List.of(b, f), gs.get(1).params());
        assertEquals(DecayKind.NONE, gs.get(1).decayKind());
    }
}
