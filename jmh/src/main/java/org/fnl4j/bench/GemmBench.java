package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.tensor.Rng;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Gemm#sgemm} throughput. The secondary metric {@code gflop} (per second) is the figure to
 * read; the primary ops/s counts calls.
 *
 * <ul>
 *   <li>{@code square}: C(n×n) = A·B, n = 64..2048, on 1 and 2 threads.</li>
 *   <li>{@code ejml}: EJML {@code CommonOps_FDRM.mult} on the same square shapes (n ≤ 512 only: at
 *       ~6 GFLOP/s larger sizes would dominate the run), the pure-Java baseline.</li>
 *   <li>{@code conv}: the GEMMs of training a 3×3 conv layer C→C on batch 128 at 28×28 via im2col:
 *       forward Y(M×N) = W(M×9C)·col(9C×N), weight gradient dW(M×9C) = dY(M×N)·colᵀ, input gradient
 *       dcol(9C×N) = Wᵀ·dY, with M = C ∈ {16, 32, 64} and N = 128·28·28.</li>
 * </ul>
 * Run: {@code java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar GemmBench -f 1 -wi 3 -i 5 -w 1 -r 1};
 * the numpy/OpenBLAS peer for the same shapes is {@code jmh/scripts/sgemm_openblas.py}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC"})
public class GemmBench {

    /** Floating-point operations done, reported per second as the metric {@code gflop}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    static float[] random(int size, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextFloat() - 0.5f;
        }
        return x;
    }

    @State(Scope.Benchmark)
    public static class Square {
        @Param({"64", "128", "256", "512", "1024", "2048"})
        public int n;
        @Param({"1", "2"})
        public int threads;
        float[] a, b, c;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            System.out.println("\n# kernels: " + Kernels.implementation() + ", threads " + Parallel.threads());
            a = random(n * n, 1);
            b = random(n * n, 2);
            c = new float[n * n];
        }
    }

    @Benchmark
    public float[] square(Square s, Flops f) {
        int n = s.n;
        Gemm.sgemm(false, false, n, n, n, 1f, s.a, 0, n, s.b, 0, n, 0f, s.c, 0, n);
        f.gflop += 2e-9 * n * n * n;
        return s.c;
    }

    @State(Scope.Benchmark)
    public static class Ejml {
        @Param({"64", "128", "256", "512"})
        public int n;
        FMatrixRMaj a, b, c;

        @Setup(Level.Trial)
        public void setup() {
            a = FMatrixRMaj.wrap(n, n, random(n * n, 1));
            b = FMatrixRMaj.wrap(n, n, random(n * n, 2));
            c = new FMatrixRMaj(n, n);
        }
    }

    @Benchmark
    public FMatrixRMaj ejml(Ejml s, Flops f) {
        CommonOps_FDRM.mult(s.a, s.b, s.c);
        f.gflop += 2e-9 * s.n * s.n * s.n;
        return s.c;
    }

    /** One product C = op(A)·op(B) of a given shape, with its operands; the states below fill it in. */
    public abstract static class Operands {
        boolean ta, tb;
        int m, n, k;
        float[] a, b, c;

        /** Allocates random A and B and a zero C for the shape already set. */
        void allocate() {
            a = random(m * k, 1);
            b = random(k * n, 2);
            c = new float[m * n];
        }

        float[] multiply(Flops f) {
            Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
            f.gflop += 2e-9 * m * n * k;
            return c;
        }
    }

    @State(Scope.Benchmark)
    public static class ConvShape extends Operands {
        /** kind_M: fwd (NN, M×N×9M), wgrad (NT, M×9M×N), igrad (TN, 9M×N×M). */
        @Param({"fwd_16", "wgrad_16", "igrad_16", "fwd_32", "wgrad_32", "igrad_32", "fwd_64", "wgrad_64", "igrad_64"})
        public String shape;
        @Param({"1", "2"})
        public int threads;
        @Param({"100352"})
        public int pixels;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            String kind = shape.substring(0, shape.indexOf('_'));
            int ch = Integer.parseInt(shape.substring(shape.indexOf('_') + 1));
            int kk = 9 * ch;
            switch (kind) {
                case "fwd": m = ch; n = pixels; k = kk; break;
                case "wgrad": m = ch; n = kk; k = pixels; tb = true; break;
                case "igrad": m = kk; n = pixels; k = ch; ta = true; break;
                default: throw new IllegalArgumentException("GemmBench: unknown conv shape " + shape);
            }
            allocate();
        }
    }

    @Benchmark
    public float[] conv(ConvShape s, Flops f) {
        return s.multiply(f);
    }

    @State(Scope.Benchmark)
    public static class Product extends Operands {
        /** TRANS_MxNxK, TRANS = op(A) op(B) (N or T): the MLP 784-512-512-10 step at batch 128. */
        @Param({"NT_128x512x784", "NT_128x512x512", "TN_512x784x128", "TN_512x512x128", "NN_128x512x512"})
        public String shape;
        @Param({"1", "2"})
        public int threads;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            ta = shape.charAt(0) == 'T';
            tb = shape.charAt(1) == 'T';
            String[] d = shape.substring(3).split("x");
            m = Integer.parseInt(d[0]);
            n = Integer.parseInt(d[1]);
            k = Integer.parseInt(d[2]);
            allocate();
        }
    }

    @Benchmark
    public float[] product(Product s, Flops f) {
        return s.multiply(f);
    }
}
