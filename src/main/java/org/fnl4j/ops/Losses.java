package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.kernel.Softmax;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/** Differentiable losses, each reduced to a 0-d scalar tensor (mean over examples). */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of logits (N, C) against class indices targets (N), with PyTorch's label
     * smoothing ε: the target distribution is q = (1-ε)·onehot(t) + ε/C, and
     * loss = mean_n Σ_c -q_c · logSoftmax(logits)[n, c]. The log-softmax is computed inside (one
     * node), and its gradient is (softmax - q) / N.
     *
     * @param labelSmoothing ε in [0, 1]
     * @throws IllegalArgumentException for a non-2-D logits tensor, a targets length other than N,
     *         a target outside [0, C), or ε outside [0, 1]
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, float labelSmoothing) {
        if (logits.dim() != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be 2-D (N, C), got shape "
                    + Arrays.toString(logits.shape()));
        }
        int n = logits.shape(0), c = logits.shape(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for logits of shape "
                    + Arrays.toString(logits.shape()) + " (expected " + n + ")");
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing=" + labelSmoothing + " must be in [0, 1]");
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " at index " + i
                        + " is outside the " + c + " classes [0, " + c + ")");
            }
        }
        int[] t = targets.clone();
        float eps = labelSmoothing;
        float[] lsm = new float[n * c];
        Softmax.logSoftmax(logits.data(), logits.offset(), lsm, 0, n, c);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double rowLoss = -(1.0 - eps) * lsm[i * c + t[i]];
            if (eps != 0f) {
                rowLoss -= eps / c * Reduce.sum(lsm, i * c, c);
            }
            total += rowLoss;
        }
        Tensor out = Tensor.scalar((float) (total / n));
        return Autograd.record("crossEntropy", out, () -> {
            if (!logits.requiresGrad()) {
                return;
            }
            float g = out.grad()[0] / n;
            float[] gx = TapeAccess.gradBuffer(logits);
            float[] p = new float[c];
            float smooth = eps / c;
            for (int i = 0; i < n; i++) {
                Elementwise.exp(lsm, i * c, p, 0, c);
                Elementwise.addScalar(-smooth, p, 0, p, 0, c);
                p[t[i]] -= 1f - eps;
                Elementwise.axpy(g, p, 0, gx, i * c, c);
            }
        }, logits);
    }

    /** Mean squared error mean((pred - target)²) over all elements; the shapes must be equal. */
    public static Tensor mse(Tensor pred, Tensor target) {
        if (!pred.sameShape(target.shape())) {
            throw new IllegalArgumentException("mse: pred shape " + Arrays.toString(pred.shape())
                    + " and target shape " + Arrays.toString(target.shape()) + " differ");
        }
        int n = pred.size();
        float[] diff = new float[n];
        Elementwise.sub(pred.data(), pred.offset(), target.data(), target.offset(), diff, 0, n);
        Tensor out = Tensor.scalar(Reduce.sumSquares(diff, 0, n) / n);
        return Autograd.record("mse", out, () -> {
            float g = 2f * out.grad()[0] / n;
            if (pred.requiresGrad()) {
                Elementwise.axpy(g, diff, 0, TapeAccess.gradBuffer(pred), 0, n);
            }
            if (target.requiresGrad()) {
                Elementwise.axpy(-g, diff, 0, TapeAccess.gradBuffer(target), 0, n);
            }
        }, pred, target);
    }
}
