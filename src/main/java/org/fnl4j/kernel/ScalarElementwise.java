package org.fnl4j.kernel;

import org.fnl4j.kernel.Elementwise.Binary;
import org.fnl4j.kernel.Elementwise.Unary;

/**
 * Scalar twin of the elementwise kernels (contract in {@link Elementwise}). Transcendentals are
 * evaluated in double and rounded once, so this twin is also the accuracy reference.
 */
public final class ScalarElementwise implements ElementwiseKernel {
    /** √(2/π), the GELU tanh-form constant. */
    static final double GELU_K = 0.7978845608028654;
    /** Cubic coefficient of the GELU tanh form. */
    static final double GELU_C = 0.044715;

    @Override
    public void binary(Binary op, float[] a, int aOff, int aInc, float[] b, int bOff, int bInc,
                       float[] out, int outOff, int n) {
        if (aInc == 1 && bInc == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - b[bOff + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / b[bOff + i]; }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        } else if (aInc == 1 && bInc == 0) {
            float s = n > 0 ? b[bOff] : 0f;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + s; }
                case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - s; }
                case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * s; }
                case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / s; }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        } else if (aInc == 0 && bInc == 1) {
            float s = n > 0 ? a[aOff] : 0f;
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = s + b[bOff + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = s - b[bOff + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = s * b[bOff + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = s / b[bOff + i]; }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
        } else if (aInc == 0 && bInc == 0) {
            if (n > 0) {
                java.util.Arrays.fill(out, outOff, outOff + n, apply(op, a[aOff], b[bOff]));
            }
        } else {
            throw new IllegalArgumentException("binary: increments must be 0 or 1, got aInc=" + aInc + " bInc=" + bInc);
        }
    }

    static float apply(Binary op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] + c;
        }
    }

    @Override
    public void addMul(float[] x, int xOff, float[] y, int yOff, float[] acc, int accOff, int n) {
        for (int i = 0; i < n; i++) {
            acc[accOff + i] += x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void unary(Unary f, float[] x, int xOff, float[] out, int outOff, int n) {
        switch (f) {
            case RELU -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0f); }
            case GELU -> { for (int i = 0; i < n; i++) out[outOff + i] = gelu(x[xOff + i]); }
            case TANH -> { for (int i = 0; i < n; i++) out[outOff + i] = tanh(x[xOff + i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) out[outOff + i] = sigmoid(x[xOff + i]); }
            case EXP -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.log(x[xOff + i]); }
            case SQRT -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.sqrt(x[xOff + i]); }
            case SQUARE -> { for (int i = 0; i < n; i++) { float v = x[xOff + i]; out[outOff + i] = v * v; } }
            default -> throw new IllegalArgumentException("unary: unknown function " + f);
        }
    }

    @Override
    public void unaryBackward(Unary f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                              float[] dx, int dxOff, int n) {
        switch (f) {
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    dx[dxOff + i] += x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
                }
            }
            case GELU -> { for (int i = 0; i < n; i++) dx[dxOff + i] += dy[dyOff + i] * geluDerivative(x[xOff + i]); }
            case TANH -> {
                for (int i = 0; i < n; i++) { float t = y[yOff + i]; dx[dxOff + i] += dy[dyOff + i] * (1f - t * t); }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) { float s = y[yOff + i]; dx[dxOff + i] += dy[dyOff + i] * (s * (1f - s)); }
            }
            case EXP -> { for (int i = 0; i < n; i++) dx[dxOff + i] += dy[dyOff + i] * y[yOff + i]; }
            case LOG -> { for (int i = 0; i < n; i++) dx[dxOff + i] += dy[dyOff + i] / x[xOff + i]; }
            case SQRT -> { for (int i = 0; i < n; i++) dx[dxOff + i] += dy[dyOff + i] * 0.5f / y[yOff + i]; }
            case SQUARE -> { for (int i = 0; i < n; i++) dx[dxOff + i] += dy[dyOff + i] * 2f * x[xOff + i]; }
            default -> throw new IllegalArgumentException("unaryBackward: unknown function " + f);
        }
    }

    static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    /**
     * tanh through the intrinsic e^x (Math.tanh is not intrinsified and is several times slower):
     * tanh x = 1 - 2/(e^2x + 1), in double, so the absolute error near 0 stays far below float's.
     */
    static float tanh(float v) {
        return (float) (1.0 - 2.0 / (Math.exp(2.0 * v) + 1.0));
    }

    /** gelu(x) = 0.5·x·(1 + tanh u) = x·σ(2u) = x / (1 + e^(-2u)), u = √(2/π)·(x + 0.044715·x³). */
    static float gelu(float v) {
        double x = v;
        return (float) (x / (1.0 + Math.exp(-2.0 * GELU_K * (x + GELU_C * x * x * x))));
    }

    static float geluDerivative(float v) {
        double x = v;
        double s = 1.0 / (1.0 + Math.exp(-2.0 * GELU_K * (x + GELU_C * x * x * x)));
        // 0.5·(1 + t) = s and 1 - t² = 4·s·(1 - s), with t = tanh u = 2s - 1.
        return (float) (s + 2.0 * x * s * (1.0 - s) * GELU_K * (1.0 + 3.0 * GELU_C * x * x));
    }
}
