package org.fnl4j.regularize;

import java.util.List;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.nn.Parameter;

/**
 * Coupled L2 weight decay as a regularizer: R = (λ/2)·Σ‖θ‖²_F, gradient λ·θ added to each
 * parameter's gradient. On factors U, V this is the "weight decay on factors" arm of the paper's
 * ablation, (λ/2)(‖U‖²_F + ‖V‖²_F), which bounds the nuclear norm of U·Vᵀ rather than its Frobenius
 * norm. An optimizer group with coupled L2 decay does the same inside {@code step()}; use one or the
 * other, not both.
 */
public final class WeightDecay implements Regularizer {
    private final float lambda;
    private final List<Parameter> params;

    /**
     * @param lambda decay coefficient λ ≥ 0
     * @param params parameters of any shape
     */
    public WeightDecay(float lambda, List<Parameter> params) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("WeightDecay: lambda must be >= 0, got " + lambda);
        }
        this.lambda = lambda;
        this.params = List.copyOf(params);
    }

    @Override
    public void apply() {
        if (lambda == 0) {
            return;
        }
        for (Parameter p : params) {
            float[] d = p.value().data();
            int off = p.value().offset();
            float[] g = p.value().gradBuffer();
            // A kernel, not a loop here: C2 leaves a loop over d at an offset scalar (d might alias g).
            ParamUpdate.addDecay(d, off, g, 0, g.length, lambda);
        }
    }

    @Override
    public double penalty() {
        double s = 0;
        for (Parameter p : params) {
            float[] d = p.value().data();
            int off = p.value().offset();
            for (int i = 0; i < p.size(); i++) {
                s += (double) d[off + i] * d[off + i];
            }
        }
        return 0.5 * lambda * s;
    }
}
