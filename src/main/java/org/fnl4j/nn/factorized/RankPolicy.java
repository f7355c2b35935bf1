package org.fnl4j.nn.factorized;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;

/**
 * Which layers of a model get factorized and at what rank.
 *
 * <p>Eligible: every {@link Conv2d} with one group, every {@link Linear} and (if the spec says so)
 * every {@link MultiHeadAttention}, in module order, except the stem (the first conv), the
 * classifier (the last linear layer outside attention) and the spec's excluded paths. The
 * projections inside an attention layer are never factorized one by one: with
 * {@code attention = true} the whole layer becomes a {@link FactorizedAttention}, otherwise it stays
 * dense. Normalization layers, embeddings and biases are never factorized.
 *
 * <p>Ranks follow {@link Ranks} for the spec's ratio; with a parameter budget the ratio is the
 * largest s whose factorized model has at most {@code budget · dense} parameters, found by
 * bisection on s over the exact parameter counts (computed without building the model).
 */
public final class RankPolicy {
    private RankPolicy() {}

    /** @return the eligible layers by dotted path, in module order (see the class comment). */
    public static Map<String, Module> eligible(Module model, FactorizationSpec spec) {
        Map<String, Module> all = model.namedModules();
        String stem = null, classifier = null;
        for (Map.Entry<String, Module> e : all.entrySet()) {
            if (insideAttention(all, e.getKey())) {
                continue;
            }
            if (stem == null && e.getValue() instanceof Conv2d) {
                stem = e.getKey();
            }
            if (e.getValue() instanceof Linear) {
                classifier = e.getKey();
            }
        }
        Map<String, Module> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : all.entrySet()) {
            String path = e.getKey();
            Module m = e.getValue();
            if (path.isEmpty() || insideAttention(all, path) || spec.exclude().contains(path)) {
                continue;
            }
            if (m instanceof Conv2d c) {
                if (c.groups() != 1 || (spec.excludeStem() && path.equals(stem))) {
                    continue;
                }
                if (isTensorScheme(spec) && !c.geometry().isSquare()) {
                    continue;
                }
                out.put(path, m);
            } else if (m instanceof Linear) {
                if (spec.excludeClassifier() && path.equals(classifier)) {
                    continue;
                }
                out.put(path, m);
            } else if (m instanceof MultiHeadAttention && spec.attention()) {
                out.put(path, m);
            }
        }
        return out;
    }

    static boolean isTensorScheme(FactorizationSpec spec) {
        return spec.scheme().isTensor();
    }

    /** True when some proper ancestor of {@code path} is a multi-head attention layer. */
    private static boolean insideAttention(Map<String, Module> all, String path) {
        int dot = path.lastIndexOf('.');
        while (dot > 0) {
            String parent = path.substring(0, dot);
            if (all.get(parent) instanceof MultiHeadAttention) {
                return true;
            }
            dot = parent.lastIndexOf('.');
        }
        return false;
    }

    /** @return the rank (attention: head dimension; tensor conv: ranks) a dense layer gets at ratio s, as text for reports. */
    public static String describeRank(Module layer, FactorizationSpec spec, double ratio) {
        if (layer instanceof Conv2d c && isTensorScheme(spec)) {
            return java.util.Arrays.toString(tensorRanks(c, spec, ratio));
        }
        return Integer.toString(rank(layer, spec, ratio));
    }

    /** @return the matrix rank (or attention head dimension) a dense layer gets at ratio s. */
    public static int rank(Module layer, FactorizationSpec spec, double ratio) {
        if (layer instanceof Linear l) {
            return Ranks.linear(ratio, l.outFeatures(), l.inFeatures());
        }
        if (layer instanceof Conv2d c) {
            if (isTensorScheme(spec)) {
                return java.util.Arrays.stream(tensorRanks(c, spec, ratio)).max().orElse(1);
            }
            return FactorizedConv2d.rankFor(convScheme(spec), ratio, c.inChannels(), c.outChannels(), c.kernelH(),
                    c.kernelW());
        }
        if (layer instanceof MultiHeadAttention a) {
            return Ranks.attentionHeadDim(ratio, a.modelDim(), a.heads());
        }
        throw new IllegalArgumentException("RankPolicy.rank: " + layer.getClass().getSimpleName()
                + " is not a factorizable layer (expected Linear, Conv2d or MultiHeadAttention)");
    }

    /** The feasible Tucker/TT ranks a conv gets at ratio s. */
    static int[] tensorRanks(Conv2d c, FactorizationSpec spec, double ratio) {
        TensorConv2d.Format f = tensorFormat(spec);
        return TensorConv2d.feasibleRanks(f, TensorConv2d.ranksFor(f, ratio, c.inChannels(), c.outChannels()),
                c.inChannels(), c.outChannels());
    }

    static FactorizedConv2d.Scheme convScheme(FactorizationSpec spec) {
        return spec.scheme().matrixLayout();
    }

    static TensorConv2d.Format tensorFormat(FactorizationSpec spec) {
        return spec.scheme().tensorFormat();
    }

    /** @return the parameter count of {@code layer} once factorized at ratio s under {@code spec}. */
    public static long factorizedCount(Module layer, FactorizationSpec spec, double ratio) {
        int r = rank(layer, spec, ratio);
        long mid = spec.middle() ? (long) r * r : 0;
        if (layer instanceof Linear l) {
            return (long) r * (l.outFeatures() + l.inFeatures()) + mid + (l.bias() == null ? 0 : l.outFeatures());
        }
        if (layer instanceof Conv2d c) {
            long bias = c.bias() == null ? 0 : c.outChannels();
            int in = c.inChannels(), out = c.outChannels(), kh = c.kernelH(), kw = c.kernelW();
            if (isTensorScheme(spec)) {
                return (long) in * kh * kw + TensorConv2d.coreCount(tensorFormat(spec), tensorRanks(c, spec, ratio), in, out)
                        + bias;
            }
            boolean paper = convScheme(spec) == FactorizedConv2d.Scheme.PAPER;
            long rows = paper ? (long) out * kh : out;
            long cols = paper ? (long) in * kw : (long) in * kh * kw;
            return r * (rows + cols) + mid + bias;
        }
        if (layer instanceof MultiHeadAttention a) {
            return 4L * a.modelDim() * a.heads() * r;
        }
        throw new IllegalArgumentException("RankPolicy.factorizedCount: " + layer.getClass().getSimpleName()
                + " is not a factorizable layer");
    }

    /** @return the parameter count of {@code model} factorized at ratio s, computed without building it. */
    public static long modelCount(Module model, FactorizationSpec spec, double ratio) {
        long total = model.parameterCount();
        for (Module m : eligible(model, spec).values()) {
            total += factorizedCount(m, spec, ratio) - m.parameterCount();
        }
        return total;
    }

    /** @return the spec's ratio, or the ratio that meets its budget ({@link #ratioForBudget}). */
    public static double resolveRatio(Module model, FactorizationSpec spec) {
        return spec.ratio() != null ? spec.ratio() : ratioForBudget(model, spec, spec.budget());
    }

    /**
     * The largest ratio s ≤ 1 whose factorized model has at most {@code fraction · dense} parameters,
     * by bisection (counts are non-decreasing in s).
     *
     * @throws BudgetTooSmallException if even rank 1 everywhere exceeds the budget
     */
    public static double ratioForBudget(Module model, FactorizationSpec spec, double fraction) {
        long dense = model.parameterCount();
        double target = fraction * dense;
        double lo = 1e-9, hi = 1.0;
        if (modelCount(model, spec, lo) > target) {
            throw new BudgetTooSmallException("RankPolicy.ratioForBudget: a budget of " + fraction + " x " + dense
                    + " parameters is below the smallest factorized model (" + modelCount(model, spec, lo)
                    + " parameters at rank 1)");
        }
        if (modelCount(model, spec, hi) <= target) {
            return hi;
        }
        for (int it = 0; it < 60; it++) {
            double mid = 0.5 * (lo + hi);
            if (modelCount(model, spec, mid) <= target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * A parameter budget below the smallest factorized model of an architecture (rank 1 in every
     * factorized layer, plus the layers that are never factorized): no rank meets it.
     */
    public static final class BudgetTooSmallException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BudgetTooSmallException(String message) {
            super(message);
        }
    }
}
