package org.fnl4j.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.Sgd;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.BatchSource;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Objective;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.RunData;
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
 * weight decay) of the models in the README's throughput table, at batch 128, each step on the
 * next fresh batch of real data: shuffled, augmented (crop + flip) batches of the Fashion-MNIST
 * subset shipped in {@code datasets/} for the image models, random windows of the shipped King James
 * text for the Transformer LM (128 sequences of 64 characters). One batch repeated would be
 * memorized, and training on it is not training on data. Time per step; items/s is
 * {@code batch / time} (tokens/s: {@code 128·64 / time}). Run from the repository root, so that
 * {@code datasets/} is found.
 *
 * <ul>
 * <li>{@code resnet20}: dense ResNet-20, weight decay 1e-4.
 * <li>{@code resnet20-lowrank}: ResNet-20 factorized at s = 0.111 (paper conv scheme), spectral
 *     init, Frobenius decay 1e-4 (the paper's SI+FD arm).
 * <li>{@code mlp}: 784-512-512-10.
 * <li>{@code transformer}: 2 layers, d_model 128, 4 heads, context 64, pre-LN.
 * </ul>
 *
 * The side-by-side comparison with PyTorch is {@code bench/side_by_side.sh}.
 */
@State(Scope.Benchmark)
@org.openjdk.jmh.annotations.Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1200m", "-Xmx1200m", "-Xmn640m", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelStepBench {
    @Param({"resnet20", "resnet20-lowrank", "mlp", "transformer"})
    public String model;

    @Param({"2"})
    public int threads;

    private static final int BATCH = 128;
    private static final int CONTEXT = 64;

    private Module net;
    private Optimizer optimizer;
    private Regularizer regularizer;
    private Objective objective;
    private BatchSource batches;
    private long next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Threads.set(threads);
        Rng rng = new Rng(42);
        Architecture arch = switch (model) {
            case "resnet20", "resnet20-lowrank" -> Architecture.RESNET20;
            case "mlp" -> Architecture.MLP;
            case "transformer" -> Architecture.TRANSFORMER;
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
        Recipe recipe = Recipe.builder().model(arch).data(arch.takesTokens() ? DataRef.text() : DataRef.fashionMnist())
                .batch(BATCH).context(CONTEXT).dense().build();
        RunData data = RunData.load(recipe);
        batches = data.train();
        net = Models.build(data.modelSpec(arch, 1, CONTEXT), rng);
        DecayArms.Mode decay = DecayArms.Mode.WEIGHT_DECAY;
        if (model.equals("resnet20-lowrank")) {
            net = Factorize.apply(net, FactorizationSpec.ratio(0.111).withInit(FactorInit.SPECTRAL), rng);
            decay = DecayArms.Mode.FROBENIUS_DECAY;
        }
        DecayArms.Setup setup = DecayArms.of(net, decay, 0.05f, 1e-4f, DecayKind.COUPLED_L2);
        optimizer = new Sgd(setup.groups(), 0.9f, false);
        regularizer = setup.regularizer();
        objective = Objectives.crossEntropy(0f);
        net.train(true);
    }

    @Benchmark
    public float step() {
        int perEpoch = batches.batchesPerEpoch();
        Batch batch = batches.batch((int) (next / perEpoch), (int) (next % perEpoch));
        next++;
        optimizer.zeroGrad();
        Tensor loss = objective.loss(net.forward(batch.inputs()), batch);
        Autograd.backward(loss);
        regularizer.apply();
        optimizer.step();
        return loss.item();
    }
}
