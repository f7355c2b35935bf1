package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PaddingTest {
    @Test
    void subsamplesAndPadsChannels() {
        float[] v = new float[2 * 9];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        Tensor x = Tensor.of(v, 1, 2, 3, 3);
        Tensor y = Padding.optionAShortcut(x, 4, 2);
        assertArrayEquals(new int[] {1, 4, 2, 2}, y.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 3, 7, 9, 10, 12, 16, 18, 0, 0, 0, 0}, y.toArray());
    }

    @Test
    void gradient() {
        Rng rng = new Rng(51);
        check("optionAShortcut stride 2", in -> Padding.optionAShortcut(in[0], 6, 2), 1e-3, leaf(rng, 2, 2, 5, 4));
        check("optionAShortcut stride 1", in -> Padding.optionAShortcut(in[0], 4, 1), 1e-3, leaf(rng, 1, 2, 3, 3));
    }

    @Test
    void oddChannelDifferenceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Padding.optionAShortcut(Tensor.zeros(1, 3, 4, 4), 6, 2));
        assertTrue(e.getMessage().contains("optionAShortcut") && e.getMessage().contains("[1, 3, 4, 4]"), e.getMessage());
    }
}
