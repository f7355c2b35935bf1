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
 * <li>{@code scheme} — conv layout: {@code paper} (rows (out,kh) × cols (in,kw), default),
 * {@code channel} (out × (in,kh,kw)), {@code tucker} or {@code tt} (depthwise conv + tensor-
 * decomposed 1×1 conv, {@link TensorConv2d}). Linear layers are always U·Vᵀ.</li>
 * <li>{@code init} — {@code spectral} (SI from the layer's current dense weights: for a freshly
 * built model that is a sample of its standard init; for a trained one it is SVD compression) or
 * {@code default} (each factor initialized on its own).</li>
 * <li>{@code middle} — add the r×r middle factor M = I (deep U·M·Vᵀ form) to linear and conv
 * layers.</li>
 * <li>{@code excludeStem} / {@code excludeClassifier} (default true) — keep the first conv and the
 * last linear layer dense; {@code exclude} — dotted module paths kept dense;
 * {@code attention} (default true) — replace multi-head attention by {@link FactorizedAttention}.</li>
 * </ul>
 */
public record FactorizationSpec(Double ratio, Double budget, String scheme, String init, boolean middle,
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
        if (!List.of("paper", "channel", "tucker", "tt").contains(scheme)) {
            throw new IllegalArgumentException("FactorizationSpec: scheme must be paper, channel, tucker or tt, got '"
                    + scheme + "'");
        }
        if (!List.of("default", "spectral").contains(init)) {
            throw new IllegalArgumentException("FactorizationSpec: init must be default or spectral, got '" + init + "'");
        }
        exclude = List.copyOf(exclude == null ? List.of() : exclude);
    }

    /** Ratio s, paper scheme, spectral init, no middle factor, stem and classifier excluded. */
    public static FactorizationSpec ratio(double s) {
        return new FactorizationSpec(s, null, "paper", "spectral", false, true, true, List.of(), true);
    }

    /** A parameter budget (fraction of the dense model), otherwise as {@link #ratio(double)}. */
    public static FactorizationSpec budget(double fraction) {
        return new FactorizationSpec(null, fraction, "paper", "spectral", false, true, true, List.of(), true);
    }

    public FactorizationSpec withRatio(double s) {
        return new FactorizationSpec(s, null, scheme, init, middle, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withScheme(String s) {
        return new FactorizationSpec(ratio, budget, s, init, middle, excludeStem, excludeClassifier, exclude, attention);
    }

    public FactorizationSpec withInit(String i) {
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

    /** @return true for init "spectral". */
    public boolean spectral() {
        return init.equals("spectral");
    }

    /** @return the JSON form: only String, Double, Boolean and List values; absent ratio/budget left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ratio != null) m.put("ratio", ratio);
        if (budget != null) m.put("budget", budget);
        m.put("scheme", scheme);
        m.put("init", init);
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
        return new FactorizationSpec(number(m, "ratio"), number(m, "budget"), string(m, "scheme", "paper"),
                string(m, "init", "spectral"), bool(m, "middle", false), bool(m, "excludeStem", true),
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
