package org.fnl4j.kernel;

/**
 * Elementwise float kernels over contiguous runs of arrays: {@code n} elements read from
 * {@code x[xOff .. xOff + n)} and written to {@code out[outOff .. outOff + n)}. They allocate
 * nothing and never see a Tensor. An output may alias an input at the same offset (in place); other
 * overlaps are undefined.
 *
 * <p>Methods named {@code ...Backward}, {@link #axpy} and {@link #addMul} <b>accumulate</b>
 * ({@code +=}) into their last array, which is what a reverse-mode tape needs; the others overwrite.
 *
 * <p>The implementation is chosen once per JVM by {@link Kernels#active()}: the Vector API twin
 * {@code org.fnl4j.kernel.simd.SimdElementwise} or {@link ScalarElementwise}.
 *
 * <p>Threads: every kernel splits runs of at least {@value #PARALLEL_MIN} elements into fixed
 * chunks of {@value #CHUNK} elements on {@link Parallel}. Each element is computed on its own, so
 * results are bit-identical at any thread count. (Memory-bound kernels gain from a second core
 * too: one core does not saturate the memory bus, and the activations of a training step are
 * mostly in L2/L3, where the work is bound by the core, not by memory.)
 */
public final class Elementwise {
    /** Binary operators of {@link #binary}. */
    public enum Binary { ADD, SUB, MUL, DIV }

    /**
     * Unary functions of {@link #unary} and {@link #unaryBackward}. GELU is the tanh form
     * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}; RELU's derivative at 0 is 0.
     */
    public enum Unary { RELU, GELU, TANH, SIGMOID, EXP, LOG, SQRT, SQUARE }

    private static final ElementwiseKernel IMPL = Kernels.active().elementwise();

    /** Smallest run that {@link #unary} and {@link #unaryBackward} split across threads. */
    public static final int PARALLEL_MIN = 1 << 15;
    /** Elements per chunk of a split run (a multiple of every vector length). */
    public static final int CHUNK = 1 << 13;

    private Elementwise() {}

    /** @return the implementation in use (SIMD or scalar). */
    public static ElementwiseKernel impl() {
        return IMPL;
    }

    /** See {@link ElementwiseKernel#binary}. */
    public static void binary(Binary op, float[] a, int aOff, int aInc, float[] b, int bOff, int bInc,
                              float[] out, int outOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.binary(op, a, aOff, aInc, b, bOff, bInc, out, outOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.binary(op, a, aOff + s * aInc, aInc, b, bOff + s * bInc, bInc, out, outOff + s, len));
    }

    /** {@code out = a + b}. */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        IMPL.binary(Binary.ADD, a, aOff, 1, b, bOff, 1, out, outOff, n);
    }

    /** {@code out = a - b}. */
    public static void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        IMPL.binary(Binary.SUB, a, aOff, 1, b, bOff, 1, out, outOff, n);
    }

    /** {@code out = a · b}. */
    public static void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        IMPL.binary(Binary.MUL, a, aOff, 1, b, bOff, 1, out, outOff, n);
    }

    /** {@code out = a / b}. */
    public static void div(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        IMPL.binary(Binary.DIV, a, aOff, 1, b, bOff, 1, out, outOff, n);
    }

    /** {@code y += alpha·x}. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.axpy(alpha, x, xOff, y, yOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.axpy(alpha, x, xOff + s, y, yOff + s, len));
    }

    /** {@code out = alpha·x}. */
    public static void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.scale(alpha, x, xOff, out, outOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.scale(alpha, x, xOff + s, out, outOff + s, len));
    }

    /** {@code out = x + c}. */
    public static void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.addScalar(c, x, xOff, out, outOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.addScalar(c, x, xOff + s, out, outOff + s, len));
    }

    /** {@code acc += x·y}. */
    public static void addMul(float[] x, int xOff, float[] y, int yOff, float[] acc, int accOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.addMul(x, xOff, y, yOff, acc, accOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.addMul(x, xOff + s, y, yOff + s, acc, accOff + s, len));
    }

    /** {@code out = f(x)}; long runs run on several threads. */
    public static void unary(Unary f, float[] x, int xOff, float[] out, int outOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.unary(f, x, xOff, out, outOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.unary(f, x, xOff + s, out, outOff + s, len));
    }

    /** {@code dx += dy·f'(x)}; see {@link ElementwiseKernel#unaryBackward}. Threads as in {@link #unary}. */
    public static void unaryBackward(Unary f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                                     float[] dx, int dxOff, int n) {
        if (n < PARALLEL_MIN) {
            IMPL.unaryBackward(f, x, xOff, y, yOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        split(n, (s, len) -> IMPL.unaryBackward(f, x, xOff + s, y, yOff + s, dy, dyOff + s, dx, dxOff + s, len));
    }

    /** A run [start, start + length) of a split elementwise job. */
    private interface Run {
        void apply(int start, int length);
    }

    /** Runs body over [0, n) in fixed chunks of {@link #CHUNK} on {@link Parallel}. */
    private static void split(int n, Run body) {
        Parallel.forChunks((n + CHUNK - 1) / CHUNK, c -> {
            int s = c * CHUNK;
            body.apply(s, Math.min(CHUNK, n - s));
        });
    }

    /** {@code out = max(x, 0)}. */
    public static void relu(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.RELU, x, xOff, out, outOff, n);
    }

    /** {@code out = gelu(x)}, tanh form. */
    public static void gelu(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.GELU, x, xOff, out, outOff, n);
    }

    /** {@code out = tanh(x)}. */
    public static void tanh(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.TANH, x, xOff, out, outOff, n);
    }

    /** {@code out = 1 / (1 + exp(-x))}. */
    public static void sigmoid(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.SIGMOID, x, xOff, out, outOff, n);
    }

    /** {@code out = exp(x)}. */
    public static void exp(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.EXP, x, xOff, out, outOff, n);
    }

    /** {@code out = ln(x)}. */
    public static void log(float[] x, int xOff, float[] out, int outOff, int n) {
        unary(Unary.LOG, x, xOff, out, outOff, n);
    }
}
