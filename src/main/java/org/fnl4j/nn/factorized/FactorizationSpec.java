package org.fnl4j.nn.factorized;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, JSON-compatible description of how to factorize a model (stored in model files
 * next to the model spec, see {@link #toMap()} / {@link #fromMap(Map)}).
 *
 * <ul>
 * <li>{@code ratio} — rank ratio s for every eligible layer (s &gt; 1: overcomplete); or
 * {@code budget} — target fraction of the dense model's parameters, for which {@link RankPolicy}
 * finds the ratio by binary search. Exactly one of them is set.</li>
 * <li>{@code scheme} — conv layout, a {@link ConvScheme} (default {@link ConvScheme#PAPER}).
 * Linear layers are always U·Vᵀ.</li>
 * <li>{@code init} — a {@link FactorInit}: {@link FactorInit#SPECTRAL} (SI, default) or
 * {@link FactorInit#DEFAULT}.</li>
 * <li>{@code middle} — add the r×r middle factor M = I (deep U·M·Vᵀ form) to linear and conv
 * layers.</li>
 * <li>{@code excludeStem} / {@code excludeClassifier} (default true) — keep the first conv and the
 * last linear layer dense; {@code exclude} — dotted module paths kept dense;
 * {@code attention} (default true) — replace multi-head attention by {@link FactorizedAttention}.</li>
 * </ul>
 */
public record FactorizationSpec(Double ratio, Double budget, ConvScheme scheme, FactorInit init, boolean middle,
                                boolean excludeStem, boolean excludeClassifier, List<String> exclude,
                                boolean attention) {

    public FactorizationSpec {
        if ((ratio == null) == (budget == null)) {
            throw new IllegalArgumentException("FactorizationSpec: set exactly one of ratio and budget, got ratio="
                    + ratio + " budget=" + budget);
        }
        if (ratio != null && !(ratio > 0 && ratio < 1e6)) {
            throw new IllegalArgumentException("FactorizationSpec: ratio must be a positive finite number, got " + ratio);
        }
        if (budget != null && !(budget > 0 && budget <= 1)) {
            throw new IllegalArgumentException("FactorizationSpec: budget must be a fraction in (0, 1], got " + budget);
        }
        if (scheme == null || init == null) {
            throw new IllegalArgumentException("FactorizationSpec: scheme and init must be given, got scheme=" + scheme
                    + " init=" + init);
        }
        exclude = List.copyOf(exclude == null ? List.of() : exclude);
    }

    /** Ratio s, paper scheme, spectral init, no middle factor, stem and classifier excluded. */
    public static FactorizationSpec ratio(double s) {
        return new FactorizationSpec(s, null, ConvScheme.PAPER, FactorInit.SPECTRAL, false, true, true, List.of(), true);
    }

    /** A parameter budget (fraction of the dense model), otherwise as {@link #ratio(double)}. */
    public static FactorizationSpec budget(double fraction) {
        return new FactorizationSpec(null, fraction, ConvScheme.PAPER, FactorInit.SPECTRAL, false, true, true, List.of(),
                true);
    }

    public FactorizationSpec withRatio(double s) {
        return new FactorizationSpec(s, null, scheme, init, middle, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withScheme(ConvScheme s) {
        return new FactorizationSpec(ratio, budget, s, init, middle, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withInit(FactorInit i) {
        return new FactorizationSpec(ratio, budget, scheme, i, middle, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withMiddle(boolean m) {
        return new FactorizationSpec(ratio, budget, scheme, init, m, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withExclusions(boolean stem, boolean classifier, List<String> paths) {
        return new FactorizationSpec(ratio, budget, scheme, init, middle, stem, classifier, paths, attention);
    }

    public FactorizationSpec withAttention(boolean a) {
        return new FactorizationSpec(ratio, budget, scheme, init, middle, excludeStem, excludeClassifier, exclude, a);
    }

    /** @return true for {@link FactorInit#SPECTRAL}. */
    public boolean spectral() {
        return init == FactorInit.SPECTRAL;
    }

    /** @return the JSON form: only String, Double, Boolean and List values; absent ratio/budget left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ratio != null) m.put("ratio", ratio);
        if (budget != null) m.put("budget", budget);
        m.put("scheme", scheme.id());
        m.put("init", init.id());
        m.put("middle", middle);
        m.put("excludeStem", excludeStem);
        m.put("excludeClassifier", excludeClassifier);
        m.put("exclude", new ArrayList<>(exclude));
        m.put("attention", attention);
        return m;
    }

    /**
     * Rebuilds a spec from {@link #toMap()}'s form (e.g. parsed JSON); absent members take the
     * defaults of {@link #ratio(double)}.
     *
     * @throws IllegalArgumentException naming an unknown member or a value of the wrong type
     */
    public static FactorizationSpec fromMap(Map<String, ?> m) {
        for (String k : m.keySet()) {
            if (!List.of("ratio", "budget", "scheme", "init", "middle", "excludeStem", "excludeClassifier", "exclude",
                    "attention").contains(k)) {
                throw new IllegalArgumentException("FactorizationSpec.fromMap: unknown member \"" + k + "\"");
            }
        }
        List<String> ex = new ArrayList<>();
        Object e = m.get("exclude");
        if (e != null) {
            if (!(e instanceof List<?> l)) {
                throw new IllegalArgumentException("FactorizationSpec.fromMap: \"exclude\" must be a list of strings, got " + e);
            }
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("FactorizationSpec.fromMap: \"exclude\" must hold strings, got " + o);
                }
                ex.add(s);
            }
        }
        ConvScheme scheme;
        FactorInit init;
        try {
            scheme = ConvScheme.of(string(m, "scheme", "paper"));
            init = FactorInit.of(string(m, "init", "spectral"));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("FactorizationSpec.fromMap: " + bad.getMessage(), bad);
        }
        return new FactorizationSpec(number(m, "ratio"), number(m, "budget"), scheme, init, bool(m, "middle", false), bool(m, "excludeStem", true),
                bool(m, "excludeClassifier", true), ex, bool(m, "attention", true));
    }

    private static Double number(Map<String, ?> m, String k) {
        Object v = m.get(k);
        if (v == null) return null;
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("FactorizationSpec.fromMap: \"" + k + "\" must be a number, got " + v);
        }
        return n.doubleValue();
    }

    private static String string(Map<String, ?> m, String k, String dflt) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("FactorizationSpec.fromMap: \"" + k + "\" must be a string, got " + v);
        }
        return s;
    }

    private static boolean bool(Map<String, ?> m, String k, boolean dflt) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("FactorizationSpec.fromMap: \"" + k + "\" must be true or false, got " + v);
        }
        return b;
    }
}
