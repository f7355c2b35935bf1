package org.fnl4j.train;

/**
 * Which of a Transformer's layers a factorized run factorizes. {@link #id()} is the name in run.json
 * and the {@code --factorize} flag.
 */
public enum FactorizeLayers {
    /** Every eligible layer: multi-head attention (per-head QKᵀ and OVᵀ) and the linears. */
    ALL("all"),
    /**
     * Only multi-head attention; the MLP linears stay dense. At rank ratio 1 the attention keeps its
     * dense head dimension and function, which is the paper's main Transformer comparison: weight
     * decay on Q, K, V, O against Frobenius decay on the per-head QKᵀ and OVᵀ products.
     */
    ATTENTION("attention"),
    /** Every eligible layer except multi-head attention, which stays dense (the factorized MLP). */
    NON_ATTENTION("non-attention");

    private final String id;

    FactorizeLayers(String id) {
        this.id = id;
    }

    /** @return "all", "attention" or "non-attention". */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static FactorizeLayers of(String id) {
        return Choices.of(FactorizeLayers.class, id, FactorizeLayers::id, "factorize");
    }
}
