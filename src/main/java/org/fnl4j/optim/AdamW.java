package org.fnl4j.optim;

import java.util.List;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.nn.Parameter;

/**
 * Adam with decoupled weight decay, following {@code torch.optim.AdamW} (amsgrad off). For a
 * parameter p with gradient g, learning rate η, decay λ and its own step count t:
 * <pre>
 *   t ← t + 1
 *   DECOUPLED:   p ← p·(1 − η·λ)
 *   COUPLED_L2:  g ← g + λ·p          (this is torch.optim.Adam's weight_decay)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * m and v have the parameter's length; exported as slots "exp_avg" and "exp_avg_sq".
 */
public final class AdamW extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float[][] m;
    private final float[][] v;
    private final long[] t;

    /**
     * @param beta1 in [0, 1), typically 0.9
     * @param beta2 in [0, 1), typically 0.999
     * @param eps   &gt; 0, typically 1e-8
     */
    public AdamW(List<ParamGroup> groups, float beta1, float beta2, float eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("AdamW: eps must be finite and > 0, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        int n = parameters().size();
        this.m = new float[n][];
        this.v = new float[n][];
        this.t = new long[n];
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8. */
    public AdamW(List<ParamGroup> groups) {
        this(groups, 0.9f, 0.999f, 1e-8f);
    }

    /** One group over {@code params}, decoupled decay {@code wd} (PyTorch's default is 0.01). */
    public static AdamW of(List<Parameter> params, float lr, float wd) {
        return new AdamW(List.of(new ParamGroup(params, lr, wd, wd == 0 ? DecayKind.NONE : DecayKind.DECOUPLED)));
    }

    @Override
    protected void update(int index, Parameter p, float[] g, ParamGroup group) {
        float[] w = p.value().data();
        int off = p.value().offset();
        int n = p.size();
        if (m[index] == null) {
            m[index] = new float[n];
            v[index] = new float[n];
        }
        float[] mi = m[index];
        float[] vi = v[index];
        long step = ++t[index];
        float lr = group.lr();
        float l2 = group.decayIf(DecayKind.COUPLED_L2);
        float shrink = 1f - lr * group.decayIf(DecayKind.DECOUPLED);
        // Bias corrections in double: β₂ᵗ loses precision in float long before t gets large.
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        // A kernel, not a loop here: C2 leaves a loop over w at an offset scalar (w might alias g).
        forRanges(n, (from, to) -> ParamUpdate.adamW(w, off + from, g, from, mi, from, vi, from, to - from,
                shrink, l2, beta1, beta2, stepSize, invSqrtBc2, eps));
    }

    @Override
    protected String type() { return "adamw"; }

    @Override
    protected List<String> slotNames() { return List.of("exp_avg", "exp_avg_sq"); }

    @Override
    protected float[][] slot(String slot) {
        return slot.equals("exp_avg") ? m : v;
    }

    @Override
    protected long[] paramSteps() { return t; }
}
