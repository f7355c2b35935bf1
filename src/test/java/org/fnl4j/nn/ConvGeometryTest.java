package org.fnl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.nn.factorized.FactorizedConv2d;
import org.fnl4j.nn.factorized.TensorConv2d;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The one conv geometry type: PyTorch's output-size formula, validation, and the layers sharing it. */
class ConvGeometryTest {
    /** PyTorch's formula written out, per axis. */
    private static int reference(int in, int k, int stride, int pad, int dil) {
        return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    }

    @Test
    void outputSizeFollowsPyTorchPerAxis() {
        for (int k = 1; k <= 4; k++)
            for (int s = 1; s <= 3; s++)
                for (int p = 0; p <= 2; p++)
                    for (int d = 1; d <= 3; d++) {
                        ConvGeometry g = new ConvGeometry(k, k + 1, s, s + 1, p, p + 1, d, d + 1);
                        for (int in = 1; in <= 20; in++) {
                            assertEquals(reference(in, k, s, p, d), g.outputHeight(in), g + " h=" + in);
                            assertEquals(reference(in, k + 1, s + 1, p + 1, d + 1), g.outputWidth(in), g + " w=" + in);
                        }
                    }
        ConvGeometry resnetDown = ConvGeometry.square(3, 2, 1, 1);
        assertEquals(16, resnetDown.outputHeight(32));
        assertEquals(16, resnetDown.outputWidth(32));
    }

    @Test
    void squareAndValidation() {
        assertTrue(ConvGeometry.square(3, 1, 1, 2).isSquare());
        assertFalse(new ConvGeometry(3, 2, 1, 1, 1, 1, 1, 1).isSquare());
        assertFalse(new ConvGeometry(3, 3, 1, 1, 1, 0, 1, 1).isSquare());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(3, 3, 0, 1, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("stride 0x1") && e.getMessage().contains(">= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.square(3, 1, -1, 1));
        assertTrue(e.getMessage().contains("pad -1x-1") && e.getMessage().contains("padding >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(4, 4, 0, 1, 0, false, new Rng(1)));
    }

    @Test
    void layersShareOneGeometry() {
        ConvGeometry g = new ConvGeometry(3, 2, 2, 1, 1, 0, 1, 2);
        Conv2d conv = new Conv2d(4, 6, g, 1, true, new Rng(1));
        assertSame(g, conv.geometry());
        assertEquals(2, conv.strideH());
        assertEquals(2, conv.dilationW());
        assertEquals(g.outputHeight(9), conv.outputHeight(9));
        FactorizedConv2d f = new FactorizedConv2d(4, 6, g, true, FactorizedConv2d.Scheme.PAPER, 2, false, new Rng(2));
        assertEquals(g, f.geometry());
        assertEquals(3, f.kernelH());
        TensorConv2d t = new TensorConv2d(4, 6, 3, 2, 1, 1, false, TensorConv2d.Format.TUCKER, new int[] {2, 2, 2},
                new Rng(3));
        assertEquals(ConvGeometry.square(3, 2, 1, 1), t.geometry());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TensorConv2d(4, 6, g,
                false, TensorConv2d.Format.TT, new int[] {2, 2}, new Rng(3)));
        assertTrue(e.getMessage().contains("square geometry"), e.getMessage());
    }
}
