package org.fnl4j.optim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.fnl4j.nn.Parameter;

/**
 * A set of parameters that share a learning rate and a weight decay (value and {@link DecayKind}).
 * The learning rate is mutable (schedules set it every step or epoch); {@link #initialLr()} keeps
 * the rate the group was created with, which {@link LrSchedule#apply} multiplies by its factor.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private final float initialLr;
    private float lr;
    private float weightDecay;
    private final DecayKind decayKind;

    /**
     * @param params      the parameters (any shapes); must not be empty
     * @param lr          learning rate, finite and ≥ 0
     * @param weightDecay decay coefficient λ ≥ 0 (ignored when {@code decayKind} is NONE)
     * @param decayKind   how λ is applied
     */
    public ParamGroup(Collection<Parameter> params, float lr, float weightDecay, DecayKind decayKind) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("ParamGroup: parameter list is empty; expected at least one parameter");
        }
        checkRate("lr", lr);
        checkRate("weightDecay", weightDecay);
        if (decayKind == null) {
            throw new IllegalArgumentException("ParamGroup: decayKind is null; expected COUPLED_L2, DECOUPLED or NONE");
        }
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.initialLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.decayKind = decayKind;
    }

    /** A group with no weight decay. */
    public ParamGroup(Collection<Parameter> params, float lr) {
        this(params, lr, 0f, DecayKind.NONE);
    }

    /**
     * Splits {@code params} into (at most) two groups with learning rate {@code lr}: parameters whose
     * kind is in {@code noDecay} get no decay, the others get {@code weightDecay} of {@code kind}.
     * Empty groups are left out. A common choice is {@code noDecay = {BIAS, NORM, FACTOR}} when a
     * Frobenius-decay regularizer handles the factors.
     */
    public static List<ParamGroup> byKind(Collection<Parameter> params, float lr, float weightDecay, DecayKind kind,
            Set<Parameter.Kind> noDecay) {
        List<Parameter> decayed = new ArrayList<>();
        List<Parameter> plain = new ArrayList<>();
        for (Parameter p : params) {
            (noDecay.contains(p.kind()) ? plain : decayed).add(p);
        }
        List<ParamGroup> out = new ArrayList<>();
        if (!decayed.isEmpty()) {
            out.add(new ParamGroup(decayed, lr, weightDecay, kind));
        }
        if (!plain.isEmpty()) {
            out.add(new ParamGroup(plain, lr, 0f, DecayKind.NONE));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("ParamGroup.byKind: no parameters given");
        }
        return out;
    }

    private static void checkRate(String name, float v) {
        if (!(v >= 0) || Float.isInfinite(v)) {
            throw new IllegalArgumentException("ParamGroup: " + name + " must be finite and >= 0, got " + v);
        }
    }

    /** @return the parameters, in order (unmodifiable). */
    public List<Parameter> params() { return params; }

    public float lr() { return lr; }

    /** Sets this group's learning rate (finite, ≥ 0). */
    public void setLr(float lr) {
        checkRate("lr", lr);
        this.lr = lr;
    }

    /** @return the learning rate this group was created with (the base of schedules). */
    public float initialLr() { return initialLr; }

    public float weightDecay() { return weightDecay; }

    public void setWeightDecay(float wd) {
        checkRate("weightDecay", wd);
        this.weightDecay = wd;
    }

    public DecayKind decayKind() { return decayKind; }

    /** @return λ if it applies as {@code kind}, else 0. */
    float decayIf(DecayKind kind) {
        return decayKind == kind ? weightDecay : 0f;
    }
}
