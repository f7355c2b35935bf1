package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.awayFromZero;
import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BinaryOperator;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ArithTest {
    private static final int[][][] SHAPE_PAIRS = {
        {{3, 5}, {3, 5}},
        {{2, 3, 4}, {4}},
        {{2, 1, 4}, {3, 1}},
        {{4, 1}, {1, 5}},
        {{1, 7}, {7, 1}},
        {{2, 3}, {}},
        {{}, {3, 2}},
        {{5}, {1}},
        {{2, 3, 1, 5}, {3, 4, 1}},
        {{1, 1, 3}, {2, 1, 1}},
    };

    private static void checkBinary(String name, BinaryOperator<Tensor> op, boolean positiveB) {
        long seed = 1;
        for (int[][] p : SHAPE_PAIRS) {
            Tensor a = rand(seed++, p[0]);
            Tensor b = positiveB ? rand(seed++, 0.5f, 2f, p[1]) : rand(seed++, p[1]);
            check(name + " " + java.util.Arrays.toString(p[0]) + " " + java.util.Arrays.toString(p[1]),
                    in -> op.apply(in[0], in[1]), a, b);
            if (!positiveB) {
                // Swap roles too, so both sides of every broadcast pattern are checked.
                check(name + " swapped", in -> op.apply(in[1], in[0]), a, b);
            }
        }
    }

    @Test
    void addGradients() {
        checkBinary("add", Arith::add, false);
    }

    @Test
    void subGradients() {
        checkBinary("sub", Arith::sub, false);
    }

    @Test
    void mulGradients() {
        checkBinary("mul", Arith::mul, false);
    }

    @Test
    void divGradients() {
        checkBinary("div", Arith::div, true);
    }

    @Test
    void onlyOneSideRequiringGradIsChecked() {
        Tensor a = rand(3, 2, 3);
        Tensor b = Tensor.uniform(new org.fnl4j.tensor.Rng(4), 0.5f, 2f, 3);
        check("div, b constant", in -> Arith.div(in[0], in[1]), a, b);
        check("mul, a constant", in -> Arith.mul(in[1], in[0]), a, b);
        org.junit.jupiter.api.Assertions.assertNull(b.grad());
    }

    @Test
    void sameTensorOnBothSides() {
        Tensor a = rand(5, 3, 4);
        check("mul(a, a)", in -> Arith.mul(in[0], in[0]), a);
        check("sub(a, a)", in -> Arith.add(Arith.sub(in[0], in[0]), in[0]), a);
    }

    @Test
    void broadcastForwardValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor col = Tensor.of(new float[] {10, 20}, 2, 1);
        Tensor row = Tensor.of(new float[] {1, 2, 4}, 3);
        Tensor s = Arith.sub(a, col);
        assertArrayEquals(new int[] {2, 3}, s.shape());
        assertValues(new float[] {-9, -8, -7, -16, -15, -14}, s, 0);
        assertValues(new float[] {1, 1, 0.75f, 4, 2.5f, 1.5f}, Arith.div(a, row), 1e-7);
        Tensor outer = Arith.mul(col, Tensor.of(new float[] {1, 2, 3}, 1, 3));
        assertArrayEquals(new int[] {2, 3}, outer.shape());
        assertValues(new float[] {10, 20, 30, 20, 40, 60}, outer, 0);
        assertValues(new float[] {8, 7, 6, 5, 4, 3}, Arith.sub(Tensor.scalar(9), a), 0);
    }

    @Test
    void broadcastShapeMismatchNamesOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Arith.add(Tensor.zeros(2, 3), Tensor.zeros(4)));
        assertTrue(e.getMessage().startsWith("add:"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Arith.mul(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 3, 1)));
        assertTrue(e.getMessage().startsWith("mul:") && e.getMessage().contains("[3, 3, 1]"), e.getMessage());
    }

    @Test
    void scalarOpGradients() {
        check("addScalar", in -> Arith.addScalar(in[0], 2.5f), rand(11, 3, 4));
        check("mulScalar", in -> Arith.mulScalar(in[0], -1.5f), rand(12, 5));
        check("neg", in -> Arith.neg(in[0]), rand(13, 2, 1, 3));
        assertValues(new float[] {3.5f, 1.5f}, Arith.addScalar(Tensor.of(new float[] {1, -1}, 2), 2.5f), 0);
        assertValues(new float[] {-3f, 1.5f}, Arith.mulScalar(Tensor.of(new float[] {2, -1}, 2), -1.5f), 0);
    }

    @Test
    void unaryGradients() {
        for (int[] shape : new int[][] {{7}, {3, 5}, {1, 4, 1}, {}}) {
            check("exp", in -> Arith.exp(in[0]), rand(21, shape));
            check("log", in -> Arith.log(in[0]), rand(22, 0.5f, 3f, shape));
            check("sqrt", in -> Arith.sqrt(in[0]), rand(23, 0.5f, 3f, shape));
            check("square", in -> Arith.square(in[0]), awayFromZero(24, shape));
        }
    }

    @Test
    void unaryForwardValues() {
        Tensor x = Tensor.of(new float[] {0.25f, 1f, 4f}, 3);
        assertValues(new float[] {0.5f, 1f, 2f}, Arith.sqrt(x), 1e-7);
        assertValues(new float[] {(float) Math.log(0.25), 0f, (float) Math.log(4)}, Arith.log(x), 1e-6);
        assertValues(new float[] {(float) Math.exp(0.25), (float) Math.E, (float) Math.exp(4)}, Arith.exp(x), 1e-5);
        assertValues(new float[] {0.0625f, 1f, 16f}, Arith.square(x), 0);
    }
}
