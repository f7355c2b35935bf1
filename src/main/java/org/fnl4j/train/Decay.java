package org.fnl4j.train;

import org.fnl4j.regularize.DecayArms;

/**
 * The regularizer of a run's factors (the paper's decay arms). Every parameter that is not a factor
 * keeps ordinary weight decay with the same coefficient in all three arms.
 * {@link #id()} is the name in run.json and the {@code --decay} flag.
 */
public enum Decay {
    /** Weight decay on U and V like on every other parameter. */
    WEIGHT("weight"),
    /** Frobenius decay (FD): (λ/2)·‖U·Vᵀ‖²_F on each product instead of weight decay on its factors. */
    FROBENIUS("frobenius"),
    /** No decay on the factors. */
    NONE("none");

    private final String id;

    Decay(String id) {
        this.id = id;
    }

    /** @return "weight", "frobenius" or "none". */
    public String id() {
        return id;
    }

    /**
     * @param factorized whether the model has factorized layers (FD needs some; without them it is weight decay)
     * @return the {@link DecayArms} mode that sets this arm up
     */
    public DecayArms.Mode mode(boolean factorized) {
        return switch (this) {
            case FROBENIUS -> factorized ? DecayArms.Mode.FROBENIUS_DECAY : DecayArms.Mode.WEIGHT_DECAY;
            case NONE -> DecayArms.Mode.NO_FACTOR_DECAY;
            case WEIGHT -> DecayArms.Mode.WEIGHT_DECAY;
        };
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Decay of(String id) {
        return Choices.of(Decay.class, id, Decay::id, "decay");
    }
}
