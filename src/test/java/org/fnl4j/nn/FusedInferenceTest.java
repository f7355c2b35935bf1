package org.fnl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.FactorizedConv2d;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.Normalization;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Inference with BatchNorm, residual sum and ReLU fused into the convolutions' output pass (eval
 * mode, no gradients) gives the same bits as the separate ops (eval mode with gradients on).
 */
class FusedInferenceTest {
    /** A ResNet with perturbed running statistics, so that the affine maps are not the identity. */
    private static Module resnet(FactorizationSpec f, FactorizedConv2d.Path path) {
        ModelSpec spec = ModelSpec.of("resnet20", "inChannels", 1, "height", 12, "width", 12, "numClasses", 5,
                "widthMultiplier", 0.5);
        Rng rng = new Rng(4);
        Module m = Models.build(spec, rng);
        if (f != null) {
            Factorize.apply(m, f, rng);
        }
        Rng noise = new Rng(9);
        for (Tensor b : m.namedBuffers().values()) {
            for (int i = 0; i < b.size(); i++) {
                b.data()[b.offset() + i] += 0.3f * noise.nextFloat();
            }
        }
        if (path != null) {
            for (Module child : m.namedModules().values()) {
                if (child instanceof FactorizedConv2d fc) {
                    fc.path(path);
                }
            }
        }
        return m.eval();
    }

    @Test
    void fusedResNetInferenceHasTheSeparateOpsBits() {
        Tensor x = Tensor.randn(new Rng(2), 1f, 3, 1, 12, 12);
        List<Module> nets = List.of(resnet(null, null),
                resnet(FactorizationSpec.ratio(0.25), FactorizedConv2d.Path.TWO_CONV),
                resnet(FactorizationSpec.ratio(0.25), FactorizedConv2d.Path.ONE_CONV),
                resnet(FactorizationSpec.ratio(0.25).withScheme(ConvScheme.CHANNEL), FactorizedConv2d.Path.TWO_CONV));
        for (Module net : nets) {
            float[] separate = net.forward(x).toArray();            // gradients on: the unfused ops
            float[] fused;
            try (Autograd.Scope s = Autograd.noGrad()) {
                fused = net.forward(x).toArray();
            }
            assertArrayEquals(separate, fused, net.toString());
        }
    }

    /** Records which of its two paths BatchNorm2d took. */
    private static final class Probe extends Module implements FusableConv {
        final Conv2d conv = new Conv2d(2, 3, 3, 1, 1, false, new Rng(1));
        boolean fusedCalled;

        @Override
        public Tensor forward(Tensor x) {
            return conv.forward(x);
        }

        @Override
        public Tensor forwardFused(Tensor x, Convolution.Epilogue epilogue) {
            fusedCalled = true;
            return conv.forwardFused(x, epilogue);
        }
    }

    @Test
    void batchNormFusesOnlyInInference() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = Tensor.randn(new Rng(3), 1f, 2, 2, 5, 5);
        Probe probe = new Probe();
        bn.forwardAfter(probe, x, null, true);
        assertFalse(probe.fusedCalled, "training mode must use the batch statistics, not fuse");
        bn.eval();
        bn.forwardAfter(probe, x, null, true);
        assertFalse(probe.fusedCalled, "with gradients on the separate ops must run");
        try (Autograd.Scope s = Autograd.noGrad()) {
            Tensor y = bn.forwardAfter(probe, x, null, true);
            assertTrue(probe.fusedCalled, "eval mode without gradients fuses");
            for (float v : y.toArray()) {
                assertTrue(v >= 0f);
            }
        }
    }

    @Test
    void epilogueRefusesInputsThatNeedGradients() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, false, new Rng(1));
        Tensor x = Tensor.randn(new Rng(3), 1f, 2, 2, 5, 5);
        Convolution.Epilogue e = new Convolution.Epilogue(Normalization.evalAffine(null, null, Tensor.zeros(3),
                Tensor.full(1f, 3), 1e-5f), null, true);
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> conv.forwardFused(x, e));
        assertTrue(ex.getMessage().contains("inference-only"), ex.getMessage());
    }
}
