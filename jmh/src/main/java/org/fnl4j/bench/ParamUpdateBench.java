package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.kernel.ParamUpdateKernel;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.kernel.ScalarParamUpdate;
import org.fnl4j.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Optimizer update kernels over one parameter of n = 401,408 floats (784 × 512, the MLP's first
 * layer), single thread: the SIMD twin against the scalar twin in the same JVM (impl=simd needs
 * --add-modules jdk.incubator.vector, which the benchmark jar's JVM gets from the JMH fork
 * arguments). The {@code oldLoop...} benchmarks are the loops Sgd and the weight-decay hook ran before
 * {@link ParamUpdate} (weights at a run-time offset, gradient at 0), kept as the baseline the
 * kernels replaced; they do not depend on {@code impl}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar ParamUpdateBench -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ParamUpdateBench {
    static final float LR = 1e-3f, MU = 0.9f, L2 = 5e-4f, SHRINK = 1f, EPS = 1e-8f;

    /** Weights, gradient and optimizer state; the weights' offset is a field, as a Tensor's is. */
    @State(Scope.Thread)
    public static class Data {
        @Param({"401408"})
        public int n;
        int off;
        /** 1 − dampening, a field so that the old loop cannot fold it away. */
        float keep = 1f;
        float[] w, g, buf, m, v;

        /** Gaussian weights and gradient, zero state. */
        @Setup
        public void setup() {
            Rng r = new Rng(1);
            w = new float[n];
            g = new float[n];
            buf = new float[n];
            m = new float[n];
            v = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = (float) r.nextGaussian() * 0.05f;
                g[i] = (float) r.nextGaussian() * 0.01f;
            }
        }
    }

    /** The implementation under test. */
    @State(Scope.Thread)
    public static class Impl {
        @Param({"simd", "scalar"})
        public String impl;
        ParamUpdateKernel k;

        /** Loads the SIMD twin reflectively, as the library does, or builds the scalar twin. */
        @Setup
        public void setup() {
            k = impl.equals("simd") ? Kernels.loadSimd("org.fnl4j.kernel.simd.SimdParamUpdate", ParamUpdateKernel.class)
                    : new ScalarParamUpdate();
        }
    }

    /** Plain SGD with coupled L2 (what Sgd runs at momentum 0). */
    @Benchmark
    public float sgd(Data d, Impl k) {
        k.k.sgd(d.w, d.off, d.g, 0, d.n, LR, L2, SHRINK);
        return d.w[0];
    }

    /** A later heavy-ball momentum step. */
    @Benchmark
    public float momentum(Data d, Impl k) {
        k.k.sgdMomentum(d.w, d.off, d.g, 0, d.buf, 0, d.n, LR, L2, SHRINK, MU, 0f, false);
        return d.w[0];
    }

    /** A later Nesterov momentum step. */
    @Benchmark
    public float nesterov(Data d, Impl k) {
        k.k.sgdMomentum(d.w, d.off, d.g, 0, d.buf, 0, d.n, LR, L2, SHRINK, MU, 0f, true);
        return d.w[0];
    }

    /** An AdamW step with decoupled decay. */
    @Benchmark
    public float adamW(Data d, Impl k) {
        k.k.adamW(d.w, d.off, d.g, 0, d.m, 0, d.v, 0, d.n, 1f - LR * 0.01f, 0f, 0.9f, 0.999f, LR, 1f, EPS);
        return d.w[0];
    }

    /** Coupled weight decay's g += λ·θ. */
    @Benchmark
    public float addDecay(Data d, Impl k) {
        k.k.addDecay(d.w, d.off, d.g, 0, d.n, L2);
        return d.g[0];
    }

    /** Sgd's heavy-ball loop before ParamUpdate. */
    @Benchmark
    public float oldLoopMomentum(Data s) {
        float[] w = s.w, g = s.g, b = s.buf;
        int off = s.off;
        float keep = s.keep;
        for (int i = 0; i < s.n; i++) {
            float wi = w[off + i];
            float d = g[i] + L2 * wi;
            float bi = MU * b[i] + keep * d;
            b[i] = bi;
            w[off + i] = wi * SHRINK - LR * bi;
        }
        return w[0];
    }

    /** The weight-decay hook's loop before ParamUpdate. */
    @Benchmark
    public float oldLoopDecay(Data s) {
        float[] d = s.w, g = s.g;
        int off = s.off;
        for (int i = 0; i < g.length; i++) {
            g[i] += L2 * d[off + i];
        }
        return g[0];
    }
}
