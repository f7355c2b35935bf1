package org.fnl4j.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fnl4j.data.Augmentation;
import org.fnl4j.data.Batch;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.data.Normalization;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.AdamW;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the input pipeline and of optimizer steps, to check they stay far below a training step.
 * Batch assembly: one batch of 128 shipped Fashion-MNIST images (1×28×28), plain copy vs crop+flip
 * +normalize. Optimizer: one step over 272,474 floats (ResNet-20's parameter count).
 * Run from the repository root (it loads datasets/fashion-mnist).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DataLoaderBench {
    @Param({"plain", "augment"})
    public String pipeline;

    private DataLoader loader;
    private DataLoader.Epoch epoch;
    private Sgd sgd;
    private AdamW adamw;

    @Setup
    public void setup() throws IOException {
        ImageDataset ds = Datasets.fashionMnist(Datasets.fashionMnistDir(false), true, 0);
        DataLoader.Builder b = DataLoader.builder(ds).batchSize(128).shuffle(1L).prefetch(false);
        if (pipeline.equals("augment")) {
            b.augment(Augmentation.cropFlip(4)).normalize(Normalization.fashionMnist());
        }
        loader = b.build();
        Parameter p = new Parameter(Tensor.randn(new Rng(1), 0.1f, 272_474), Parameter.Kind.WEIGHT);
        System.arraycopy(Tensor.randn(new Rng(2), 1f, 272_474).data(), 0, TapeAccess.gradBuffer(p.value()), 0, 272_474);
        sgd = Sgd.of(List.of(p), 1e-6f, 0.9f, 1e-4f, true);
        adamw = AdamW.of(List.of(p), 1e-6f, 1e-2f);
    }

    @Benchmark
    public Batch assembleBatch() {
        if (epoch == null || !epoch.hasNext()) {
            epoch = loader.epoch(0);
        }
        return epoch.next();
    }

    @Benchmark
    public Object sgdNesterovStep() {
        sgd.step();
        return sgd;
    }

    @Benchmark
    public Object adamwStep() {
        adamw.step();
        return adamw;
    }
}
