package org.fnl4j.onnx;

import java.nio.file.Path;
import java.util.Map;
import org.fnl4j.io.Model;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.BatchNorm;
import org.fnl4j.nn.Module;
import org.fnl4j.tensor.Rng;

/** Models with random weights and random BatchNorm statistics, saved and loaded as an application would. */
final class OnnxTesting {
    private OnnxTesting() {}

    /** A freshly initialized {@code arch} ("resnet20", "mlp") for 1×28×28, BatchNorm statistics randomized. */
    static Model randomModel(String arch, Path dir) throws Exception {
        ModelSpec spec = Architecture.of(arch).forImages(new int[] {1, 28, 28}, 10, arch.equals("mlp") ? 0.25 : 1);
        Rng rng = new Rng(11);
        Module net = Models.build(spec, rng);
        for (Module m : net.namedModules().values()) {
            if (m instanceof BatchNorm bn) {
                for (int c = 0; c < bn.channels(); c++) {
                    bn.runningMean().data()[c] = 0.2f * (float) rng.nextGaussian();
                    bn.runningVar().data()[c] = 0.5f + (float) rng.nextDouble();
                    bn.weight().value().data()[c] = 0.8f + 0.4f * (float) rng.nextDouble();
                    bn.bias().value().data()[c] = 0.1f * (float) rng.nextGaussian();
                }
            }
        }
        Path file = dir.resolve(arch + "-random.fnl");
        Model.save(file, net, spec, null, Map.of());
        return Model.load(file);
    }
}
