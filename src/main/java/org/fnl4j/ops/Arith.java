package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Elementwise.Binary;
import org.fnl4j.kernel.Elementwise.Unary;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable arithmetic. The binary ops broadcast with NumPy rules (trailing dimensions aligned,
 * each pair equal or 1); the result has the broadcast shape and the backward sums the gradient over
 * the broadcast dimensions of each input. Unary ops keep the input's shape. Every op returns a new
 * tensor and records one node.
 */
public final class Arith {
    private Arith() {}

    /** a + b, broadcast. */
    public static Tensor add(Tensor a, Tensor b) {
        return binary("add", Binary.ADD, a, b);
    }

    /** a - b, broadcast. */
    public static Tensor sub(Tensor a, Tensor b) {
        return binary("sub", Binary.SUB, a, b);
    }

    /** a · b elementwise, broadcast. */
    public static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Binary.MUL, a, b);
    }

    /** a / b elementwise, broadcast. */
    public static Tensor div(Tensor a, Tensor b) {
        return binary("div", Binary.DIV, a, b);
    }

    private static Tensor binary(String name, Binary op, Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        int[] os = Broadcast.shape(name, as, bs);
        Tensor out = Tensor.zeros(os);
        int n = out.size();
        boolean aFull = a.size() == n, bFull = b.size() == n;
        if (aFull && bFull) {
            Elementwise.binary(op, a.data(), a.offset(), 1, b.data(), b.offset(), 1, out.data(), 0, n);
        } else {
            Broadcast.binary(op, a.data(), a.offset(), as, b.data(), b.offset(), bs, out.data(), 0, os);
        }
        return Autograd.record(name, out, () -> {
            float[] g = out.grad();
            if (a.requiresGrad()) {
                float[] ga = TapeAccess.gradBuffer(a);
                switch (op) {
                    case ADD, SUB -> accumulate(g, os, ga, as, 1f);
                    case MUL -> {
                        if (aFull && bFull) {
                            Elementwise.addMul(g, 0, b.data(), b.offset(), ga, 0, n);
                        } else {
                            accumulate(broadcastOp(Binary.MUL, g, os, b), os, ga, as, 1f);
                        }
                    }
                    case DIV -> accumulate(broadcastOp(Binary.DIV, g, os, b), os, ga, as, 1f);
                    default -> throw new IllegalStateException(name + ": unknown op " + op);
                }
            }
            if (b.requiresGrad()) {
                float[] gb = TapeAccess.gradBuffer(b);
                switch (op) {
                    case ADD -> accumulate(g, os, gb, bs, 1f);
                    case SUB -> accumulate(g, os, gb, bs, -1f);
                    case MUL -> {
                        if (aFull && bFull) {
                            Elementwise.addMul(g, 0, a.data(), a.offset(), gb, 0, n);
                        } else {
                            accumulate(broadcastOp(Binary.MUL, g, os, a), os, gb, bs, 1f);
                        }
                    }
                    case DIV -> {
                        // d(a/b)/db = -(a/b)/b = -out/b
                        float[] t = new float[n];
                        Elementwise.mul(g, 0, out.data(), 0, t, 0, n);
                        Broadcast.binary(Binary.DIV, t, 0, os, b.data(), b.offset(), bs, t, 0, os);
                        accumulate(t, os, gb, bs, -1f);
                    }
                    default -> throw new IllegalStateException(name + ": unknown op " + op);
                }
            }
        }, a, b);
    }

    /** @return g (shape os) op other broadcast to os, in a new array. */
    private static float[] broadcastOp(Binary op, float[] g, int[] os, Tensor other) {
        float[] t = new float[g.length];
        Broadcast.binary(op, g, 0, os, other.data(), other.offset(), other.shape(), t, 0, os);
        return t;
    }

    /** acc (accShape) += sign · g (shape os) reduced over broadcast dimensions. */
    private static void accumulate(float[] g, int[] os, float[] acc, int[] accShape, float sign) {
        if (acc.length == g.length) {
            Elementwise.axpy(sign, g, 0, acc, 0, g.length);
        } else {
            Broadcast.reduceInto(g, 0, os, acc, 0, accShape, sign);
        }
    }

    /** x + c. */
    public static Tensor addScalar(Tensor x, float c) {
        Tensor out = Tensor.zeros(x.shape());
        Elementwise.addScalar(c, x.data(), x.offset(), out.data(), 0, x.size());
        return Autograd.record("addScalar", out, () -> {
            if (x.requiresGrad()) {
                Elementwise.axpy(1f, out.grad(), 0, TapeAccess.gradBuffer(x), 0, x.size());
            }
        }, x);
    }

    /** x · c. */
    public static Tensor mulScalar(Tensor x, float c) {
        return scaled("mulScalar", x, c);
    }

    /** -x. */
    public static Tensor neg(Tensor x) {
        return scaled("neg", x, -1f);
    }

    private static Tensor scaled(String name, Tensor x, float c) {
        Tensor out = Tensor.zeros(x.shape());
        Elementwise.scale(c, x.data(), x.offset(), out.data(), 0, x.size());
        return Autograd.record(name, out, () -> {
            if (x.requiresGrad()) {
                Elementwise.axpy(c, out.grad(), 0, TapeAccess.gradBuffer(x), 0, x.size());
            }
        }, x);
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return unary("exp", Unary.EXP, x);
    }

    /** Natural logarithm (NaN for negative inputs, -Infinity at 0, as in IEEE arithmetic). */
    public static Tensor log(Tensor x) {
        return unary("log", Unary.LOG, x);
    }

    /** √x. */
    public static Tensor sqrt(Tensor x) {
        return unary("sqrt", Unary.SQRT, x);
    }

    /** x². */
    public static Tensor square(Tensor x) {
        return unary("square", Unary.SQUARE, x);
    }

    /** One node applying f elementwise; shared with {@link Activations}. */
    static Tensor unary(String name, Unary f, Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        Elementwise.unary(f, x.data(), x.offset(), out.data(), 0, x.size());
        return Autograd.record(name, out, () -> {
            if (x.requiresGrad()) {
                Elementwise.unaryBackward(f, x.data(), x.offset(), out.data(), 0, out.grad(), 0,
                        TapeAccess.gradBuffer(x), 0, x.size());
            }
        }, x);
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
