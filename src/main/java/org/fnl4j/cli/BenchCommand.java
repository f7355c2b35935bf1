package org.fnl4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.io.Json;
import org.fnl4j.kernel.Conv;
import org.fnl4j.kernel.ConvShape;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.BatchSource;
import org.fnl4j.train.Objective;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.RunData;

/**
 * {@code fnl bench}: quick throughput figures of this machine: SGEMM and convolution GFLOP/s and
 * training images/s, with the kernel implementation in use. A rough check, not a benchmark
 * harness (the JMH benchmarks in {@code jmh/} are that): each kernel figure is the median of a
 * few timed repetitions after a warm-up of at least a second; the training figure is the median
 * step time over fresh batches of the shuffled, augmented training images (data loading
 * included, as in training).
 */
final class BenchCommand implements Command {
    /** The models whose training throughput can be measured: every image model. */
    static final List<String> IMAGE_MODELS = Arrays.stream(Architecture.values()).filter(a -> !a.takesTokens())
            .map(Architecture::id).toList();

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
                .opt("model", RecipeFlags.alternatives(IMAGE_MODELS), "resnet20", "model for the training throughput")
                .opt("data", "NAME[:PATH]", "fashion-mnist", "images for the training throughput, as for fnl train "
                        + "(fashion-mnist:full: the full set)")
                .opt("batch", "N", "128", "batch size for the training throughput")
                .opt("steps", "N", "10", "timed training steps (after 3 warm-up steps), each on the next batch of "
                        + "the shuffled, augmented training data")
                .opt("reps", "N", "5", "timed repetitions of each kernel measurement")
                .flag("kernels-only", "skip the training measurement");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        int reps = o.integer("reps", 1, 1000);
        Architecture model = Architecture.of(o.choice("model", IMAGE_MODELS.toArray(String[]::new)));
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
            // Fresh, shuffled and augmented batches of real images, as in training: one batch
            // repeated would be memorized, and the values it drives towards zero (subnormal
            // floats) slow the kernels down.
            Recipe recipe = RecipeFlags.build(Recipe.builder().model(model).data(RecipeFlags.data(o)).batch(batch)
                    .dense(), name());
            RunData data = RunData.load(recipe);
            Module net = Models.build(data.modelSpec(model, 1, recipe.context()), new Rng(1));
            Sgd opt = Sgd.of(net.parameters(), 0.01f, 0.9f, 0f, false);
            Objective obj = Objectives.crossEntropy(0f);
            BatchSource train = data.train();
            int perEpoch = train.batchesPerEpoch();
            long[] next = {0};
            net.train(true);
            Runnable step = () -> {
                long i = next[0]++;
                Batch bt = train.batch((int) (i / perEpoch), (int) (i % perEpoch));
                net.zeroGrad();
                Tensor loss = obj.loss(net.forward(bt.inputs()), bt);
                Autograd.backward(loss);
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
            int[] shape = data.exampleShape();
            res.put("train_model", model.id());
            res.put("train_batch", batch);
            res.put("train_data", data.name());
            res.put("train_images_per_second", round1(ips));
            err.printf(Locale.ROOT, "  training %s, batch %d, %dx%dx%d %s: %.0f images/s (median of %d steps, each on a "
                    + "fresh batch)%n", model.id(), batch, shape[0], shape[1], shape[2], data.name(), ips, steps);
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
