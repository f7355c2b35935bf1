package org.fnl4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Model;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.train.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import of a real PyTorch export: {@code src/test/resources/onnx/resnet20-pytorch.onnx} is the
 * ResNet-20 of {@code bench/pytorch_train.py}, trained one epoch and exported by
 * {@code torch.onnx.export} (PyTorch 1.13, opset 13, BatchNorm folded into the convolutions, the
 * shortcut pads computed by a constant subgraph), written with its logits on the first 16 shipped
 * test images by {@code bench/onnx_fixture.py}. Imported, fnl4j reproduces those logits; compressed
 * and exported again, ONNX Runtime reproduces fnl4j's.
 */
class OnnxImportRuntimeTest {
    static final Path PYTORCH_RESNET = Path.of("src/test/resources/onnx/resnet20-pytorch.onnx");
    static final Path PYTORCH_LOGITS = Path.of("src/test/resources/onnx/resnet20-pytorch-logits.txt");

    @TempDir
    Path dir;

    static float[] pytorchLogits() throws Exception {
        List<String> lines = Files.readAllLines(PYTORCH_LOGITS);
        float[] out = new float[lines.size() * 10];
        int k = 0;
        for (String l : lines) {
            for (String v : l.trim().split(" ")) out[k++] = Float.parseFloat(v);
        }
        assertEquals(out.length, k, "10 logits per line");
        return out;
    }

    @Test
    void aPyTorchResNet20ImportsAndGivesPyTorchsLogits() throws Exception {
        Model m = OnnxImport.read(PYTORCH_RESNET);
        assertEquals("resnet20", m.spec().type());
        assertNull(m.factorization());
        assertEquals(269_434, m.parameterCount(), "the dense ResNet-20 for 1×28×28");
        float[] expected = pytorchLogits();
        int n = expected.length / 10;
        float[] actual = m.predict(OnnxExportRuntimeTest.testImages(n), n);
        OnnxExportRuntimeTest.assertClose("imported PyTorch ResNet-20", expected, actual, 10);
    }

    @Test
    void theImportedModelCompressedAndExportedAgainRunsInOnnxRuntime() throws Exception {
        Model imported = OnnxImport.read(PYTORCH_RESNET);
        Compression.Compressed small = Compression.lowRank(imported, FactorizationSpec.ratio(0.111));
        assertTrue(small.params() < 0.4 * small.paramsBefore(), small.params() + " of " + small.paramsBefore());
        Path file = dir.resolve("small.fnl");
        Model.save(file, small.module(), imported.spec(), small.factorizationMap(), Map.of());
        Model compressed = Model.load(file);
        assertTrue(!Factorize.layers(compressed.module()).isEmpty(), "the compressed model has factorized layers");
        byte[] onnx = OnnxExport.toBytes(compressed, ExportOptions.defaults());
        int n = OnnxExportRuntimeTest.EXAMPLES;
        float[] x = OnnxExportRuntimeTest.testImages(n);
        float[] expected = compressed.predict(x, n);
        float[] actual = OrtRunner.runFloat(onnx, OnnxExport.IMAGE_INPUT, x, n, 1, 28, 28);
        OnnxExportRuntimeTest.assertClose("compressed PyTorch ResNet-20", expected, actual, 10);
    }

    @Test
    void fnl4jsOwnDenseExportsImportBack() throws Exception {
        for (String arch : List.of("resnet20", "mlp")) {
            Model m = OnnxTesting.randomModel(arch, dir);
            Model back = OnnxImport.fromBytes(OnnxExport.toBytes(m, ExportOptions.defaults()), arch + ".onnx");
            assertEquals(m.spec(), back.spec(), arch);
            float[] x = OnnxExportRuntimeTest.testImages(32);
            OnnxExportRuntimeTest.assertClose(arch + " exported and imported", m.predict(x, 32), back.predict(x, 32),
                    m.outputSize());
        }
    }
}
