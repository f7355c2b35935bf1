package org.fnl4j.optim;

import java.util.List;
import org.fnl4j.kernel.ParamUpdate;
import org.fnl4j.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, dampening and Nesterov momentum, following
 * {@code torch.optim.SGD} exactly. For a parameter p with gradient g in a group with learning
 * rate η and decay λ:
 * <pre>
 *   COUPLED_L2:  g ← g + λ·p
 *   DECOUPLED:   p ← p·(1 − η·λ)                      (SGDW; PyTorch's SGD has no such mode)
 *   momentum μ:  buf ← g                 on the first step of p
 *                buf ← μ·buf + (1 − τ)·g  afterwards (τ = dampening)
 *                d  ← g + μ·buf  (Nesterov)   or   d ← buf
 *   p ← p − η·d
 * </pre>
 * Buffers have the parameter's length and are keyed by parameter index in exported state.
 */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final float dampening;
    private final boolean nesterov;
    private final float[][] buf;
    private final long[] paramSteps;

    /**
     * @param momentum  μ ≥ 0 (0: plain SGD, no buffers)
     * @param dampening τ in [0, 1)
     * @param nesterov  Nesterov momentum; needs μ &gt; 0 and τ = 0 (as in PyTorch)
     */
    public Sgd(List<ParamGroup> groups, float momentum, float dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0) || Float.isInfinite(momentum)) {
            throw new IllegalArgumentException("Sgd: momentum must be finite and >= 0, got " + momentum);
        }
        if (!(dampening >= 0 && dampening < 1)) {
            throw new IllegalArgumentException("Sgd: dampening must be in [0, 1), got " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.buf = new float[parameters().size()][];
        this.paramSteps = new long[parameters().size()];
    }

    /** SGD with momentum μ, no dampening. */
    public Sgd(List<ParamGroup> groups, float momentum, boolean nesterov) {
        this(groups, momentum, 0f, nesterov);
    }

    /** One group over {@code params} with learning rate {@code lr}, coupled L2 decay {@code wd}. */
    public static Sgd of(List<Parameter> params, float lr, float momentum, float wd, boolean nesterov) {
        return new Sgd(List.of(new ParamGroup(params, lr, wd, wd == 0 ? DecayKind.NONE : DecayKind.COUPLED_L2)),
                momentum, nesterov);
    }

    public float momentum() { return momentum; }

    public boolean nesterov() { return nesterov; }

    @Override
    protected void update(int index, Parameter p, float[] g, ParamGroup group) {
        float[] w = p.value().data();
        int off = p.value().offset();
        int n = p.size();
        float lr = group.lr();
        float l2 = group.decayIf(DecayKind.COUPLED_L2);
        float shrink = 1f - lr * group.decayIf(DecayKind.DECOUPLED);
        paramSteps[index]++;
        // The kernels, not loops here: C2 leaves a loop over w at an offset scalar (w might alias g),
        // and the kernels' SIMD twin vectorizes it with the same bits.
        if (momentum == 0) {
            forRanges(n, (from, to) -> ParamUpdate.sgd(w, off + from, g, from, to - from, lr, l2, shrink));
            return;
        }
        boolean first = buf[index] == null;
        if (first) {
            buf[index] = new float[n];
        }
        float[] b = buf[index];
        forRanges(n, (from, to) -> {
            if (first) {
                ParamUpdate.sgdMomentumFirst(w, off + from, g, from, b, from, to - from, lr, l2, shrink, momentum,
                        nesterov);
            } else {
                ParamUpdate.sgdMomentum(w, off + from, g, from, b, from, to - from, lr, l2, shrink, momentum,
                        dampening, nesterov);
            }
        });
    }

    @Override
    protected String type() { return "sgd"; }

    @Override
    protected List<String> slotNames() { return List.of("momentum"); }

    @Override
    protected float[][] slot(String slot) { return buf; }

    @Override
    protected long[] paramSteps() { return paramSteps; }
}
