package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Parallel;
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
 * GELU forward/backward and row softmax through the kernel facades (the SIMD twin when the JVM has
 * the Vector API module), on 1 and 2 threads: the facades split runs of at least 32768 elements
 * into fixed chunks. n = 65536 is a 128 × 512 MLP activation; softmax rows have 512 columns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ActivationThreadsBench {
    @Param({"1", "2"})
    public int threads;

    @Param({"65536", "1048576"})
    public int n;

    private float[] x, y, dy, dx;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
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
    public float gelu() {
        Elementwise.gelu(x, 0, y, 0, n);
        return y[0];
    }

    @Benchmark
    public float geluBackward() {
        Elementwise.unaryBackward(Elementwise.Unary.GELU, x, 0, y, 0, dy, 0, dx, 0, n);
        return dx[0];
    }

    @Benchmark
    public float softmaxRows() {
        Softmax.softmax(x, 0, y, 0, n / 512, 512);
        return y[0];
    }
}
