package org.fnl4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.kernel.Conv;
import org.fnl4j.kernel.ConvShape;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.Batch;
import org.fnl4j.train.Objective;
import org.fnl4j.train.Objectives;

/**
 * {@code fnl bench}: quick throughput figures of this machine: SGEMM and convolution GFLOP/s and
 * training images/s, with the kernel implementation in use. A rough check, not a benchmark
 * harness (the JMH benchmarks in {@code jmh/} are that): each figure is the median of a few
 * timed repetitions after a warm-up of at least a second.
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure GEMM/conv GFLOP/s and training images/s on this machine (SIMD implementation shown)";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("threads", "N", String.valueOf(Parallel.threads()), "threads for the kernels")
                .opt("model", "mlp|resnet20|resnet32|resnet56|vgg", "resnet20", "model for the training throughput")
                .opt("batch", "N", "128", "batch size for the training throughput")
                .opt("steps", "N", "10", "timed training steps (after 3 warm-up steps)")
                .opt("reps", "N", "5", "timed repetitions of each kernel measurement")
                .flag("kernels-only", "skip the training measurement");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        int reps = o.integer("reps", 1, 1000);
        String model = o.choice("model", "mlp", "resnet20", "resnet32", "resnet56", "vgg");
        int batch = o.integer("batch", 1, 4096);
        int steps = o.integer("steps", 1, 100_000);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("kernels", Kernels.implementation());
        res.put("threads", Parallel.threads());
        res.put("java", Runtime.version().toString());
        err.println("fnl bench: " + Kernels.implementation() + ", " + Parallel.threads() + " thread(s), Java "
                + Runtime.version());

        Map<String, Object> gemm = new LinkedHashMap<>();
        for (int n : new int[] {256, 512, 1024}) {
            float[] a = random(n * n, 1);
            float[] b = random(n * n, 2);
            float[] c = new float[n * n];
            double flops = 2.0 * n * n * n;
            double s = median(reps, () -> Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
            double gf = flops / s / 1e9;
            gemm.put("n" + n, round1(gf));
            err.printf(Locale.ROOT, "  sgemm %4d x %4d x %4d: %7.1f GFLOP/s%n", n, n, n, gf);
        }
        res.put("sgemm_gflops", gemm);

        Map<String, Object> conv = new LinkedHashMap<>();
        int[][] shapes = {{128, 16, 28, 28, 16}, {128, 32, 14, 14, 32}, {128, 64, 7, 7, 64}};
        for (int[] sh : shapes) {
            ConvShape s = ConvShape.of(sh[0], sh[1], sh[2], sh[3], sh[4], 3, 1, 1);
            float[] x = random((int) s.inputSize(), 3);
            float[] w = random((int) s.weightSize(), 4);
            float[] y = new float[(int) s.outputSize()];
            double secs = median(reps, () -> Conv.forward(s, x, 0, w, 0, null, 0, y, 0));
            double gf = 2.0 * s.macs() / secs / 1e9;
            String key = String.format(Locale.ROOT, "%dx%dx%dx%d->%d", sh[0], sh[1], sh[2], sh[3], sh[4]);
            conv.put(key, round1(gf));
            err.printf(Locale.ROOT, "  conv3x3 forward %-20s %7.1f GFLOP/s%n", key, gf);
        }
        res.put("conv_forward_gflops", conv);

        if (!o.bool("kernels-only")) {
            ModelSpec spec = new ModelSpec(model, Map.of("inChannels", 1, "height", 28, "width", 28, "numClasses", 10));
            Module net = Models.build(spec, new Rng(1));
            Sgd opt = Sgd.of(net.parameters(), 0.01f, 0.9f, 0f, false);
            Objective obj = Objectives.crossEntropy(0f);
            Tensor x = Tensor.randn(new Rng(5), 1f, batch, 1, 28, 28);
            int[] y = new int[batch];
            for (int i = 0; i < batch; i++) y[i] = i % 10;
            Batch bt = new Batch(x, y, batch);
            net.train(true);
            Runnable step = () -> {
                net.zeroGrad();
                Tensor loss = obj.loss(net.forward(x), bt);
                org.fnl4j.autograd.Autograd.backward(loss);
                opt.step();
            };
            for (int i = 0; i < 3; i++) step.run();
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step.run();
                times.add((System.nanoTime() - t0) / 1e9);
            }
            double med = median(times);
            double ips = batch / med;
            res.put("train_model", model);
            res.put("train_batch", batch);
            res.put("train_images_per_second", round1(ips));
            err.printf(Locale.ROOT, "  training %s, batch %d, 1x28x28: %.0f images/s (median of %d steps)%n", model, batch,
                    ips, steps);
        }
        out.println(Json.write(res));
        return 0;
    }

    private static float[] random(int n, long seed) {
        Rng r = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f;
        return a;
    }

    private static double median(int reps, Runnable r) {
        // Warm up for at least a second so the JIT has compiled the kernels before timing.
        long w0 = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - w0 < 1_000_000_000L; i++) {
            r.run();
        }
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t.add((System.nanoTime() - t0) / 1e9);
        }
        return median(t);
    }

    private static double median(List<Double> t) {
        double[] a = t.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
