package org.fnl4j.kernel;

/**
 * The inner loops of the {@link Elementwise} family on arrays, offsets and lengths, following {@link Elementwise}'s
 * contract: {@link ScalarElementwise} is the scalar twin, {@code org.fnl4j.kernel.simd.SimdElementwise} the Vector API one.
 */
public interface ElementwiseKernel {
    /**
     * {@code out[i] = a[aOff + i·aInc] op b[bOff + i·bInc]} for i in [0, n); each increment is
     * 0 (broadcast one value) or 1.
     */
    void binary(Elementwise.Binary op, float[] a, int aOff, int aInc, float[] b, int bOff, int bInc,
                float[] out, int outOff, int n);

    /** {@code y += alpha·x}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out = alpha·x}. */
    void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n);

    /** {@code out = x + c}. */
    void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n);

    /** {@code acc += x·y}. */
    void addMul(float[] x, int xOff, float[] y, int yOff, float[] acc, int accOff, int n);

    /** {@code out = f(x)}. */
    void unary(Elementwise.Unary f, float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * {@code dx += dy·f'(x)}, given the forward input x and output y = f(x) (each function reads
     * whichever is cheaper: RELU, GELU, LOG, SQUARE read x; TANH, SIGMOID, EXP, SQRT read y).
     */
    void unaryBackward(Elementwise.Unary f, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
                       float[] dx, int dxOff, int n);
}
