package org.fnl4j.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Gemm;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.kernel.Softmax;
import org.fnl4j.ops.Activations;
import org.fnl4j.ops.Arith;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.Losses;
import org.fnl4j.ops.MatMul;
import org.fnl4j.ops.Normalization;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
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
 * One training step (forward, loss, backward, plain SGD update on the arrays) at batch 128, timed
 * per step; images/s = 128 / (seconds per step).
 *
 * <ul>
 *   <li>{@code mlpOps}: a 784-512-512-10 ReLU MLP with cross-entropy, through the differentiable
 *       ops and the tape.</li>
 *   <li>{@code mlpRawKernels}: exactly the same kernel calls (GEMMs, ReLU, log-softmax, column
 *       sums, and the same {@link ParamUpdate#sgd} update) on preallocated arrays with no tape and no
 *       allocation; {@code 1 - raw/ops} is the share of the ops step spent outside kernels (tape
 *       bookkeeping, allocation and zeroing of activations and gradients).</li>
 *   <li>{@code convBlockOps}: a ResNet basic block conv3x3-BN-ReLU-conv3x3-BN + identity, ReLU, at
 *       C ∈ {16, 32} channels, 28×28, batch 128; the block's input requires a gradient as it would
 *       inside a network.</li>
 * </ul>
 * Run: {@code java --add-modules jdk.incubator.vector -jar jmh/target/benchmarks.jar TrainStepBench -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1200m", "-Xmx1200m", "-Xmn640m", "-XX:+AlwaysPreTouch"})
public class TrainStepBench {
    static final int BATCH = 128;
    static final float LR = 0.01f;

    /**
     * Plain SGD, learning rate {@link #LR}, no decay, on each tensor's array at its offset, then zeroes
     * its gradient (overwrites both). Both steps update through {@link ParamUpdate#sgd}, the kernel
     * {@code Sgd} uses, so the update costs the same in each and {@code 1 - raw/ops} counts no
     * difference between two update loops as tape overhead.
     */
    static void sgd(Tensor... params) {
        for (Tensor p : params) {
            sgdRaw(p, p.grad());
        }
    }

    /** The MLP's parameters and batch, shared by the ops and the raw-kernel step. */
    @State(Scope.Benchmark)
    public static class Mlp {
        @Param({"1", "2"})
        public int threads;
        static final int IN = 784, H = 512, OUT = 10;
        Tensor x, w1, b1, w2, b2, w3, b3;
        int[] targets = new int[BATCH];
        // Raw-kernel buffers.
        float[] h1, a1, h2, a2, logits, lsm, dlogits, da2, dh2, da1, dh1, gw1, gb1, gw2, gb2, gw3, gb3;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            System.out.println("\n# kernels: " + Kernels.implementation() + ", threads " + Parallel.threads());
            Rng rng = new Rng(1);
            x = Tensor.randn(rng, 1f, BATCH, IN);
            w1 = Tensor.randn(rng, (float) Math.sqrt(2.0 / IN), H, IN).requiresGrad(true);
            b1 = Tensor.zeros(H).requiresGrad(true);
            w2 = Tensor.randn(rng, (float) Math.sqrt(2.0 / H), H, H).requiresGrad(true);
            b2 = Tensor.zeros(H).requiresGrad(true);
            w3 = Tensor.randn(rng, (float) Math.sqrt(1.0 / H), OUT, H).requiresGrad(true);
            b3 = Tensor.zeros(OUT).requiresGrad(true);
            for (int i = 0; i < BATCH; i++) {
                targets[i] = rng.nextInt(OUT);
            }
            h1 = new float[BATCH * H];
            a1 = new float[BATCH * H];
            h2 = new float[BATCH * H];
            a2 = new float[BATCH * H];
            logits = new float[BATCH * OUT];
            lsm = new float[BATCH * OUT];
            dlogits = new float[BATCH * OUT];
            da2 = new float[BATCH * H];
            dh2 = new float[BATCH * H];
            da1 = new float[BATCH * H];
            dh1 = new float[BATCH * H];
            gw1 = new float[H * IN];
            gb1 = new float[H];
            gw2 = new float[H * H];
            gb2 = new float[H];
            gw3 = new float[OUT * H];
            gb3 = new float[OUT];
        }
    }

    @Benchmark
    public float mlpOps(Mlp m) {
        Tensor h = Activations.relu(MatMul.linear(m.x, m.w1, m.b1));
        h = Activations.relu(MatMul.linear(h, m.w2, m.b2));
        Tensor loss = Losses.crossEntropy(MatMul.linear(h, m.w3, m.b3), m.targets, 0f);
        Autograd.backward(loss);
        sgd(m.w1, m.b1, m.w2, m.b2, m.w3, m.b3);
        return loss.item();
    }

    /** y (rows, out) = bias + x (rows, in) · wᵀ, as {@code MatMul.linear} does it. */
    private static void linear(float[] x, int rows, int in, Tensor w, Tensor b, float[] y) {
        int out = w.shape(0);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b.data(), 0, y, r * out, out);
        }
        Gemm.sgemm(false, true, rows, out, in, 1f, x, 0, in, w.data(), 0, in, 1f, y, 0, out);
    }

    /** Gradients of {@link #linear}: gw += dyᵀ·x, gb += colsums(dy), dx = dy·w when dx is not null. */
    private static void linearBackward(float[] dy, float[] x, int rows, int in, Tensor w, float[] gw, float[] gb,
                                       float[] dx) {
        int out = w.shape(0);
        Gemm.sgemm(true, false, out, in, rows, 1f, dy, 0, out, x, 0, in, 1f, gw, 0, in);
        Reduce.colSums(dy, 0, rows, out, gb, 0);
        if (dx != null) {
            Arrays.fill(dx, 0f);
            Gemm.sgemm(false, false, rows, in, out, 1f, dy, 0, out, w.data(), 0, in, 1f, dx, 0, in);
        }
    }

    /** {@link #sgd} of one tensor with its gradient held in {@code g} (length {@code p.size()}, zeroed). */
    private static void sgdRaw(Tensor p, float[] g) {
        ParamUpdate.sgd(p.data(), p.offset(), g, 0, g.length, LR, 0f, 1f);
        Arrays.fill(g, 0f);
    }

    @Benchmark
    public float mlpRawKernels(Mlp m) {
        int n = BATCH, in = Mlp.IN, h = Mlp.H, c = Mlp.OUT;
        linear(m.x.data(), n, in, m.w1, m.b1, m.h1);
        Elementwise.relu(m.h1, 0, m.a1, 0, n * h);
        linear(m.a1, n, h, m.w2, m.b2, m.h2);
        Elementwise.relu(m.h2, 0, m.a2, 0, n * h);
        linear(m.a2, n, h, m.w3, m.b3, m.logits);
        Softmax.logSoftmax(m.logits, 0, m.lsm, 0, n, c);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            loss -= m.lsm[i * c + m.targets[i]];
            for (int j = 0; j < c; j++) {
                m.dlogits[i * c + j] = (float) Math.exp(m.lsm[i * c + j]) / n;
            }
            m.dlogits[i * c + m.targets[i]] -= 1f / n;
        }
        linearBackward(m.dlogits, m.a2, n, h, m.w3, m.gw3, m.gb3, m.da2);
        Arrays.fill(m.dh2, 0f);
        Elementwise.unaryBackward(Elementwise.Unary.RELU, m.h2, 0, m.a2, 0, m.da2, 0, m.dh2, 0, n * h);
        linearBackward(m.dh2, m.a1, n, h, m.w2, m.gw2, m.gb2, m.da1);
        Arrays.fill(m.dh1, 0f);
        Elementwise.unaryBackward(Elementwise.Unary.RELU, m.h1, 0, m.a1, 0, m.da1, 0, m.dh1, 0, n * h);
        linearBackward(m.dh1, m.x.data(), n, in, m.w1, m.gw1, m.gb1, null);
        sgdRaw(m.w1, m.gw1);
        sgdRaw(m.b1, m.gb1);
        sgdRaw(m.w2, m.gw2);
        sgdRaw(m.b2, m.gb2);
        sgdRaw(m.w3, m.gw3);
        sgdRaw(m.b3, m.gb3);
        return (float) (loss / n);
    }

    /** A ResNet basic block's parameters and input. */
    @State(Scope.Benchmark)
    public static class Block {
        @Param({"16", "32"})
        public int channels;
        @Param({"1", "2"})
        public int threads;
        Tensor x, w1, g1, be1, w2, g2, be2, rm1, rv1, rm2, rv2;
        float[] seed;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            System.out.println("\n# kernels: " + Kernels.implementation() + ", threads " + Parallel.threads());
            Rng rng = new Rng(2);
            int c = channels;
            x = Tensor.randn(rng, 1f, BATCH, c, 28, 28).requiresGrad(true);
            float std = (float) Math.sqrt(2.0 / (9 * c));
            w1 = Tensor.randn(rng, std, c, c, 3, 3).requiresGrad(true);
            w2 = Tensor.randn(rng, std, c, c, 3, 3).requiresGrad(true);
            g1 = Tensor.full(1f, c).requiresGrad(true);
            be1 = Tensor.zeros(c).requiresGrad(true);
            g2 = Tensor.full(1f, c).requiresGrad(true);
            be2 = Tensor.zeros(c).requiresGrad(true);
            rm1 = Tensor.zeros(c);
            rv1 = Tensor.full(1f, c);
            rm2 = Tensor.zeros(c);
            rv2 = Tensor.full(1f, c);
            seed = new float[x.size()];
            for (int i = 0; i < seed.length; i++) {
                seed[i] = (float) rng.nextGaussian() * 1e-3f;
            }
        }
    }

    @Benchmark
    public float convBlockOps(Block b) {
        b.x.setGrad(null);
        Tensor h = Convolution.conv2d(b.x, b.w1, null, 1, 1);
        h = Activations.relu(Normalization.batchNorm(h, b.g1, b.be1, b.rm1, b.rv1, true, 0.1f, 1e-5f));
        h = Convolution.conv2d(h, b.w2, null, 1, 1);
        h = Normalization.batchNorm(h, b.g2, b.be2, b.rm2, b.rv2, true, 0.1f, 1e-5f);
        Tensor out = Activations.relu(Arith.add(h, b.x));
        Autograd.backward(out, b.seed);
        sgd(b.w1, b.g1, b.be1, b.w2, b.g2, b.be2);
        return out.data()[0];
    }
}
