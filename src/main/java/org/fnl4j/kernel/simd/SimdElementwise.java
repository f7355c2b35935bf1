package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Elementwise.Binary;
import org.fnl4j.kernel.Elementwise.Unary;
import org.fnl4j.kernel.ScalarElementwise;

/**
 * Vector API twin of the elementwise kernels (contract in {@link Elementwise}): full vectors of
 * {@code FloatVector.SPECIES_PREFERRED}, then the scalar twin for the tail. Transcendentals use
 * the Vector API's float EXP/LOG/TANH, so results differ from the scalar twin in the last bits.
 * GELU and sigmoid are computed through e^x (gelu(x) = x·σ(2u), tanh u = 2σ(2u) - 1).
 */
public final class SimdElementwise implements Elementwise.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float GELU_K = 0.7978845608028654f;
    private static final float GELU_C = 0.044715f;
    private static final ScalarElementwise TAIL = new ScalarElementwise();

    @Override
    public void binary(Binary op, float[] a, int aOff, int aInc, float[] b, int bOff, int bInc,
                       float[] out, int outOff, int n) {
        if ((aInc != 0 && aInc != 1) || (bInc != 0 && bInc != 1)) {
            throw new IllegalArgumentException("binary: increments must be 0 or 1, got aInc=" + aInc + " bInc=" + bInc);
        }
        if (aInc == 0 && bInc == 0) {
            TAIL.binary(op, a, aOff, 0, b, bOff, 0, out, outOff, n);
            return;
        }
        int bound = S.loopBound(n);
        int i = 0;
        if (aInc == 1 && bInc == 1) {
            switch (op) {
                case ADD -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case SUB -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case MUL -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case DIV -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        } else if (aInc == 1) {
            FloatVector s = FloatVector.broadcast(S, n > 0 ? b[bOff] : 0f);
            switch (op) {
                case ADD -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).add(s).intoArray(out, outOff + i); }
                case SUB -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).sub(s).intoArray(out, outOff + i); }
                case MUL -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).mul(s).intoArray(out, outOff + i); }
                case DIV -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).div(s).intoArray(out, outOff + i); }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        } else {
            FloatVector s = FloatVector.broadcast(S, n > 0 ? a[aOff] : 0f);
            switch (op) {
                case ADD -> { for (; i < bound; i += S.length()) s.add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case SUB -> { for (; i < bound; i += S.length()) s.sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case MUL -> { for (; i < bound; i += S.length()) s.mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                case DIV -> { for (; i < bound; i += S.length()) s.div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        }
        if (i < n) {
            TAIL.binary(op, a, aOff + i * aInc, aInc, b, bOff + i * bInc, bInc, out, outOff + i, n - i);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(out, outOff + i);
        }
        TAIL.scale(alpha, x, xOff + i, out, outOff + i, n - i);
    }

    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).add(c).intoArray(out, outOff + i);
        }
        TAIL.addScalar(c, x, xOff + i, out, outOff + i, n - i);
    }

    @Override
    public void addMul(float[] x, int xOff, float[] y, int yOff, float[] acc, int accOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i),
                    FloatVector.fromArray(S, acc, accOff + i)).intoArray(acc, accOff + i);
        }
        for (; i < n; i++) {
            acc[accOff + i] = Math.fma(x[xOff + i], y[yOff + i], acc[accOff + i]);
        }
    }

    @Override
    public void unary(Unary f, float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        switch (f) {
            case RELU -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).max(0f).intoArray(out, outOff + i); }
            case GELU -> {
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    v.div(sigmoidOfMinus2U(v).add(1f)).intoArray(out, outOff + i);
                }
            }
            case TANH -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.TANH).intoArray(out, outOff + i); }
            case SIGMOID -> {
                for (; i < bound; i += S.length()) {
                    FloatVector e = FloatVector.fromArray(S, x, xOff + i).neg().lanewise(VectorOperators.EXP);
                    FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(out, outOff + i);
                }
            }
            case EXP -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.EXP).intoArray(out, outOff + i); }
            case LOG -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.LOG).intoArray(out, outOff + i); }
            case SQRT -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).sqrt().intoArray(out, outOff + i); }
            case SQUARE -> {
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    v.mul(v).intoArray(out, outOff + i);
                }
            }
            default -> throw new IllegalArgumentException("unary: unknown function " + f);
        }
        TAIL.unary(f, x, xOff + i, out, outOff + i, n - i);
    }

    /** @return e^(-2u) with u = √(2/π)·(x + 0.044715·x³), so that gelu(x) = x / (1 + e^(-2u)). */
    private static FloatVector sigmoidOfMinus2U(FloatVector v) {
        FloatVector u = v.mul(v).mul(GELU_C).add(1f).mul(v).mul(-2f * GELU_K);
        return u.lanewise(VectorOperators.EXP);
    }

    @Override
    public void unaryBackward(Unary f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                              float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        switch (f) {
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < bound; i += S.length()) {
                    VectorMask<Float> pos = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
                    FloatVector.fromArray(S, dx, dxOff + i).add(zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pos))
                            .intoArray(dx, dxOff + i);
                }
            }
            case GELU -> {
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    FloatVector x2 = v.mul(v);
                    FloatVector s = FloatVector.broadcast(S, 1f).div(sigmoidOfMinus2U(v).add(1f));
                    FloatVector t = s.mul(2f).sub(1f);
                    // 0.5(1 + t) + 0.5·x·(1 - t²)·k·(1 + 3c·x²), with 0.5(1 + t) = s
                    FloatVector d = t.mul(t).neg().add(1f).mul(v).mul(x2.mul(3f * GELU_C).add(1f)).mul(0.5f * GELU_K).add(s);
                    FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case TANH -> {
                for (; i < bound; i += S.length()) {
                    FloatVector t = FloatVector.fromArray(S, y, yOff + i);
                    FloatVector d = t.mul(t).neg().add(1f);
                    FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += S.length()) {
                    FloatVector s = FloatVector.fromArray(S, y, yOff + i);
                    FloatVector d = s.mul(s.neg().add(1f));
                    FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case EXP -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, dy, dyOff + i).fma(FloatVector.fromArray(S, y, yOff + i),
                            FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case LOG -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, dy, dyOff + i).div(FloatVector.fromArray(S, x, xOff + i))
                            .add(FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case SQRT -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, dy, dyOff + i).mul(0.5f).div(FloatVector.fromArray(S, y, yOff + i))
                            .add(FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            case SQUARE -> {
                for (; i < bound; i += S.length()) {
                    FloatVector.fromArray(S, dy, dyOff + i).mul(2f).fma(FloatVector.fromArray(S, x, xOff + i),
                            FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
                }
            }
            default -> throw new IllegalArgumentException("unaryBackward: unknown function " + f);
        }
        TAIL.unaryBackward(f, x, xOff + i, y, yOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }
}
