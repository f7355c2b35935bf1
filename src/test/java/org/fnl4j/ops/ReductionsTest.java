package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReductionsTest {
    private static final int[][] SHAPES = {{7}, {3, 5}, {2, 3, 4}, {1, 4, 1}, {3, 1, 2, 5}};

    @Test
    void sumAndMeanOfAllGradients() {
        long seed = 1;
        for (int[] s : SHAPES) {
            check("sum", in -> Reductions.sum(in[0]), rand(seed++, s));
            check("mean", in -> Reductions.mean(in[0]), rand(seed++, s));
        }
    }

    @Test
    void perAxisGradientsEveryAxisBothKeepDims() {
        long seed = 100;
        for (int[] s : SHAPES) {
            for (int ax = -s.length; ax < s.length; ax++) {
                for (boolean keep : new boolean[] {false, true}) {
                    final int a = ax;
                    check("sum axis " + ax, in -> Reductions.sum(in[0], a, keep), rand(seed++, s));
                    check("mean axis " + ax, in -> Reductions.mean(in[0], a, keep), rand(seed++, s));
                }
            }
        }
    }

    @Test
    void forwardValuesAndShapes() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(21f, Reductions.sum(x).item());
        assertEquals(0, Reductions.sum(x).dim());
        assertEquals(3.5f, Reductions.mean(x).item());
        Tensor s0 = Reductions.sum(x, 0, false);
        assertArrayEquals(new int[] {3}, s0.shape());
        assertValues(new float[] {5, 7, 9}, s0, 0);
        Tensor s1 = Reductions.sum(x, -1, true);
        assertArrayEquals(new int[] {2, 1}, s1.shape());
        assertValues(new float[] {6, 15}, s1, 0);
        assertValues(new float[] {2, 5}, Reductions.mean(x, 1, false), 1e-7);
        Tensor y = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor m = Reductions.mean(y, 1, true);
        assertArrayEquals(new int[] {2, 1, 2}, m.shape());
        assertValues(new float[] {2, 3, 6, 7}, m, 1e-7);
    }

    @Test
    void badAxisNamesOpAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reductions.sum(Tensor.zeros(2, 3), 2, false));
        assertTrue(e.getMessage().startsWith("sum:") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reductions.mean(Tensor.zeros(2, 3), -3, true));
        assertTrue(e.getMessage().startsWith("mean:") && e.getMessage().contains("-3"), e.getMessage());
    }
}
