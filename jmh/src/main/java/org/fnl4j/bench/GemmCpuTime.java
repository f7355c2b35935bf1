package org.fnl4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;

/**
 * Single-thread {@link Gemm#sgemm} GFLOP/s timed by the thread's CPU time, for a shared machine
 * where wall-clock JMH figures mostly measure the wait for a core (and a starved JIT). Pair it
 * with {@code sgemm_openblas.py --cpu-time} run in the same minutes.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.fnl4j.bench.GemmCpuTime [shape...]}, a shape being {@code m,n,k[,NN|NT|TN|TT]}; without
 * shapes it runs the square sizes of {@code GemmBench} and its conv-training shapes. Each shape is
 * warmed up for {@code -Dwarmup=4} seconds of wall-clock, then timed over {@code -Dreps=15} calls.
 */
public final class GemmCpuTime {
    private GemmCpuTime() {}

    public static void main(String[] args) {
        Parallel.setThreads(1);
        if (args.length == 0) {
            args = new String[] {"64,64,64", "128,128,128", "256,256,256", "512,512,512", "1024,1024,1024",
                "2048,2048,2048", "16,100352,144", "16,144,100352,NT", "144,100352,16,TN", "32,100352,288",
                "32,288,100352,NT", "288,100352,32,TN", "64,100352,576", "64,576,100352,NT", "576,100352,64,TN"};
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warmNanos = Long.getLong("warmup", 4) * 1_000_000_000L;
        int reps = Integer.getInteger("reps", 15);
        System.out.println("# " + Kernels.implementation() + ", " + System.getProperty("java.vm.version")
                + ", 1 thread, thread CPU time");
        System.out.printf("%-20s %15s %8s%n", "shape m,n,k", "GFLOP/s median", "best");
        for (String shape : args) {
            String[] s = shape.split(",");
            int m = Integer.parseInt(s[0]), n = Integer.parseInt(s[1]), k = Integer.parseInt(s[2]);
            boolean ta = s.length > 3 && s[3].charAt(0) == 'T', tb = s.length > 3 && s[3].charAt(1) == 'T';
            float[] a = GemmBench.random(m * k, 1), b = GemmBench.random(k * n, 2), c = new float[m * n];
            int lda = ta ? m : k, ldb = tb ? k : n;
            long end = System.nanoTime() + warmNanos;
            for (int w = 0; w < 3 || System.nanoTime() < end; w++) {
                Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            }
            double[] g = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
                g[r] = 2.0 * m * n * k / (mx.getCurrentThreadCpuTime() - t0);
            }
            Arrays.sort(g);
            System.out.printf("%-20s %15.1f %8.1f%n", shape, g[reps / 2], g[reps - 1]);
        }
    }
}
