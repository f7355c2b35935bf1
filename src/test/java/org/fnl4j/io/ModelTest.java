package org.fnl4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save → load → identical predictions for every model type, dense and factorized; concurrent predict. */
class ModelTest {
    @TempDir
    Path dir;

    static ModelSpec image(String type, Object... extra) {
        List<Object> kv = new ArrayList<>(List.of("inChannels", 1, "height", 12, "width", 12, "numClasses", 5));
        kv.addAll(List.of(extra));
        return ModelSpec.of(type, kv.toArray());
    }

    static Tensor input(ModelSpec spec, int n, long seed) {
        Rng rng = new Rng(seed);
        if (spec.type().equals("transformer")) {
            Tensor t = Tensor.zeros(n, spec.getInt("context"));
            for (int i = 0; i < t.size(); i++) t.data()[i] = rng.nextInt(spec.getInt("vocab"));
            return t;
        }
        return Tensor.randn(rng, 1f, n, spec.getInt("inChannels"), spec.getInt("height"), spec.getInt("width"));
    }

    /** Trains nothing, but perturbs buffers so that running statistics must round-trip too. */
    static Module build(ModelSpec spec, FactorizationSpec f) {
        Rng rng = new Rng(11);
        Module m = Models.build(spec, rng);
        if (f != null) Factorize.apply(m, f, rng);
        Rng noise = new Rng(3);
        for (Tensor b : m.namedBuffers().values()) {
            for (int i = 0; i < b.size(); i++) b.data()[b.offset() + i] += 0.1f * noise.nextFloat();
        }
        return m.eval();
    }

    void roundTrip(ModelSpec spec, FactorizationSpec f) throws Exception {
        Module m = build(spec, f);
        Tensor x = input(spec, 3, 5);
        float[] want;
        try (var s = org.fnl4j.autograd.Autograd.noGrad()) {
            want = m.forward(x).toArray();
        }
        Path file = dir.resolve(spec.type() + (f == null ? "" : "-" + f.scheme().id() + (f.middle() ? "-deep" : "")) + ".fnl");
        Model.save(file, m, spec, f == null ? null : f.toMap(), Map.of("note", "test"));
        Model loaded = Model.load(file);
        assertArrayEquals(want, loaded.predict(x).toArray(), spec + " " + f);
        assertEquals(spec, loaded.spec());
        assertEquals("test", loaded.metadata().get("note"));
        assertEquals(m.parameterCount(), loaded.module().parameterCount());
    }

    @Test
    void everyModelTypeRoundTripsDenseAndFactorized() throws Exception {
        ModelSpec mlp = image("mlp", "hidden", List.of(16, 12));
        ModelSpec resnet = image("resnet20", "widthMultiplier", 0.25);
        ModelSpec vgg = image("vgg", "widthMultiplier", 0.125);
        ModelSpec lm = ModelSpec.of("transformer", "vocab", 11, "context", 6, "dModel", 16, "heads", 2, "layers", 1);
        for (ModelSpec s : List.of(mlp, resnet, vgg, lm)) {
            roundTrip(s, null);
            roundTrip(s, FactorizationSpec.ratio(0.5));
        }
        roundTrip(resnet, FactorizationSpec.ratio(0.5).withScheme(ConvScheme.CHANNEL));
        roundTrip(resnet, FactorizationSpec.ratio(2.0).withMiddle(true));
        roundTrip(resnet, FactorizationSpec.ratio(0.5).withScheme(ConvScheme.TUCKER).withInit(FactorInit.DEFAULT));
        roundTrip(resnet, FactorizationSpec.ratio(0.5).withScheme(ConvScheme.TT).withInit(FactorInit.DEFAULT));
        roundTrip(resnet, FactorizationSpec.budget(0.3));
    }

