package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.models.TransformerLM;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.ops.Losses;
import org.fnl4j.ops.Shapes;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.Sgd;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One full training step (forward, cross-entropy, backward, regularizer, SGD with momentum and
 * weight decay) of the models in the README's throughput table, at batch 128 on 1×28×28 inputs
 * (the Transformer LM: 128 sequences of 64 tokens, vocabulary 80). Time per step; items/s is
 * {@code batch / time} (tokens/s: {@code 128·64 / time}).
 *
 * <ul>
 * <li>{@code resnet20}: dense ResNet-20, weight decay 1e-4.
 * <li>{@code resnet20-lowrank}: ResNet-20 factorized at s = 0.111 (paper conv scheme), spectral
 *     init, Frobenius decay 1e-4 (the paper's SI+FD arm).
 * <li>{@code mlp}: 784-512-512-10.
 * <li>{@code transformer}: 2 layers, d_model 128, 4 heads, context 64, pre-LN.
 * </ul>
 *
 * Compare with {@code bench/pytorch_peer.py} run in the same minutes.
 */
@State(Scope.Benchmark)
@org.openjdk.jmh.annotations.Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC", "-Xmn1536m", "-Xms2g", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelStepBench {
    @Param({"resnet20", "resnet20-lowrank", "mlp", "transformer"})
    public String model;

    @Param({"2"})
    public int threads;

    private static final int BATCH = 128;
    private static final int VOCAB = 80;
    private static final int CONTEXT = 64;

    private Module net;
    private Optimizer optimizer;
    private Regularizer regularizer;
    private Tensor images;
    private int[] labels;
    private int[] tokens;
    private int[] targets;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Rng rng = new Rng(42);
        ModelSpec spec;
        switch (model) {
            case "resnet20", "resnet20-lowrank" ->
                    spec = ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width", 28, "numClasses", 10);
            case "mlp" -> spec = ModelSpec.of("mlp", "inChannels", 1, "height", 28, "width", 28, "numClasses", 10);
            case "transformer" -> spec = ModelSpec.of("transformer", "vocab", VOCAB, "context", CONTEXT);
            default -> throw new IllegalArgumentException("unknown model " + model);
        }
        net = Models.build(spec, rng);
        DecayArms.Mode decay = DecayArms.Mode.WEIGHT_DECAY;
        if (model.equals("resnet20-lowrank")) {
            net = Factorize.apply(net, FactorizationSpec.ratio(0.111).withInit("spectral"), rng);
            decay = DecayArms.Mode.FROBENIUS_DECAY;
        }
        DecayArms.Setup setup = DecayArms.of(net, decay, 0.05f, 1e-4f, DecayKind.COUPLED_L2);
        optimizer = new Sgd(setup.groups(), 0.9f, false);
        regularizer = setup.regularizer();
        net.train(true);
        images = Tensor.randn(rng, 1f, BATCH, 1, 28, 28);
        labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = rng.nextInt(10);
        }
        tokens = new int[BATCH * CONTEXT];
        targets = new int[BATCH * CONTEXT];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(VOCAB);
            targets[i] = rng.nextInt(VOCAB);
        }
    }

    @Benchmark
    public float step() {
        optimizer.zeroGrad();
        Tensor loss;
        if (net instanceof TransformerLM lm) {
            Tensor logits = lm.forward(tokens, BATCH, CONTEXT);
            loss = Losses.crossEntropy(Shapes.reshape(logits, BATCH * CONTEXT, VOCAB), targets, 0f);
        } else {
            loss = Losses.crossEntropy(net.forward(images), labels, 0f);
        }
        Autograd.backward(loss);
        regularizer.apply();
        optimizer.step();
        return loss.item();
    }
}
