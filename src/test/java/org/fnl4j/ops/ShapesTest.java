package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ShapesTest {
    /** Multiplies by a fixed ramp so that a permuted gradient cannot pass by symmetry. */
    private static Tensor weighted(Tensor t) {
        float[] w = new float[t.size()];
        for (int i = 0; i < w.length; i++) w[i] = 1f + 0.37f * i;
        return Arith.mul(t, Tensor.of(w, t.shape()));
    }

    @Test
    void reshapeIsAViewAndInfers() {
        Tensor x = rand(1, 2, 3, 4);
        Tensor r = Shapes.reshape(x, 6, -1);
        assertArrayEquals(new int[] {6, 4}, r.shape());
        assertSame(x.data(), r.data());
        assertEquals(x.offset(), r.offset());
        check("reshape", in -> weighted(Shapes.reshape(in[0], 4, -1, 2)), x);
        check("reshape to scalar", in -> Shapes.reshape(in[0]), rand(2, 1, 1));
    }

    @Test
    void reshapeErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.reshape(Tensor.zeros(2, 3), 4, 2));
        assertTrue(e.getMessage().startsWith("reshape:") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.reshape(Tensor.zeros(2, 3), -1, -1));
        assertThrows(IllegalArgumentException.class, () -> Shapes.reshape(Tensor.zeros(2, 3), 4, -1));
    }

    @Test
    void flatten() {
        Tensor x = rand(3, 2, 3, 4, 5);
        assertArrayEquals(new int[] {2, 60}, Shapes.flatten(x, 1).shape());
        assertArrayEquals(new int[] {2, 3, 20}, Shapes.flatten(x, -2).shape());
        assertArrayEquals(new int[] {120}, Shapes.flatten(x, 0).shape());
        check("flatten", in -> weighted(Shapes.flatten(in[0], 1)), x);
    }

    @Test
    void transposeAndPermuteValuesAndGradients() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = Shapes.transpose(x, 0, 1);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertValues(new float[] {1, 4, 2, 5, 3, 6}, t, 0);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, 2, 3, 4);
        Tensor p = Shapes.permute(y, 2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(y.get(1, 2, 3), p.get(3, 1, 2));
        assertEquals(y.get(0, 1, 2), p.get(2, 0, 1));
        check("transpose 2d", in -> weighted(Shapes.transpose(in[0], 0, 1)), rand(4, 3, 5));
        check("transpose last two", in -> weighted(Shapes.transpose(in[0], -1, -2)), rand(5, 2, 3, 4));
        check("permute", in -> weighted(Shapes.permute(in[0], 2, 0, 1)), rand(6, 2, 3, 4));
        check("permute 4d", in -> weighted(Shapes.permute(in[0], 0, 2, 3, 1)), rand(7, 2, 3, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> Shapes.permute(y, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Shapes.permute(y, 0, 1));
    }

    @Test
    void concatSplitSlice() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 2, 1);
        Tensor c = Shapes.concat(1, a, b);
        assertArrayEquals(new int[] {2, 3}, c.shape());
        assertValues(new float[] {1, 2, 5, 3, 4, 6}, c, 0);
        assertValues(new float[] {2, 5, 4, 6}, Shapes.slice(c, 1, 1, 3), 0);
        Tensor[] parts = Shapes.split(c, -1, 2, 1);
        assertValues(new float[] {1, 2, 3, 4}, parts[0], 0);
        assertValues(new float[] {5, 6}, parts[1], 0);
        Tensor rows = Shapes.slice(c, 0, 1, 2);
        assertSame(c.data(), rows.data());
        assertValues(new float[] {3, 4, 6}, rows, 0);

        check("concat axis 1", in -> weighted(Shapes.concat(1, in[0], in[1], in[2])),
                rand(10, 2, 3, 2), rand(11, 2, 1, 2), rand(12, 2, 4, 2));
        check("concat axis 0", in -> weighted(Shapes.concat(0, in[0], in[1])), rand(13, 1, 3), rand(14, 2, 3));
        check("concat last", in -> weighted(Shapes.concat(-1, in[0], in[1])), rand(15, 3, 2), rand(16, 3, 5));
        check("split", in -> {
            Tensor[] s = Shapes.split(in[0], 1, 1, 3, 1);
            return Arith.add(Arith.mul(s[0], s[2]), Reductions.sum(s[1], 1, true));
        }, rand(17, 2, 5, 3));
        check("slice middle", in -> weighted(Shapes.slice(in[0], 1, 1, 3)), rand(18, 3, 4, 2));
        check("slice view", in -> weighted(Shapes.slice(in[0], 0, 2, 5)), rand(19, 6, 3));
        check("slice leading ones view", in -> weighted(Shapes.slice(in[0], 1, 1, 2)), rand(20, 1, 3, 2));
    }

    @Test
    void shapeErrorsNameOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().startsWith("concat:") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Shapes.split(Tensor.zeros(2, 5), 1, 2, 2));
        assertTrue(e.getMessage().startsWith("split:") && e.getMessage().contains("[2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Shapes.slice(Tensor.zeros(2, 5), 1, 3, 6));
        assertTrue(e.getMessage().startsWith("slice:") && e.getMessage().contains("[2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Shapes.transpose(Tensor.zeros(2, 5), 0, 2));
        assertTrue(e.getMessage().startsWith("transpose:"), e.getMessage());
    }
}