    @Test
    void concurrentPredictionsMatchSingleThreaded() throws Exception {
        ModelSpec spec = image("resnet20", "widthMultiplier", 0.25);
        Path file = dir.resolve("m.fnl");
        Model.save(file, build(spec, FactorizationSpec.ratio(0.5)), spec, FactorizationSpec.ratio(0.5).toMap(), Map.of());
        Model model = Model.load(file);
        int threads = 8;
        float[][] inputs = new float[threads][];
        float[][] want = new float[threads][];
        int[] sizes = new int[threads];
        for (int t = 0; t < threads; t++) {
            // Odd threads pass batches larger than a micro-batch, which predict splits over the kernel threads.
            sizes[t] = t % 2 == 0 ? 2 + t % 3 : Model.DEFAULT_MICRO_BATCH * 2 + t;
            inputs[t] = input(spec, sizes[t], 100 + t).toArray();
            want[t] = model.predict(inputs[t], sizes[t]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<float[]>> got = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int k = t;
                    got.add(pool.submit(() -> model.predict(inputs[k], sizes[k])));
                }
                for (int t = 0; t < threads; t++) {
                    assertArrayEquals(want[t], got.get(t).get(), "thread " + t + " round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A batch larger than a micro-batch is split; every example's logits equal those of the example run alone. */
    @Test
    void microBatchedPredictionsMatchOneExampleAtATime() throws Exception {
        ModelSpec resnet = image("resnet20", "widthMultiplier", 0.25);
        ModelSpec vgg = image("vgg", "widthMultiplier", 0.125);
        int n = 2 * Model.DEFAULT_MICRO_BATCH + 5;
        for (ModelSpec spec : List.of(resnet, vgg)) {
            for (FactorizationSpec f : java.util.Arrays.asList(null, FactorizationSpec.ratio(0.5))) {
                Path file = dir.resolve("micro-" + spec.type() + (f == null ? "" : "-f") + ".fnl");
                Model.save(file, build(spec, f), spec, f == null ? null : f.toMap(), Map.of());
                Model model = Model.load(file);
                float[] batch = input(spec, n, 21).toArray();
                int per = batch.length / n;
                float[] got = model.predict(batch, n);
                int classes = got.length / n;
                assertEquals(5, classes);
                for (int i = 0; i < n; i++) {
                    float[] one = model.predict(java.util.Arrays.copyOfRange(batch, i * per, (i + 1) * per), 1);
                    for (int c = 0; c < classes; c++) {
                        float g = got[i * classes + c];
                        assertEquals(one[c], g, 1e-5f * Math.max(1f, Math.abs(one[c])),
                                spec.type() + " " + f + " example " + i + " class " + c);
                    }
                }
            }
        }
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        ModelSpec spec = image("mlp", "hidden", List.of(8));
        Path file = dir.resolve("mlp.fnl");
        Model.save(file, build(spec, null), spec, null, Map.of());
        Model model = Model.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(new float[10], 2));
        assertTrue(e.getMessage().contains("[1, 12, 12]") && e.getMessage().contains("288"), e.getMessage());

        // Weights of another architecture under this header: a mismatch naming the tensors, not a crash.
        ModelSpec other = image("mlp", "hidden", List.of(9));
        Model.save(dir.resolve("other.fnl"), build(other, null), other, null, Map.of());
        ModelFile.Contents c = ModelFile.read(dir.resolve("other.fnl"));
        ModelFile.write(dir.resolve("mixed.fnl"), ModelFile.read(file).header(), c.tensors());
        ModelFormatException m = assertThrows(ModelFormatException.class, () -> Model.load(dir.resolve("mixed.fnl")));
        assertTrue(m.getMessage().contains("shape mismatch") && m.getMessage().contains("mixed.fnl"), m.getMessage());

        Map<String, Object> h = new java.util.LinkedHashMap<>(ModelFile.read(file).header());
        h.put("model", Map.of("type", "resnet7", "options", Map.of()));
        ModelFile.write(dir.resolve("unknown.fnl"), h, ModelFile.read(file).tensors());
        m = assertThrows(ModelFormatException.class, () -> Model.load(dir.resolve("unknown.fnl")));
        assertTrue(m.getMessage().contains("cannot rebuild the architecture"), m.getMessage());

        Files.writeString(dir.resolve("text.fnl"), "hello");
        assertThrows(ModelFormatException.class, () -> Model.load(dir.resolve("text.fnl")));
    }
}
