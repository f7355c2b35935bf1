package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.distinct;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PoolingTest {
    private static final double TOL = 5e-3;

    @Test
    void maxPoolForwardSmallExample() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
        assertArrayEquals(new float[] {6, 8, 14, 16}, Pooling.maxPool2d(x, 2, 2, 0).toArray());
        // 3x3 windows, stride 2, pad 1 on 4x4: windows clipped at the border.
        assertArrayEquals(new float[] {6, 8, 14, 16}, Pooling.maxPool2d(x, 3, 2, 1).toArray());
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, Pooling.avgPool2d(x, 2, 2, 0).toArray());
        // count_include_pad: the corner window holds 1,2,5,6 and five zeros of padding -> 14/9.
        assertEquals(14f / 9, Pooling.avgPool2d(x, 3, 2, 1).toArray()[0], 1e-6f);
        assertArrayEquals(new float[] {8.5f}, Pooling.globalAvgPool(x).toArray());
    }

    @Test
    void maxPoolGradients() {
        Rng rng = new Rng(21);
        check("maxPool2d k2 s2", in -> Pooling.maxPool2d(in[0], 2, 2, 0), TOL, distinct(rng, 2, 3, 6, 5));
        check("maxPool2d k3 s2 p1 overlapping", in -> Pooling.maxPool2d(in[0], 3, 2, 1), TOL, distinct(rng, 2, 2, 7, 7));
    }

    @Test
    void avgPoolGradients() {
        Rng rng = new Rng(22);
        check("avgPool2d k2 s2", in -> Pooling.avgPool2d(in[0], 2, 2, 0), TOL, leaf(rng, 2, 3, 5, 4));
        check("avgPool2d k3 s1 p1", in -> Pooling.avgPool2d(in[0], 3, 1, 1), TOL, leaf(rng, 1, 2, 5, 6));
    }

    @Test
    void globalAvgPoolGradient() {
        Rng rng = new Rng(23);
        check("globalAvgPool", in -> Pooling.globalAvgPool(in[0]), TOL, leaf(rng, 3, 4, 3, 5));
    }

    @Test
    void badWindowNamesOpAndShape() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(x, 2, 2, 2));
        assertTrue(e.getMessage().contains("maxPool2d"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.globalAvgPool(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("globalAvgPool") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
