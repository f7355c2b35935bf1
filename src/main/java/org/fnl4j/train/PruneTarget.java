package org.fnl4j.train;

/**
 * How a pruned run's {@link Recipe#prune()} fraction F sets the number of parameters it keeps.
 * {@link #id()} is the name in run.json and the {@code --prune-target} flag.
 */
public enum PruneTarget {
    /** Keep round(F·P) of the dense model's P parameters. */
    FRACTION("fraction"),
    /**
     * Keep exactly as many parameters as the low-rank model at parameter budget F has (paper conv
     * scheme, ratio found by the same bisection, {@code --params F}), so that a pruned arm and the
     * low-rank arm of a budget compare at equal parameter counts.
     */
    LOW_RANK("low-rank");

    private final String id;

    PruneTarget(String id) {
        this.id = id;
    }

    /** @return "fraction" or "low-rank". */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static PruneTarget of(String id) {
        return Choices.of(PruneTarget.class, id, PruneTarget::id, "prune_target");
    }
}
