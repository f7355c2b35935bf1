package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ConvolutionTest {
    private static final double TOL = 5e-3;

    @Test
    void gradientsPlainConvWithBias() {
        Rng rng = new Rng(11);
        Tensor x = leaf(rng, 2, 3, 5, 5), w = leaf(rng, 4, 3, 3, 3), b = leaf(rng, 4);
        check("conv2d 3x3 pad 1", in -> Convolution.conv2d(in[0], in[1], in[2], 1, 1), TOL, x, w, b);
    }

    @Test
    void gradientsStridePadDilationGroups() {
        Rng rng = new Rng(12);
        Tensor x = leaf(rng, 2, 4, 7, 6), w = leaf(rng, 6, 2, 3, 2), b = leaf(rng, 6);
        check("conv2d stride 2x1 pad 1x2 dil 2x1 groups 2",
                in -> Convolution.conv2d(in[0], in[1], in[2], 2, 1, 1, 2, 2, 1, 2), TOL, x, w, b);
    }

    @Test
    void gradientsDepthwiseWithoutBias() {
        Rng rng = new Rng(13);
        Tensor x = leaf(rng, 1, 3, 5, 5), w = leaf(rng, 3, 1, 3, 3);
        check("conv2d depthwise stride 2", in -> Convolution.conv2d(in[0], in[1], null, 2, 2, 1, 1, 1, 1, 3), TOL, x, w);
    }

    @Test
    void oneByOneConvEqualsPerPixelLinear() {
        Rng rng = new Rng(14);
        Tensor x = Tensor.randn(rng, 1f, 1, 3, 2, 2), w = Tensor.randn(rng, 1f, 2, 3, 1, 1);
        float[] y = Convolution.conv2d(x, w, null, 1, 0).toArray();
        for (int o = 0; o < 2; o++) {
            for (int p = 0; p < 4; p++) {
                float s = 0;
                for (int c = 0; c < 3; c++) {
                    s += w.data()[o * 3 + c] * x.data()[c * 4 + p];
                }
                assertArrayEquals(new float[] {s}, new float[] {y[o * 4 + p]}, 1e-5f);
            }
        }
    }

    @Test
    void mismatchedWeightNamesShapes() {
        Tensor x = Tensor.zeros(1, 3, 5, 5), w = Tensor.zeros(4, 2, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w, null, 1, 1));
        assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("[4, 2, 3, 3]")
                && e.getMessage().contains("[1, 3, 5, 5]"), e.getMessage());
    }
}
