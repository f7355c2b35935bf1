package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.onnx.OnnxCodec;
import org.fnl4j.onnx.OnnxExport;
import org.fnl4j.onnx.OnnxModel;
import org.fnl4j.onnx.OrtRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Train in PyTorch, compress with fnl4j, deploy anywhere" on the command line: {@code fnl import}
 * of the PyTorch-exported ResNet-20 fixture, {@code fnl compress --rank 0.111}, {@code fnl export}
 * (factors kept, and {@code --collapse}); ONNX Runtime runs the result with fnl4j's outputs.
 */
class OnnxCliRuntimeTest {
    static final Path PYTORCH_RESNET = Path.of("src/test/resources/onnx/resnet20-pytorch.onnx");

    @TempDir
    Path dir;

    @Test
    void importCompressExport() throws Exception {
        Path imported = dir.resolve("imported.fnl"), small = dir.resolve("small.fnl");
        CliTest.Run r = CliTest.fnl("import", PYTORCH_RESNET.toString(), "--out", imported.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"resnet20\""), r.out());
        r = CliTest.fnl("compress", imported.toString(), "--rank", "0.111", "--out", small.toString());
        assertEquals(0, r.code(), r.err());
        float[] x = new float[8 * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i);
        Model m = Model.load(small);
        float[] expected = m.predict(x, 8);
        for (String collapse : new String[] {"", "--collapse"}) {
            Path onnx = dir.resolve("small" + collapse + ".onnx");
            r = collapse.isEmpty() ? CliTest.fnl("export", small.toString(), "--out", onnx.toString())
                    : CliTest.fnl("export", small.toString(), "--out", onnx.toString(), collapse);
            assertEquals(0, r.code(), r.err());
            Map<String, Object> res = Json.parseObject(r.out().trim());
            assertEquals(collapse.isEmpty() ? "keep" : "collapse", res.get("factors"));
            byte[] bytes = Files.readAllBytes(onnx);
            OnnxModel om = OnnxCodec.decode(bytes, onnx.toString());
            long convs = om.graph().nodes().stream().filter(n -> n.opType().equals("Conv")).count();
            // 19 convolutions; factorized, the 18 of the blocks become two each.
            assertEquals(collapse.isEmpty() ? 37 : 19, convs, "Conv nodes with factors " + res.get("factors"));
            float[] actual = OrtRunner.runFloat(bytes, OnnxExport.IMAGE_INPUT, x, 8, 1, 28, 28);
            double maxDiff = 0, maxAbs = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            }
            assertTrue(maxDiff <= 1e-4 * maxAbs, "ONNX Runtime differs from fnl4j by " + maxDiff + " of " + maxAbs);
        }
    }

    @Test
    void errorsNameTheFileAndWhatWasExpected() throws Exception {
        CliTest.usageError("--out FILE is required", "export", "model.fnl");
        CliTest.usageError("--out FILE is required", "import", "model.onnx");
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {0x0A, (byte) 0xFF, 0x01});
        CliTest.Run r = CliTest.fnl("import", junk.toString(), "--out", dir.resolve("x.fnl").toString());
        assertEquals(Main.EXIT_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("junk.onnx: corrupted ONNX protobuf"), r.err());
    }
}
