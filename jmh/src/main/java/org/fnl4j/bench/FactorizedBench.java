package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.ops.Losses;
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
 * ResNet-20 training steps on 1×28×28 inputs (Fashion-MNIST shape): dense vs factorized (paper
 * conv scheme, SI) at ratio {@code s}, with the regularization arm {@code decay} (wd: weight decay
 * on all parameters; fd: Frobenius decay on the factors). Scores are ms per call.
 *
 * <ul>
 * <li>{@code trainStep}: forward, cross-entropy, backward, regularizer, SGD step (momentum 0.9,
 * Nesterov), zero grads — images/s = batch / time.</li>
 * <li>{@code frobeniusDecay}: only the regularizer's {@code apply()} (FD's cost per step; 0 for
 * dense or wd).</li>
 * </ul>
 * {@code s = 0} means the dense model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FactorizedBench {
    @Param({"0", "0.111"})
    public double s;

    @Param({"fd"})
    public String decay;

    @Param({"128"})
    public int batch;

    @Param({"2"})
    public int threads;

    private Module model;
    private Optimizer opt;
    private Regularizer reg;
    private Tensor x;
    private int[] y;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Rng rng = new Rng(1);
        model = Models.build(ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width", 28, "numClasses", 10), rng);
        if (s > 0) {
            Factorize.apply(model, FactorizationSpec.ratio(s), rng);
        }
        DecayArms.Setup arm = DecayArms.of(model, decay.equals("fd") ? DecayArms.Mode.FROBENIUS_DECAY
                : DecayArms.Mode.WEIGHT_DECAY, 0.1f, 1e-4f, DecayKind.COUPLED_L2);
        opt = new Sgd(arm.groups(), 0.9f, true);
        reg = arm.regularizer();
        x = Tensor.randn(rng, 1f, batch, 1, 28, 28);
        y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(10);
        }
        model.train(true);
    }

    @Benchmark
    public double trainStep() {
        Tensor loss = Losses.crossEntropy(model.forward(x), y, 0f);
        Autograd.backward(loss);
        reg.apply();
        opt.step();
        opt.zeroGrad();
        return loss.item();
    }

    @Benchmark
    public void frobeniusDecay() {
        reg.apply();
    }
}
