package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.kernel.SoftmaxKernel;
import org.fnl4j.kernel.ReduceKernel;
import org.fnl4j.kernel.ElementwiseKernel;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.kernel.ScalarElementwise;
import org.fnl4j.kernel.ScalarReduce;
import org.fnl4j.kernel.ScalarSoftmax;
import org.fnl4j.kernel.Softmax;
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
 * Elementwise, reduction and softmax kernels, SIMD twin against scalar twin in the same JVM
 * (impl=simd needs --add-modules jdk.incubator.vector, which the benchmark jar's JVM gets from
 * the JMH fork arguments). n = 65536 is one 128 × 512 activation of the MLP benchmark; softmax
 * rows are 128 × 512 as well.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ElementwiseBench {
    @Param({"simd", "scalar"})
    public String impl;

    @Param({"65536"})
    public int n;

    private ElementwiseKernel ew;
    private ReduceKernel red;
    private SoftmaxKernel sm;
    private float[] x, y, dy, dx;

    @Setup
    public void setup() {
        if (impl.equals("simd")) {
            ew = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdElementwise", ElementwiseKernel.class);
            red = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdReduce", ReduceKernel.class);
            sm = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdSoftmax", SoftmaxKernel.class);
        } else {
            ew = new ScalarElementwise();
            red = new ScalarReduce();
            sm = new ScalarSoftmax();
        }
        Rng r = new Rng(1);
        x = new float[n];
        y = new float[n];
        dy = new float[n];
        dx = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
            dy[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    public float add() {
        ew.binary(Elementwise.Binary.ADD, x, 0, 1, dy, 0, 1, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float axpy() {
        ew.axpy(0.5f, x, 0, dx, 0, n);
        return dx[0];
    }

    @Benchmark
    public float relu() {
        ew.unary(Elementwise.Unary.RELU, x, 0, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float reluBackward() {
        ew.unaryBackward(Elementwise.Unary.RELU, x, 0, y, 0, dy, 0, dx, 0, n);
        return dx[0];
    }

    @Benchmark
    public float gelu() {
        ew.unary(Elementwise.Unary.GELU, x, 0, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float geluBackward() {
        ew.unaryBackward(Elementwise.Unary.GELU, x, 0, y, 0, dy, 0, dx, 0, n);
        return dx[0];
    }

    @Benchmark
    public float tanh() {
        ew.unary(Elementwise.Unary.TANH, x, 0, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float exp() {
        ew.unary(Elementwise.Unary.EXP, x, 0, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float sum() {
        return red.sum(x, 0, n);
    }

    @Benchmark
    public float softmaxRows() {
        sm.softmax(x, 0, y, 0, n / 512, 512);
        return y[0];
    }

    @Benchmark
    public float logSoftmaxBackwardRows() {
        sm.logSoftmaxBackward(x, 0, dy, 0, dx, 0, n / 512, 512);
        return dx[0];
    }
}
