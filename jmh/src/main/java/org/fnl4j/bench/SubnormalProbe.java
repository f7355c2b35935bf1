package org.fnl4j.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.data.Normalization;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.ops.Losses;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Does a training step slow down when its values turn subnormal? The trap the old PyTorch peer fell
 * into: training on one repeated batch lets the model memorize it, after which activations and
 * gradients shrink towards zero and, on CPUs that handle subnormal floats in microcode, every
 * operation on them slows down (Java cannot set the flush-to-zero mode).
 *
 * <p>Trains dense ResNet-20 (1×28×28, batch 128, SGD lr 0.1, momentum 0.9, no weight decay, so
 * nothing stops the gradients from decaying) on one fixed random batch and prints, for every window
 * of steps, the process CPU time per step and the share of subnormal values among the parameter
 * gradients and the logits' gradient. A flat CPU time while the subnormal share grows means the
 * kernels do not slow down on them.
 *
 * <p>With a fourth argument, a model file written by {@code fnl train} (e.g. the {@code model.fnl}
 * of a finished 15-epoch run), it instead continues training that model on fresh shuffled batches
 * of the real Fashion-MNIST training set at the end of such a run's schedule (SGD lr 0.001,
 * momentum 0.9, no decay), and a fifth argument {@code fresh} does the same from the model's
 * architecture freshly initialized (seed 7): the late step against an early one, on real data.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp
 * jmh/target/benchmarks.jar org.fnl4j.bench.SubnormalProbe [steps=600] [threads=2] [window=50]
 * [model.fnl [fresh]]}.
 */
public final class SubnormalProbe {
    private SubnormalProbe() {}

    public static void main(String[] args) throws java.io.IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Parallel.setThreads(threads);
        Rng rng = new Rng(7);
        int batch = 128;
        Module net;
        ImageDataset data = null;
        if (args.length > 3) {
            Model trained = Model.load(Path.of(args[3]));
            net = trained.module();
            if (args.length > 4 && args[4].equals("fresh")) {
                net = Models.build(trained.spec(), rng);
                if (!trained.factorization().isEmpty()) {
                    Factorize.apply(net, FactorizationSpec.fromMap(trained.factorization()), rng);
                }
            }
            data = Datasets.fashionMnist(Datasets.fashionMnistDir(true), true, 0);
            System.out.println("model " + args[3] + (args.length > 4 ? " (" + args[4] + ")" : " (as trained)")
                    + ", real data: " + data.name() + ", " + data.size() + " images, lr 0.001");
        } else {
            net = Models.build(ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width", 28,
                    "numClasses", 10), rng);
        }
        net.train(true);
        Sgd opt = Sgd.of(net.parameters(), data == null ? 0.1f : 0.001f, 0.9f, 0f, false);
        Tensor x = Tensor.randn(rng, 1f, batch, 1, 28, 28);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(10);
        }
        int[] order = null;
        if (data != null) {
            order = new int[data.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            rng.shuffle(order);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("steps  loss        cpu ms/step  wall ms/step  subnormal grads  subnormal dlogits");
        long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            if (data != null) {
                int first = ((step - 1) * batch) % (data.size() - batch + 1);
                for (int i = 0; i < batch; i++) {
                    int e = order[first + i];
                    data.copyExample(e, x.data(), i * 784);
                    Normalization.fashionMnist().apply(x.data(), i * 784, 784);
                    y[i] = data.label(e);
                }
            }
            opt.zeroGrad();
            Tensor logits = net.forward(x).retainGrad();
            Tensor loss = Losses.crossEntropy(logits, y, 0f);
            Autograd.backward(loss);
            opt.step();
            if (step % window == 0) {
                long cpu1 = os.getProcessCpuTime(), wall1 = System.nanoTime();
                long sub = 0, all = 0;
                for (Parameter p : net.parameters()) {
                    float[] g = p.value().grad();
                    for (float v : g) {
                        sub += subnormal(v) ? 1 : 0;
                    }
                    all += g.length;
                }
                long subL = 0;
                for (float v : logits.grad()) {
                    subL += subnormal(v) ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%5d  %.3e  %11.1f  %12.1f  %14.4f%%  %16.4f%%%n", step, loss.item(),
                        (cpu1 - cpu0) / 1e6 / window, (wall1 - wall0) / 1e6 / window, 100.0 * sub / all,
                        100.0 * subL / logits.grad().length);
                cpu0 = os.getProcessCpuTime();
                wall0 = System.nanoTime();
            }
        }
    }

    private static boolean subnormal(float v) {
        return v != 0f && Math.abs(v) < Float.MIN_NORMAL;
    }
}
