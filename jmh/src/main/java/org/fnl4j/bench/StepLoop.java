package org.fnl4j.bench;

/**
 * Runs {@link ModelStepBench#step} in a plain loop for profiling (JFR, perf) outside JMH and prints
 * the median step time of each block of steps.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.fnl4j.bench.StepLoop MODEL THREADS STEPS}, MODEL as in {@code ModelStepBench}.
 */
public final class StepLoop {
    private StepLoop() {}

    public static void main(String[] args) throws java.io.IOException {
        ModelStepBench b = new ModelStepBench();
        b.model = args.length > 0 ? args[0] : "mlp";
        b.threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        b.setUp();
        int block = Math.max(1, steps / 10);
        long[] t = new long[block];
        for (int s = 0, i = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            b.step();
            t[i++] = System.nanoTime() - t0;
            if (i == block) {
                java.util.Arrays.sort(t);
                System.out.printf(java.util.Locale.ROOT, "steps %d..%d: median %.3f ms%n", s + 1 - block, s, t[block / 2] / 1e6);
                i = 0;
            }
        }
    }
}
