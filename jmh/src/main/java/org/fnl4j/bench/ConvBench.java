package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.kernel.Conv;
import org.fnl4j.kernel.ConvIm2col;
import org.fnl4j.kernel.ConvShape;
import org.fnl4j.tensor.Rng;
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
 * Convolution layers of a CIFAR/Fashion-MNIST ResNet at batch 128, NCHW float32.
 *
 * <p>{@code layer}: {@code CxHsS} = C→C channels, H×H input, 3×3 kernel, stride S, pad 1;
 * {@code CtoDxHsS} = C→D channels. {@code impl}: {@code conv} ({@link Conv}, the dispatching entry
 * point) or {@code im2col} ({@link ConvIm2col}, im2col/col2im + Gemm.sgemm). Scores are ms per
 * call; GFLOP/s = 2·MACs / time, MACs = {@link ConvShape#macs()} per pass (the sum of the three
 * passes counts 3·MACs), see {@code jmh/scripts/conv_gflops.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvBench {
    @Param({"16x28s1", "32x28s1", "64x28s1", "16to32x28s2", "32to64x14s2"})
    public String layer;

    @Param({"128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    @Param({"conv"})
    public String impl;

    private ConvShape s;
    private float[] x, w, b, y, dy, dx, dw;

    @Setup(Level.Trial)
    public void setUp() {
        s = parse(layer, batch);
        Threads.set(threads);
        Rng rng = new Rng(1);
        x = random(s.inputSize(), rng);
        w = random(s.weightSize(), rng);
        b = random(s.outChannels(), rng);
        dy = random(s.outputSize(), rng);
        y = new float[(int) s.outputSize()];
        dx = new float[(int) s.inputSize()];
        dw = new float[(int) s.weightSize()];
    }

    /** Parses CxHsS / CtoDxHsS into a 3×3 pad-1 shape. */
    static ConvShape parse(String layer, int batch) {
        String[] cs = layer.split("x");
        String[] hs = cs[1].split("s");
        int in, out;
        if (cs[0].contains("to")) {
            in = Integer.parseInt(cs[0].substring(0, cs[0].indexOf("to")));
            out = Integer.parseInt(cs[0].substring(cs[0].indexOf("to") + 2));
        } else {
            in = out = Integer.parseInt(cs[0]);
        }
        int h = Integer.parseInt(hs[0]), stride = Integer.parseInt(hs[1]);
        return ConvShape.of(batch, in, h, h, out, 3, stride, 1);
    }

    private static float[] random(long n, Rng rng) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() - 0.5f;
        }
        return a;
    }

    @Benchmark
    public float[] forward() {
        if (impl.equals("im2col")) {
            ConvIm2col.forward(s, x, 0, w, 0, b, 0, y, 0);
        } else {
            Conv.forward(s, x, 0, w, 0, b, 0, y, 0);
        }
        return y;
    }

    @Benchmark
    public float[] backwardInput() {
        if (impl.equals("im2col")) {
            ConvIm2col.backwardInput(s, dy, 0, w, 0, dx, 0);
        } else {
            Conv.backwardInput(s, dy, 0, w, 0, dx, 0);
        }
        return dx;
    }

    @Benchmark
    public float[] backwardWeight() {
        if (impl.equals("im2col")) {
            ConvIm2col.backwardWeight(s, x, 0, dy, 0, dw, 0);
        } else {
            Conv.backwardWeight(s, x, 0, dy, 0, dw, 0);
        }
        return dw;
    }

    /** One training step of the layer: forward, input gradient and weight gradient. */
    @Benchmark
    public float[] all() {
        forward();
        backwardInput();
        return backwardWeight();
    }
}
