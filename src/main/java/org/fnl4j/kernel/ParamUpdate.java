package org.fnl4j.kernel;

/**
 * Elementwise optimizer updates of one parameter run: {@code n} weights {@code w[wOff .. wOff + n)}
 * with their gradients {@code g[gOff .. gOff + n)} and, where the method has them, state buffers
 * ({@code buf}, {@code m}, {@code v}) at their own offsets. They allocate nothing, never see a
 * Tensor, and stay on the calling thread (the optimizers split long runs into fixed chunks
 * themselves). Arrays must not overlap, except that distinct runs of one array are fine.
 *
 * <p>What is written: the update methods <b>overwrite</b> the weights and the state buffers they
 * take and only read the gradient; {@link #addDecay} <b>accumulates</b> into the gradient and
 * only reads the weights.
 *
 * <p>Every implementation evaluates, per element, exactly the float expression written in each
 * method's Javadoc, operation by operation (no fused multiply-add, no reassociation), so the SIMD
 * twin gives the same bits as {@link ScalarParamUpdate}. That is what keeps an optimizer's result
 * independent of how a run is split into chunks, and so of the thread count.
 *
 * <p>The implementation is chosen once per JVM by {@link Kernels#active()}: the Vector API twin
 * {@code org.fnl4j.kernel.simd.SimdParamUpdate} or {@link ScalarParamUpdate}. The Vector API matters
 * here because C2 does not auto-vectorize these loops: the weights sit at an offset into an array
 * that may be the gradient's, so it cannot rule out aliasing.
 */
public final class ParamUpdate {
    private static final ParamUpdateKernel IMPL = Kernels.active().paramUpdate();

    private ParamUpdate() {}

    /** @return the implementation in use (SIMD or scalar). */
    public static ParamUpdateKernel impl() {
        return IMPL;
    }

    /** See {@link ParamUpdateKernel#sgd}. */
    public static void sgd(float[] w, int wOff, float[] g, int gOff, int n, float lr, float l2, float shrink) {
        IMPL.sgd(w, wOff, g, gOff, n, lr, l2, shrink);
    }

    /** See {@link ParamUpdateKernel#sgdMomentumFirst}. */
    public static void sgdMomentumFirst(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                        float lr, float l2, float shrink, float mu, boolean nesterov) {
        IMPL.sgdMomentumFirst(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, nesterov);
    }

    /** See {@link ParamUpdateKernel#sgdMomentum}. */
    public static void sgdMomentum(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                   float lr, float l2, float shrink, float mu, float dampening, boolean nesterov) {
        IMPL.sgdMomentum(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, dampening, nesterov);
    }

    /** See {@link ParamUpdateKernel#adamW}. */
    public static void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                             float shrink, float l2, float beta1, float beta2, float stepSize, float invSqrtBc2,
                             float eps) {
        IMPL.adamW(w, wOff, g, gOff, m, mOff, v, vOff, n, shrink, l2, beta1, beta2, stepSize, invSqrtBc2, eps);
    }

    /** See {@link ParamUpdateKernel#addDecay}. */
    public static void addDecay(float[] w, int wOff, float[] g, int gOff, int n, float lambda) {
        IMPL.addDecay(w, wOff, g, gOff, n, lambda);
    }
}
