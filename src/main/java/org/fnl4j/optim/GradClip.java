package org.fnl4j.optim;

import java.util.List;
import org.fnl4j.nn.Parameter;

/**
 * Gradient clipping by global norm ({@code torch.nn.utils.clip_grad_norm_}, fairseq's
 * {@code --clip-norm}): with ‖g‖ the Euclidean norm of all the parameters' gradients taken together,
 * every gradient is multiplied by max/‖g‖ when ‖g‖ &gt; max and left alone otherwise. Acts on the
 * gradient arrays in place after backward, like a regularizer, and records nothing on the tape.
 */
public final class GradClip {
    private GradClip() {}

    /**
     * Clips the gradients of {@code params} (those without a gradient are skipped) to global norm
     * {@code maxNorm}.
     *
     * @param maxNorm the largest norm allowed, finite and &gt; 0
     * @return ‖g‖ before clipping (summed in double precision)
     */
    public static double clipGlobalNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("GradClip: maxNorm must be finite and > 0, got " + maxNorm);
        }
        double sq = 0;
        for (Parameter p : params) {
            float[] g = p.value().grad();
            if (g == null) continue;
            for (int i = 0, n = p.size(); i < n; i++) {
                sq += (double) g[i] * g[i];
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / norm);
            for (Parameter p : params) {
                float[] g = p.value().grad();
                if (g == null) continue;
                for (int i = 0, n = p.size(); i < n; i++) {
                    g[i] *= scale;
                }
            }
        }
        return norm;
    }
}
