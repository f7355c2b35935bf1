package org.fnl4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.Losses;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModelsTest {
    private static Module build(String type, Object... kv) {
        return Models.build(ModelSpec.of(type, kv), new Rng(1));
    }

    @Test
    void resnetParameterCountsMatchTheReference() {
        assertEquals(269_722, build("resnet20", "inChannels", 3).parameterCount());
        assertEquals(269_434, build("resnet20", "inChannels", 1, "height", 28, "width", 28).parameterCount());
        assertEquals(464_154, build("resnet32").parameterCount());
        assertEquals(853_018, build("resnet56").parameterCount());
        // Width ×2: every conv has 4× the weights, BN and the classifier 2×.
        assertTrue(build("resnet20", "widthMultiplier", 2).parameterCount() > 1_000_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build("resnet21"));
        assertTrue(e.getMessage().contains("6n+2"), e.getMessage());
    }

    @Test
    void resnetInitFollowsReference() {
        ResNet net = (ResNet) build("resnet20");
        Conv2d conv = (Conv2d) net.namedModules().get("layer3.1.conv1");
        double s2 = 0;
        for (float v : conv.weight().value().toArray()) s2 += v * v;
        double std = Math.sqrt(s2 / conv.weight().size());
        assertEquals(Math.sqrt(2.0 / (64 * 9)), std, 0.02 * std, "Kaiming normal, fan_in, gain sqrt2");
        Map<String, Parameter> ps = net.namedParameters();
        assertEquals(Parameter.Kind.NORM, ps.get("layer2.0.bn2.weight").kind());
        assertEquals(Parameter.Kind.BIAS, ps.get("linear.bias").kind());
        assertEquals(1f, ps.get("bn1.weight").value().get(3));
        assertEquals(2 * 19, net.namedBuffers().size(), "running mean and var of each of the 19 BNs");
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel() {
        ModelSpec spec = ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width", 28);
        String name = "layer2.1.conv2.weight";
        float[] a = Models.build(spec, new Rng(5)).namedParameters().get(name).value().toArray();
        float[] b = Models.build(spec, new Rng(5)).namedParameters().get(name).value().toArray();
        float[] c = Models.build(spec, new Rng(6)).namedParameters().get(name).value().toArray();
        assertArrayEquals(a, b);
        assertTrue(a[0] != c[0]);
    }

    @Test
    void resnet20TrainsOnATinyBatch() {
        // 4×4 inputs keep this fast (maps 4×4, 2×2, 1×1); a few hand-written SGD steps on one batch.
        Module net = Models.build(ModelSpec.of("resnet20", "inChannels", 3, "height", 4, "width", 4, "numClasses", 4),
                new Rng(2));
        Tensor x = Tensor.randn(new Rng(3), 1f, 4, 3, 4, 4);
        int[] y = {0, 1, 2, 3};
        float first = 0, last = 0;
        for (int step = 0; step < 4; step++) {
            net.zeroGrad();
            Tensor logits = net.forward(x);
            assertArrayEquals(new int[] {4, 4}, logits.shape());
            Tensor loss = Losses.crossEntropy(logits, y, 0f);
            Autograd.backward(loss);
            if (step == 0) first = loss.item();
            last = loss.item();
            try (var scope = Autograd.noGrad()) {
                for (Parameter p : net.parameters()) {
                    float[] d = p.value().data();
                    float[] g = p.value().grad();
                    assertTrue(g != null, "every parameter gets a gradient");
                    for (int i = 0; i < g.length; i++) d[p.value().offset() + i] -= 0.05f * g[i];
                }
            }
        }
        assertTrue(last < 0.5 * first, "loss fell from " + first + " to " + last);
    }

    @Test
    void resnet20OnFashionMnistShapes() {
        Module fm = build("resnet20", "inChannels", 1, "height", 28, "width", 28);
        assertArrayEquals(new int[] {1, 10}, fm.forward(Tensor.randn(new Rng(4), 1f, 1, 1, 28, 28)).shape());
    }

    @Test
    void resnetSummary() {
        String s = build("resnet20").toString();
        assertTrue(s.startsWith("ResNet-20(width 16/32/64) {\n  (conv1): Conv2d(3 -> 16, 3x3, pad 1, no bias)\n"
                + "  (bn1): BatchNorm2d(16)\n  (layer1): Sequential {\n    (0): BasicBlock(16 -> 16) {\n"
                + "      (conv1): Conv2d(16 -> 16, 3x3, pad 1, no bias)\n"), s);
        assertTrue(s.contains("    (0): BasicBlock(16 -> 32, stride 2, option-A shortcut) {\n"
                + "      (conv1): Conv2d(16 -> 32, 3x3, stride 2, pad 1, no bias)\n"), s);
        assertTrue(s.endsWith("  (pool): GlobalAvgPool\n  (linear): Linear(64 -> 10)\n}\nTotal parameters: 269,722"), s);
    }

    @Test
    void mlp() {
        Module m = build("mlp", "inChannels", 1, "height", 28, "width", 28, "hidden", List.of(512, 512));
        assertEquals(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10, m.parameterCount());
        assertEquals("Sequential {\n  (0): Flatten\n  (1): Linear(784 -> 512)\n  (2): ReLU\n  (3): Linear(512 -> 512)\n"
                + "  (4): ReLU\n  (5): Linear(512 -> 10)\n}\nTotal parameters: 669,706", m.toString());
        assertArrayEquals(new int[] {3, 10}, m.forward(Tensor.zeros(3, 1, 28, 28)).shape());
        assertArrayEquals(new int[] {3, 10}, m.forward(Tensor.zeros(3, 784)).shape());
        Module d = build("mlp", "hidden", List.of(16), "dropout", 0.5, "inChannels", 1, "height", 2, "width", 2);
        assertTrue(d.toString().contains("Dropout(p=0.5)"));
    }

    @Test
    void vggOnBothImageSizes() {
        Module v32 = build("vgg", "widthMultiplier", 0.125);
        assertArrayEquals(new int[] {2, 10}, v32.forward(Tensor.randn(new Rng(5), 1f, 2, 3, 32, 32)).shape());
        assertEquals(5, v32.toString().split("MaxPool2d", -1).length - 1);
        Module v28 = build("vgg", "widthMultiplier", 0.125, "inChannels", 1, "height", 28, "width", 28, "depth", 16);
        assertArrayEquals(new int[] {2, 10}, v28.forward(Tensor.randn(new Rng(6), 1f, 2, 1, 28, 28)).shape());
        assertEquals(4, v28.toString().split("MaxPool2d", -1).length - 1, "the pool on 1x1 maps is left out");
        assertTrue(v28.toString().startsWith("VGG-16(BN) {"));
        // VGG-11 at width 1/4 with 3x32x32 input: 8 convs (no bias) + 8 BNs + Linear(128, 10).
        long convs = 3 * 16 * 9 + 16 * 32 * 9 + 32 * 64 * 9 + 64 * 64 * 9 + 64 * 128 * 9 + 3 * 128 * 128 * 9;
        long bns = 2 * (16 + 32 + 64 + 64 + 128 * 4);
        assertEquals(convs + bns + 1290, build("vgg", "widthMultiplier", 0.25).parameterCount());
        assertThrows(IllegalArgumentException.class, () -> build("vgg", "depth", 12));
    }

    @Test
    void transformerLanguageModel() {
        TransformerLM lm = (TransformerLM) build("transformer", "vocab", 11, "context", 6, "dModel", 8, "heads", 2,
                "layers", 2);
        int d = 8, v = 11;
        long block = 4L * d + 4L * d * d + (d * 4L * d + 4L * d) + (4L * d * d + d);
        assertEquals(v * d + 6 * d + 2 * block + 2 * d + (d * v + v), lm.parameterCount());
        Tensor ids = Tensor.of(new float[] {1, 2, 3, 4, 5, 0, 10, 9}, 2, 4);
        Tensor logits = lm.forward(ids);
        assertArrayEquals(new int[] {2, 4, 11}, logits.shape());
        Tensor ids2 = ids.copy();
        ids2.set(7f, 0, 3);
        Tensor logits2 = lm.forward(ids2);
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < v; k++) {
                assertEquals(logits.get(0, t, k), logits2.get(0, t, k), 1e-6f, "logits at t=" + t + " saw the future");
            }
        }
        assertTrue(logits.get(0, 3, 0) != logits2.get(0, 3, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lm.forward(Tensor.zeros(1, 7)));
        assertTrue(e.getMessage().contains("context (6)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> build("transformer", "context", 8));
        // Next-token training on a fixed sequence lowers the loss.
        int[] seq = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1};
        float first = 0, last = 0;
        for (int step = 0; step < 8; step++) {
            lm.zeroGrad();
            int[] in = new int[12];
            int[] target = new int[12];
            for (int i = 0; i < 12; i++) {
                in[i] = seq[i];
                target[i] = seq[i + 1];
            }
            Tensor out = lm.forward(in, 2, 6);
            Tensor loss = Losses.crossEntropy(Shapes.reshape(out, 12, v), target, 0f);
            Autograd.backward(loss);
            if (step == 0) first = loss.item();
            last = loss.item();
            try (var scope = Autograd.noGrad()) {
                for (Parameter p : lm.parameters()) {
                    float[] dd = p.value().data();
                    float[] g = p.value().grad();
                    for (int i = 0; i < g.length; i++) dd[p.value().offset() + i] -= 0.1f * g[i];
                }
            }
        }
        assertTrue(last < 0.8 * first, "LM loss fell from " + first + " to " + last);
    }

    @Test
    void unknownTypesAndOptionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build("alexnet"));
        assertTrue(e.getMessage().contains("resnet20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> build("resnet20", "widthMultipler", 2));
        assertTrue(e.getMessage().contains("widthMultipler") && e.getMessage().contains("widthMultiplier"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> build("mlp", "hidden", List.of(3, 2.5)));
        assertTrue(e.getMessage().contains("hidden[1]"), e.getMessage());
    }
}
