package org.fnl4j.autograd;

import java.util.Arrays;
import java.util.function.Function;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Finite-difference gradient check for differentiable ops.
 *
 * <p>For {@code f(inputs) -> out}, the check draws a fixed random projection R of out's shape and
 * compares the analytic gradient of {@code L = Σ out ∘ R} (one backward with seed R) against central
 * differences {@code (L(x+h) - L(x-h)) / 2h} for every element of every input that requires a
 * gradient. L is summed in double, so float32 rounding of the sum does not hide errors; the
 * remaining noise is the op's own float32 rounding, which the step h is sized against.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Outcome of a check: the worst element and its two values. */
    public record Result(double maxError, String where, double analytic, double numeric) {
        public boolean passed(double tolerance) {
            return maxError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format("max error %.3g at %s (analytic %.6g, numeric %.6g)", maxError, where, analytic, numeric);
        }
    }

    /**
     * Compares analytic and numeric gradients; the error of one element is
     * {@code |a - n| / max(1, |a|, |n|)} (absolute near zero, relative for large values).
     *
     * @param f the op under test; called many times, it must be deterministic (seeded dropout etc.)
     * @param h finite-difference step (1e-2 suits float32 ops on O(1) inputs)
     * @param seed seed of the projection R
     * @param inputs leaf tensors; those with requiresGrad are checked
     */
    public static Result check(Function<Tensor[], Tensor> f, double h, long seed, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Rng rng = new Rng(seed);
        float[] proj = new float[out.size()];
        for (int i = 0; i < proj.length; i++) {
            proj[i] = (float) rng.nextGaussian();
        }
        Autograd.backward(out, proj);

        double worst = -1;
        String where = "nothing checked";
        double wa = 0, wn = 0;
        for (int ti = 0; ti < inputs.length; ti++) {
            Tensor t = inputs[ti];
            if (!t.requiresGrad()) {
                continue;
            }
            float[] analytic = t.grad() == null ? new float[t.size()] : t.grad().clone();
            float[] d = t.data();
            for (int i = 0; i < t.size(); i++) {
                int at = t.offset() + i;
                float orig = d[at];
                d[at] = (float) (orig + h);
                double plus = project(f, inputs, proj);
                d[at] = (float) (orig - h);
                double minus = project(f, inputs, proj);
                d[at] = orig;
                double numeric = (plus - minus) / (2 * h);
                double a = analytic[i];
                double err = Math.abs(a - numeric) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(numeric)));
                if (err > worst) {
                    worst = err;
                    where = "input " + ti + " " + Arrays.toString(t.shape()) + " element " + i;
                    wa = a;
                    wn = numeric;
                }
            }
        }
        return new Result(worst, where, wa, wn);
    }

    private static double project(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] proj) {
        try (Autograd.Scope scope = Autograd.noGrad()) {
            Tensor out = f.apply(inputs);
            double s = 0;
            for (int i = 0; i < proj.length; i++) {
                s += (double) out.data()[out.offset() + i] * proj[i];
            }
            return s;
        }
    }
}
