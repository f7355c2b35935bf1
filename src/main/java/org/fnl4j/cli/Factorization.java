package org.fnl4j.cli;

import java.util.Locale;
import java.util.Map;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.tensor.Rng;

/** Turns the run settings (--rank/--params, --conv-scheme, --init) into a factorization of the model. */
final class Factorization {
    private Factorization() {}

    /** @return the factorization spec of the settings, or null for a dense run. */
    static FactorizationSpec spec(Map<String, Object> cfg) {
        Object rank = cfg.get("rank");
        Object params = cfg.get("params");
        FactorizationSpec s;
        if (params instanceof Number p) {
            s = FactorizationSpec.budget(p.doubleValue());
        } else if (rank instanceof Number r) {
            s = FactorizationSpec.ratio(r.doubleValue());
        } else {
            return null;
        }
        return s.withScheme((String) cfg.get("conv_scheme")).withInit((String) cfg.get("init"))
                .withMiddle(Boolean.TRUE.equals(cfg.get("middle")));
    }

    /**
     * Factorizes {@code model} in place as configured.
     *
     * @return the factorization spec as stored in model files, or null when the run is dense
     */
    static Map<String, Object> apply(Module model, Map<String, Object> cfg, Rng rng) {
        FactorizationSpec s = spec(cfg);
        if (s == null) {
            return null;
        }
        Factorize.apply(model, s, rng);
        return s.toMap();
    }

    /** A short human description, e.g. "factorized resnet20 (rank 0.25, SI, FD)". */
    static String describe(ModelSpec spec, Map<String, Object> cfg) {
        FactorizationSpec s = spec(cfg);
        if (s == null) {
            return "dense " + spec.type();
        }
        String size = s.ratio() != null ? String.format(Locale.ROOT, "rank %.3g", s.ratio())
                : String.format(Locale.ROOT, "%.3g of the dense parameters", s.budget());
        return "factorized " + spec.type() + " (" + size + ", " + (s.spectral() ? "SI" : "default init") + ", "
                + ("frobenius".equals(cfg.get("decay")) ? "FD" : "none".equals(cfg.get("decay")) ? "no factor decay"
                : "weight decay") + (cfg.get("rescale_to") != null ? ", ‖UVᵀ‖_F rescaled to " + cfg.get("rescale_to") : "")
                + ")";
    }
}
