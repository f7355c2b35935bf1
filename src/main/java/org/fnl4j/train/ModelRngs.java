package org.fnl4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fnl4j.nn.Dropout;
import org.fnl4j.nn.Module;
import org.fnl4j.tensor.Rng;

/**
 * The random generators a model owns (dropout masks), by module name, so that checkpoints can save
 * and restore their states.
 */
final class ModelRngs {
    private ModelRngs() {}

    /** @return the live generators of {@code model}'s modules, keyed by dotted module name. */
    static Map<String, Rng> of(Module model) {
        Map<String, Rng> out = new LinkedHashMap<>();
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Dropout d) {
                out.put(name, d.rng());
            }
        });
        return out;
    }

    /** @return the current state of each generator in {@link #of(Module)}. */
    static Map<String, Long> states(Module model) {
        Map<String, Long> out = new LinkedHashMap<>();
        of(model).forEach((k, r) -> out.put(k, r.state()));
        return out;
    }
}
