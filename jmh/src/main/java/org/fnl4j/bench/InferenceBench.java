package org.fnl4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.data.Normalization;
import org.fnl4j.io.Model;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.onnx.ExportOptions;
import org.fnl4j.onnx.OnnxExport;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Embedded inference: fnl4j's {@link Model#predict(float[], int)} against ONNX Runtime (Java, CPU)
 * running the ONNX file {@link OnnxExport} wrote for the same model, on the same real images (the
 * shipped Fashion-MNIST test images, normalized). Models: ResNet-20 dense, ResNet-20 factorized at
 * s = 0.111 (paper scheme, SI), MLP 784-512-512-10; weights from the seeded init (BatchNorm at its
 * initial statistics). Batch 1 (latency) and 64 (throughput); 1 and 2 threads (fnl4j:
 * {@code Parallel.setThreads}; ONNX Runtime: intra-op threads, its other session options at their
 * defaults). JMH orders the parameters by name, so {@code runtime} varies fastest and the two
 * runtimes of one setting run back to back. Sample-time mode: JMH reports the median (p0.50) and
 * p0.99 of the per-call time. fnl4j's Vector API kernels run interpreted (thousands of times
 * slower) until C2 has compiled them, so give the warm-up several seconds (see jmh/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBench {
    @Param({"resnet20", "resnet20-s0.111", "mlp"})
    public String model;

    @Param({"1", "64"})
    public int batch;

    @Param({"1", "2"})
    public int nThreads;

    @Param({"fnl4j", "onnxruntime"})
    public String runtime;

    private Model fnl;
    private OrtEnvironment env;
    private OrtSession session;
    private float[] input;
    private long[] shape;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        fnl = model(model);
        input = images(batch);
        shape = new long[] {batch, 1, 28, 28};
        Threads.set(nThreads);
        if (runtime.equals("onnxruntime")) {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(nThreads);
            o.setInterOpNumThreads(1);
            session = env.createSession(OnnxExport.toBytes(fnl, ExportOptions.defaults()), o);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) session.close();
    }

    /** The benchmark's model, written to a model file and loaded back as an application would. */
    static Model model(String name) throws Exception {
        boolean factorized = name.startsWith("resnet20-s");
        ModelSpec spec = Architecture.of(factorized ? "resnet20" : name).forImages(new int[] {1, 28, 28}, 10, 1);
        Rng rng = new Rng(42);
        Module net = Models.build(spec, rng);
        FactorizationSpec f = factorized ? FactorizationSpec.ratio(Double.parseDouble(name.substring("resnet20-s".length())))
                : null;
        if (f != null) Factorize.apply(net, f, rng);
        Path file = Files.createTempFile("inference-bench", ".fnl");
        try {
            Model.save(file, net, spec, f == null ? null : f.toMap(), Map.of());
            return Model.load(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The first n shipped Fashion-MNIST test images, normalized, (n, 1, 28, 28). */
    static float[] images(int n) throws Exception {
        ImageDataset test = Datasets.fashionMnist(Datasets.shippedFashionMnist().orElseThrow(), false, n);
        float[] x = new float[n * 784];
        for (int i = 0; i < n; i++) {
            test.copyExample(i, x, i * 784);
            Normalization.fashionMnist().apply(x, i * 784, 784);
        }
        return x;
    }

    @Benchmark
    public float[] predict() throws OrtException {
        if (session == null) {
            return fnl.predict(input, batch);
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(Map.of(OnnxExport.IMAGE_INPUT, t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
