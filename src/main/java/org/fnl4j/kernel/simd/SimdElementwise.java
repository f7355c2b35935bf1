package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.Elementwise.Binary;
import org.fnl4j.kernel.Elementwise.Unary;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.ElementwiseKernel;
import org.fnl4j.kernel.ScalarElementwise;

/**
 * Vector API twin of the elementwise kernels (contract in {@link Elementwise}): full vectors of
 * {@code FloatVector.SPECIES_PREFERRED}, then the scalar twin for the tail. Transcendentals use
 * {@link VMath}'s exp and tanh (so results differ from the scalar twin in the last bits but do not
 * depend on JIT state); LOG runs on the scalar twin. GELU and sigmoid are computed through e^x
 * (gelu(x) = x·σ(2u), tanh u = 2σ(2u) - 1).
 */
public final class SimdElementwise implements ElementwiseKernel {
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
        if (n <= 0) {
            return;
        }
        if (aInc == 0 && bInc == 0) {
            TAIL.binary(op, a, aOff, 0, b, bOff, 0, out, outOff, n);
            return;
        }
        int i;
        if (aInc == 1 && bInc == 1) {
            i = vectorVector(op, a, aOff, b, bOff, out, outOff, n);
        } else if (aInc == 1) {
            i = vectorScalar(op, a, aOff, b[bOff], out, outOff, n);
        } else {
            i = scalarVector(op, a[aOff], b, bOff, out, outOff, n);
        }
        if (i < n) {
            TAIL.binary(op, a, aOff + i * aInc, aInc, b, bOff + i * bInc, bInc, out, outOff + i, n - i);
        }
    }

    private static int vectorVector(Binary op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        switch (op) {
            case ADD -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case SUB -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case MUL -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case DIV -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            default -> throw new IllegalArgumentException("binary: unknown op " + op);
        }
        return i;
    }

    private static int vectorScalar(Binary op, float[] a, int aOff, float b, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        FloatVector s = FloatVector.broadcast(S, b);
        switch (op) {
            case ADD -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).add(s).intoArray(out, outOff + i); }
            case SUB -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).sub(s).intoArray(out, outOff + i); }
            case MUL -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).mul(s).intoArray(out, outOff + i); }
            case DIV -> { for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, aOff + i).div(s).intoArray(out, outOff + i); }
            default -> throw new IllegalArgumentException("binary: unknown op " + op);
        }
        return i;
    }

    private static int scalarVector(Binary op, float a, float[] b, int bOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        FloatVector s = FloatVector.broadcast(S, a);
        switch (op) {
            case ADD -> { for (; i < bound; i += S.length()) s.add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case SUB -> { for (; i < bound; i += S.length()) s.sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case MUL -> { for (; i < bound; i += S.length()) s.mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            case DIV -> { for (; i < bound; i += S.length()) s.div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i); }
            default -> throw new IllegalArgumentException("binary: unknown op " + op);
        }
        return i;
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
        // One small method per function: C2 compiles and inlines each quickly, where one large
        // switch of vector loops stayed interpreted (allocating a box per vector op) for seconds.
        int i = switch (f) {
            case RELU -> relu(x, xOff, out, outOff, n);
            case GELU -> gelu(x, xOff, out, outOff, n);
            case TANH -> tanh(x, xOff, out, outOff, n);
            case SIGMOID -> sigmoid(x, xOff, out, outOff, n);
            case EXP -> exp(x, xOff, out, outOff, n);
            case LOG -> log(x, xOff, out, outOff, n);
            case SQRT -> sqrt(x, xOff, out, outOff, n);
            case SQUARE -> square(x, xOff, out, outOff, n);
        };
        TAIL.unary(f, x, xOff + i, out, outOff + i, n - i);
    }

    private static int relu(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).max(0f).intoArray(out, outOff + i);
        return i;
    }

    private static int gelu(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.div(expMinus2U(v).add(1f)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int tanh(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) VMath.tanh(FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        return i;
    }

    private static int sigmoid(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < bound; i += S.length()) {
            FloatVector e = VMath.exp(FloatVector.fromArray(S, x, xOff + i).neg());
            one.div(e.add(1f)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int exp(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) VMath.exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        return i;
    }

    /** ln x is left to the scalar twin (Math.log): it is rare in training and has no JIT-stable vector form here. */
    private static int log(float[] x, int xOff, float[] out, int outOff, int n) {
        return 0;
    }

    private static int sqrt(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xOff + i).sqrt().intoArray(out, outOff + i);
        return i;
    }

    private static int square(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.mul(v).intoArray(out, outOff + i);
        }
        return i;
    }

    /** @return e^(-2u) with u = √(2/π)·(x + 0.044715·x³), so that gelu(x) = x / (1 + e^(-2u)). */
    private static FloatVector expMinus2U(FloatVector v) {
        FloatVector u = v.mul(v).mul(GELU_C).add(1f).mul(v).mul(-2f * GELU_K);
        return VMath.exp(u);
    }

    @Override
    public void unaryBackward(Unary f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                              float[] dx, int dxOff, int n) {
        int i = switch (f) {
            case RELU -> reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
            case GELU -> geluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
            case TANH -> tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            case SIGMOID -> sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            case EXP -> expBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            case LOG -> logBackward(x, xOff, dy, dyOff, dx, dxOff, n);
            case SQRT -> sqrtBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            case SQUARE -> squareBackward(x, xOff, dy, dyOff, dx, dxOff, n);
        };
        TAIL.unaryBackward(f, x, xOff + i, y, yOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }

    private static int reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            VectorMask<Float> pos = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dx, dxOff + i).add(zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pos))
                    .intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector s = one.div(expMinus2U(v).add(1f));
            // gelu' = 0.5(1 + t) + 0.5·x·(1 - t²)·k·(1 + 3c·x²) with t = 2s - 1: 0.5(1 + t) = s, 1 - t² = 4s(1 - s).
            FloatVector poly = v.mul(v).mul(3f * GELU_C).add(1f).mul(v);
            FloatVector d = s.mul(one.sub(s)).mul(poly).mul(2f * GELU_K).add(s);
            FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector t = FloatVector.fromArray(S, y, yOff + i);
            FloatVector d = t.mul(t).neg().add(1f);
            FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector s = FloatVector.fromArray(S, y, yOff + i);
            FloatVector d = s.mul(s.neg().add(1f));
            FloatVector.fromArray(S, dy, dyOff + i).fma(d, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dy, dyOff + i).fma(FloatVector.fromArray(S, y, yOff + i),
                    FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dy, dyOff + i).div(FloatVector.fromArray(S, x, xOff + i))
                    .add(FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int sqrtBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dy, dyOff + i).mul(0.5f).div(FloatVector.fromArray(S, y, yOff + i))
                    .add(FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }

    private static int squareBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int bound = S.loopBound(n), i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dy, dyOff + i).mul(2f).fma(FloatVector.fromArray(S, x, xOff + i),
                    FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        return i;
    }
}
