package org.fnl4j.regularize;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.ParamGroup;

/**
 * Optimizer parameter groups and regularizer for the two regularization arms of the paper's
 * ablation ({default, spectral} init × {weight decay on factors, Frobenius decay}); the init arm is
 * chosen when factorizing ({@code FactorizationSpec.init}).
 *
 * <ul>
 * <li>{@link Mode#WEIGHT_DECAY}: one group, every parameter (factors included) with weight decay λ
 * of the given kind, as in the reference code (PyTorch SGD's {@code weight_decay} on all
 * parameters); no regularizer.</li>
 * <li>{@link Mode#FROBENIUS_DECAY}: the factors (kind FACTOR) in a group with no decay, every other
 * parameter with weight decay λ; the regularizer is {@link FrobeniusDecay} with the same λ on all
 * factorized layers of the model.</li>
 * <li>{@link Mode#NO_FACTOR_DECAY}: the groups of FROBENIUS_DECAY (factors undecayed, every other
 * parameter with weight decay λ) and no regularizer: the "no decay" arm of the paper's
 * normalization experiment.</li>
 * </ul>
 *
 * <p>Training loop: {@code loss.backward(); setup.regularizer().apply(); optimizer.step();}.
 */
public final class DecayArms {
    private DecayArms() {}

    /** The regularization arm. */
    public enum Mode { WEIGHT_DECAY, FROBENIUS_DECAY, NO_FACTOR_DECAY }

    /**
     * @param groups parameter groups for the optimizer
     * @param regularizer to apply after backward and before the step (a no-op for weight decay)
     */
    public record Setup(List<ParamGroup> groups, Regularizer regularizer) {}

    /** A regularizer that does nothing (penalty 0). */
    public static final Regularizer NONE = new Regularizer() {
        @Override
        public void apply() {}

        @Override
        public double penalty() {
            return 0;
        }
    };

    /**
     * @param lr learning rate of every group
     * @param lambda weight decay λ (and Frobenius decay coefficient under FD)
     * @param kind how the optimizer applies weight decay (the paper: COUPLED_L2 with SGD)
     */
    public static Setup of(Module model, Mode mode, float lr, float lambda, DecayKind kind) {
        List<Parameter> all = model.parameters();
        if (mode == Mode.WEIGHT_DECAY) {
            return new Setup(List.of(new ParamGroup(all, lr, lambda, kind)), NONE);
        }
        List<Parameter> factors = new ArrayList<>();
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : all) {
            (p.kind() == Parameter.Kind.FACTOR ? factors : rest).add(p);
        }
        List<ParamGroup> groups = new ArrayList<>();
        if (!rest.isEmpty()) {
            groups.add(new ParamGroup(rest, lr, lambda, kind));
        }
        if (!factors.isEmpty()) {
            groups.add(new ParamGroup(factors, lr, 0f, DecayKind.NONE));
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("DecayArms.of: the model has no parameters");
        }
        return new Setup(groups, mode == Mode.NO_FACTOR_DECAY ? NONE : FrobeniusDecay.of(model, lambda));
    }
}
