package org.fnl4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.data.Normalization;
import org.fnl4j.data.TextCorpus;
import org.fnl4j.io.Model;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Decay;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model family, briefly trained (SI + FD where factorized) so that its weights and BatchNorm
 * statistics are not the initial ones, is exported to ONNX and run by ONNX Runtime on 256 real test
 * examples (the shipped Fashion-MNIST test images; windows of the shipped text for the LM): its
 * outputs match {@link Model#predict} within 1e-4 of the largest |logit| and the predicted classes
 * agree. The exported files are also left in {@code target/onnx-exports/} for the Python ONNX
 * checker that CI runs.
 */
class OnnxExportRuntimeTest {
    static final int EXAMPLES = 256;
    static final double TOLERANCE = 1e-4;
    static final Path EXPORTS = Path.of("target", "onnx-exports");

    @TempDir
    Path dir;

    static Recipe.Builder images(Architecture a) {
        return Recipe.builder().model(a).epochs(1).batch(64).trainLimit(128).testLimit(64).seed(3);
    }

    static Stream<Arguments> families() {
        ExportOptions keep = ExportOptions.defaults(), collapse = ExportOptions.collapsed();
        Recipe.Builder paper = images(Architecture.RESNET20).rank(0.111).init(FactorInit.SPECTRAL).decay(Decay.FROBENIUS);
        Recipe.Builder deep = images(Architecture.RESNET20).width(0.5).rank(1).deep(true);
        Recipe.Builder text = Recipe.builder().model(Architecture.TRANSFORMER).data(DataRef.text()).width(0.25)
                .context(32).epochs(1).batch(16).trainLimit(4096).testLimit(2048).seed(3);
        return Stream.of(
                Arguments.of("mlp-dense", images(Architecture.MLP).width(0.25).dense(), keep),
                Arguments.of("mlp-lowrank", images(Architecture.MLP).width(0.25).rank(0.25), keep),
                Arguments.of("mlp-deep-collapsed", images(Architecture.MLP).width(0.25).rank(1).deep(true), collapse),
                Arguments.of("resnet20-dense", images(Architecture.RESNET20).dense(), keep),
                Arguments.of("resnet20-paper", paper, keep),
                Arguments.of("resnet20-paper-collapsed", paper, collapse),
                Arguments.of("resnet20-channel", images(Architecture.RESNET20).rank(0.111).convScheme(ConvScheme.CHANNEL),
                        keep),
                Arguments.of("resnet20-tucker", images(Architecture.RESNET20).rank(0.25).convScheme(ConvScheme.TUCKER),
                        keep),
                Arguments.of("resnet20-tt", images(Architecture.RESNET20).rank(0.25).convScheme(ConvScheme.TT), keep),
                Arguments.of("resnet20-deep", deep, keep),
                Arguments.of("resnet20-deep-collapsed", deep, collapse),
                Arguments.of("vgg-dense", images(Architecture.VGG).width(0.0625).dense(), keep),
                Arguments.of("transformer-dense", text.dense(), keep),
                Arguments.of("transformer-lowrank", text.rank(0.5), keep));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void exportRunsInOnnxRuntimeWithTheSameOutputs(String label, Recipe.Builder recipe, ExportOptions options)
            throws Exception {
        Path run = dir.resolve(label);
        Run.create(recipe.build(), run).fit();
        Model model = Model.load(run.resolve(Run.MODEL));
        byte[] onnx = OnnxExport.toBytes(model, options);
        Files.createDirectories(EXPORTS);
        Files.write(EXPORTS.resolve(label + ".onnx"), onnx);

        float[] expected;
        float[] actual;
        int perExample;
        if (model.spec().takesTokens()) {
            int t = model.exampleShape()[0];
            long[] ids = textWindows(EXAMPLES, t);
            float[] asFloats = new float[ids.length];
            for (int i = 0; i < ids.length; i++) asFloats[i] = ids[i];
            expected = model.predict(asFloats, EXAMPLES);
            actual = OrtRunner.runLong(onnx, OnnxExport.TOKEN_INPUT, ids, EXAMPLES, t);
            perExample = model.spec().getInt("vocab");
        } else {
            float[] x = testImages(EXAMPLES);
            expected = model.predict(x, EXAMPLES);
            actual = OrtRunner.runFloat(onnx, OnnxExport.IMAGE_INPUT, x, EXAMPLES, 1, 28, 28);
            perExample = model.outputSize();
        }
        assertEquals(expected.length, actual.length, label + ": output size");
        assertClose(label, expected, actual, perExample);
    }

    /** max |a − e| ≤ 1e-4 · max |e|, and the argmax of every row (example, or token position) agrees. */
    static void assertClose(String label, float[] expected, float[] actual, int rowLength) {
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        assertTrue(maxAbs > 0, label + ": all outputs are 0");
        assertTrue(maxDiff <= TOLERANCE * maxAbs, label + ": outputs differ by " + maxDiff + " (largest |logit| " + maxAbs
                + "), allowed " + TOLERANCE + " relative");
        int rows = expected.length / rowLength;
        int[] e = new int[rows], a = new int[rows];
        for (int r = 0; r < rows; r++) {
            e[r] = argmax(expected, r * rowLength, rowLength);
            a[r] = argmax(actual, r * rowLength, rowLength);
        }
        assertArrayEquals(e, a, label + ": predicted classes differ");
    }

    static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) best = i;
        }
        return best;
    }

    /** The first {@code n} shipped Fashion-MNIST test images, normalized, (n, 1, 28, 28) row-major. */
    static float[] testImages(int n) throws Exception {
        ImageDataset test = Datasets.fashionMnist(Datasets.shippedFashionMnist().orElseThrow(), false, n);
        float[] x = new float[n * 784];
        Normalization norm = Normalization.fashionMnist();
        for (int i = 0; i < n; i++) {
            test.copyExample(i, x, i * 784);
            norm.apply(x, i * 784, 784);
        }
        return x;
    }

    /** {@code n} windows of {@code t} token ids from the shipped text's test part, one every 97 characters. */
    static long[] textWindows(int n, int t) throws Exception {
        int[] ids = Datasets.kjv().testIds();
        long[] out = new long[n * t];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < t; j++)
                out[i * t + j] = ids[i * 97 + j];
        return out;
    }

    static List<String> labels() {
        return families().map(a -> (String) a.get()[0]).toList();
    }
}
