package org.fnl4j.kernel;

/**
 * The inner loops of the {@link ParamUpdate} family on arrays, offsets and lengths, following {@link ParamUpdate}'s
 * contract: {@link ScalarParamUpdate} is the scalar twin, {@code org.fnl4j.kernel.simd.SimdParamUpdate} the Vector API one.
 */
public interface ParamUpdateKernel {
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
