package org.fnl4j.nn.factorized;

import java.util.Locale;

/**
 * How spectral initialization (SI) treats a {@link FactorizedAttention} layer, whose factors are the
 * per-head projections and whose products are each head's W_Q^hᵀ·W_K^h and W_O^h·W_V^h (d×d, rank d_h).
 * {@link #id()} is the name in run.json and the {@code --attention-si} flag.
 */
public enum AttentionSpectral {
    /**
     * The paper's: the compressed layer keeps its own initial products (its baseline init at head
     * dimension d_h; at full head dimension, the replaced dense layer's weights) and each product's
     * factors are re-balanced to A√Σ and B√Σ of its SVD ({@link FactorizedAttention#rebalance}); the
     * function does not change.
     */
    REBALANCE,
    /**
     * Each head's products of the replaced dense layer (full head dimension) are truncated to rank d_h
     * by SVD ({@link FactorizedAttention#initSpectral}): the best rank-d_h approximation of the dense
     * layer, which is what SVD compression of a trained model needs.
     */
    TRUNCATE_DENSE;

    /** @return "rebalance" or "truncate-dense". */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static AttentionSpectral of(String id) {
        for (AttentionSpectral a : values()) {
            if (a.id().equalsIgnoreCase(id)) return a;
        }
        throw new IllegalArgumentException("attention_si must be one of [rebalance, truncate-dense], got '" + id + "'");
    }
}
