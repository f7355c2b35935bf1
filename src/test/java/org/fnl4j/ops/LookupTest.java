package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LookupTest {
    @Test
    void picksRowsWithShape() {
        Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor e = Lookup.embedding(w, new int[] {2, 0, 2, 1}, 2, 2);
        assertArrayEquals(new int[] {2, 2, 2}, e.shape());
        assertValues(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, e, 0);
        assertArrayEquals(new int[] {4, 2}, Lookup.embedding(w, new int[] {2, 0, 2, 1}).shape());
    }

    @Test
    void gradientAccumulatesRepeatedIds() {
        check("embedding", in -> Lookup.embedding(in[0], new int[] {3, 1, 3, 0, 3, 4}, 2, 3), rand(1, 5, 7));
        Tensor w = rand(2, 4, 3);
        org.fnl4j.autograd.Autograd.backward(Reductions.sum(Lookup.embedding(w, new int[] {1, 1, 1})));
        assertValues(new float[] {0, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0, 0}, w.gradTensor(), 0);
    }

    @Test
    void idOutOfRangeIsAClearError() {
        Tensor w = Tensor.zeros(10, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Lookup.embedding(w, new int[] {1, 10, 2}));
        assertTrue(e.getMessage().startsWith("embedding:") && e.getMessage().contains("id 10")
                && e.getMessage().contains("position 1") && e.getMessage().contains("[0, 10)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Lookup.embedding(w, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> Lookup.embedding(w, new int[] {1, 2, 3}, 2, 2));
    }
}
