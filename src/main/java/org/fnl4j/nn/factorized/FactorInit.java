package org.fnl4j.nn.factorized;

import java.util.Locale;

/**
 * How the factors of a freshly factorized layer start:
 * <ul>
 * <li>{@link #SPECTRAL}: spectral initialization (SI): U = A_r·√Σ_r, V = B_r·√Σ_r from the SVD of the
 * layer's current dense weight (a sample of its standard init for a fresh model; for a trained one
 * this is SVD compression);</li>
 * <li>{@link #DEFAULT}: each factor initialized on its own with its layer type's default init.</li>
 * </ul>
 * {@link #id()} is the name used in model files, run.json and the {@code --init} flag.
 */
public enum FactorInit {
    DEFAULT, SPECTRAL;

    /** @return "default" or "spectral". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id "default" or "spectral" (case-insensitive)
     * @throws IllegalArgumentException naming the accepted values
     */
    public static FactorInit of(String id) {
        for (FactorInit i : values()) {
            if (i.id().equalsIgnoreCase(id)) return i;
        }
        throw new IllegalArgumentException("init must be one of [default, spectral], got '" + id + "'");
    }
}
