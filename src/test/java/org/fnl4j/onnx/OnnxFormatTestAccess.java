package org.fnl4j.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fnl4j.io.Model;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.tensor.Rng;

/** Small exported ONNX files for tests outside this package (the fuzz test of {@code io}). */
public final class OnnxFormatTestAccess {
    private OnnxFormatTestAccess() {}

    /** @return {@link OnnxFormatTest#tinyMlp()}. */
    public static byte[] tinyMlp() throws Exception {
        return OnnxFormatTest.tinyMlp();
    }

    /** @return a ResNet-20 of width 2/4/8 for 1×8×8 images, exported (a few kB, every node type of the ResNet). */
    public static byte[] narrowResNet() throws Exception {
        ModelSpec spec = ModelSpec.of("resnet20", "inChannels", 1, "height", 8, "width", 8, "numClasses", 3,
                "widthMultiplier", 0.125);
        Path file = Files.createTempFile("narrow", ".fnl");
        try {
            Model.save(file, Models.build(spec, new Rng(1)), spec, null, Map.of());
            return OnnxExport.toBytes(Model.load(file), ExportOptions.defaults());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
