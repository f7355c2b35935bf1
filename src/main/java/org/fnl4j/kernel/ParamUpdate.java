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
 * <p>The implementation is chosen once per JVM by {@link Kernels#select}: the Vector API twin
 * {@code org.fnl4j.kernel.simd.SimdParamUpdate} or {@link ScalarParamUpdate}. The Vector API matters
 * here because C2 does not auto-vectorize these loops: the weights sit at an offset into an array
 * that may be the gradient's, so it cannot rule out aliasing.
 */
public final class ParamUpdate {
    /** One implementation of the family (scalar or SIMD); all methods follow the class contract. */
    public interface Impl {
        /**
         * Plain SGD with coupled L2 and decoupled shrink, per element:
         * {@code d = g + l2·w; w = w·shrink − lr·d}.
         *
         * @param l2     coupled L2 coefficient (0 for none)
         * @param shrink decoupled decay factor {@code 1 − lr·λ} (1 for none)
         */
        void sgd(float[] w, int wOff, float[] g, int gOff, int n, float lr, float l2, float shrink);

        /**
         * First step of SGD with momentum, where the buffer starts as the gradient, per element:
         * {@code d = g + l2·w; buf = d; w = w·shrink − lr·(nesterov ? d + mu·d : d)}.
         *
         * @param buf momentum buffer, overwritten (its previous contents are not read)
         */
        void sgdMomentumFirst(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                              float lr, float l2, float shrink, float mu, boolean nesterov);

        /**
         * A later step of SGD with momentum, per element, with {@code keep = 1 − dampening}:
         * {@code d = g + l2·w; b = mu·buf + keep·d; buf = b;}
         * {@code w = w·shrink − lr·(d + mu·b)} (Nesterov) or {@code w = w·shrink − lr·b} (heavy ball).
         *
         * @param buf momentum buffer, read and overwritten
         */
        void sgdMomentum(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                         float lr, float l2, float shrink, float mu, float dampening, boolean nesterov);

        /**
         * One AdamW step, per element, with {@code c1 = 1 − beta1}, {@code c2 = 1 − beta2}:
         * <pre>
         *   d  = g + l2·w
         *   m  = beta1·m + c1·d
         *   v  = beta2·v + (c2·d)·d
         *   w  = w·shrink − (stepSize·m) / (√v·invSqrtBc2 + eps)
         * </pre>
         * where the √ is correctly rounded and {@code w} on the right is the value before the step.
         * The step-dependent bias corrections are the caller's: {@code stepSize = lr / (1 − beta1ᵗ)},
         * {@code invSqrtBc2 = 1 / √(1 − beta2ᵗ)}.
         *
         * @param m first-moment buffer, read and overwritten
         * @param v second-moment buffer, read and overwritten
         */
        void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                   float shrink, float l2, float beta1, float beta2, float stepSize, float invSqrtBc2, float eps);

        /** Coupled L2 decay into the gradient, per element: {@code g = g + lambda·w} (no fused multiply-add). */
        void addDecay(float[] w, int wOff, float[] g, int gOff, int n, float lambda);
    }

    private static final Impl IMPL = Kernels.select("org.fnl4j.kernel.simd.SimdParamUpdate", Impl.class,
            new ScalarParamUpdate());

    private ParamUpdate() {}

    /** @return the implementation in use (SIMD or scalar). */
    public static Impl impl() {
        return IMPL;
    }

    /** See {@link Impl#sgd}. */
    public static void sgd(float[] w, int wOff, float[] g, int gOff, int n, float lr, float l2, float shrink) {
        IMPL.sgd(w, wOff, g, gOff, n, lr, l2, shrink);
    }

    /** See {@link Impl#sgdMomentumFirst}. */
    public static void sgdMomentumFirst(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                        float lr, float l2, float shrink, float mu, boolean nesterov) {
        IMPL.sgdMomentumFirst(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, nesterov);
    }

    /** See {@link Impl#sgdMomentum}. */
    public static void sgdMomentum(float[] w, int wOff, float[] g, int gOff, float[] buf, int bufOff, int n,
                                   float lr, float l2, float shrink, float mu, float dampening, boolean nesterov) {
        IMPL.sgdMomentum(w, wOff, g, gOff, buf, bufOff, n, lr, l2, shrink, mu, dampening, nesterov);
    }

    /** See {@link Impl#adamW}. */
    public static void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                             float shrink, float l2, float beta1, float beta2, float stepSize, float invSqrtBc2,
                             float eps) {
        IMPL.adamW(w, wOff, g, gOff, m, mOff, v, vOff, n, shrink, l2, beta1, beta2, stepSize, invSqrtBc2, eps);
    }

    /** See {@link Impl#addDecay}. */
    public static void addDecay(float[] w, int wOff, float[] g, int gOff, int n, float lambda) {
        IMPL.addDecay(w, wOff, g, gOff, n, lambda);
    }
}
