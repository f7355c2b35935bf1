package org.fnl4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The share of the MLP training step spent outside kernels, measured in CPU time rather than wall
 * time so that it survives a shared, overloaded machine: at one thread, rounds of
 * {@link TrainStepBench#mlpOps} and {@link TrainStepBench#mlpRawKernels} steps alternate, and each
 * round records the process CPU time (which includes the GC threads, so the cost of allocating
 * activations counts) and the stepping thread's CPU time per step. Prints the medians over rounds
 * and {@code 1 - raw/ops}. Then times {@link TrainStepBench#convBlockOps} (C = 16, 32) the same way,
 * giving load-independent single-thread images per CPU-second next to JMH's wall-clock figures.
 *
 * <p>The process CPU clock ticks in 10 ms steps on this Linux VM, so a round must run for much
 * longer than that: the default of 200 steps per round (about 0.7 s of ops steps) keeps the tick
 * below 2% of a round; with 30 steps the per-step figures came out quantized to 1/3 ms.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx2g -XX:+UseParallelGC -cp jmh/target/benchmarks.jar
 * org.fnl4j.bench.TapeOverhead [rounds] [stepsPerRound]} (defaults 20 and 200).
 */
public final class TapeOverhead {
    private TapeOverhead() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        TrainStepBench bench = new TrainStepBench();
        TrainStepBench.Mlp m = new TrainStepBench.Mlp();
        m.threads = 1;
        m.setup();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            bench.mlpOps(m);
            bench.mlpRawKernels(m);
        }
        double[] opsProc = new double[rounds], rawProc = new double[rounds];
        double[] opsThr = new double[rounds], rawThr = new double[rounds];
        float sink = 0;
        for (int r = 0; r < rounds; r++) {
            long p0 = os.getProcessCpuTime(), t0 = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                sink += bench.mlpOps(m);
            }
            long p1 = os.getProcessCpuTime(), t1 = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                sink += bench.mlpRawKernels(m);
            }
            long p2 = os.getProcessCpuTime(), t2 = tmx.getCurrentThreadCpuTime();
            opsProc[r] = (p1 - p0) / 1e6 / steps;
            rawProc[r] = (p2 - p1) / 1e6 / steps;
            opsThr[r] = (t1 - t0) / 1e6 / steps;
            rawThr[r] = (t2 - t1) / 1e6 / steps;
        }
        report("process CPU", opsProc, rawProc);
        report("thread CPU ", opsThr, rawThr);
        System.out.printf("MLP ops step: %.0f images per thread-CPU-second%n", TrainStepBench.BATCH * 1000 / median(opsThr));
        for (int c : new int[] {16, 32}) {
            TrainStepBench.Block b = new TrainStepBench.Block();
            b.channels = c;
            b.threads = 1;
            b.setup();
            for (int i = 0; i < 5; i++) {
                sink += bench.convBlockOps(b);
            }
            double[] thr = new double[Math.max(5, rounds / 4)];
            for (int r = 0; r < thr.length; r++) {
                long t0 = tmx.getCurrentThreadCpuTime();
                sink += bench.convBlockOps(b);
                thr[r] = (tmx.getCurrentThreadCpuTime() - t0) / 1e6;
            }
            System.out.printf("conv block C=%d step: median %.1f thread-CPU ms, %.0f images per thread-CPU-second%n",
                    c, median(thr), TrainStepBench.BATCH * 1000 / median(thr));
        }
        System.out.println("(loss sink " + sink + ")");
    }

    private static void report(String what, double[] ops, double[] raw) {
        double mo = median(ops), mr = median(raw);
        double[] share = new double[ops.length];
        for (int i = 0; i < ops.length; i++) {
            share[i] = 1 - raw[i] / ops[i];
        }
        System.out.printf("%s ms/step: ops median %.3f, raw kernels median %.3f; outside-kernel share "
                        + "1 - raw/ops = %.1f%% (median of per-round shares %.1f%%)%n",
                what, mo, mr, 100 * (1 - mr / mo), 100 * median(share));
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
