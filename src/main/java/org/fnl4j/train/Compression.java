package org.fnl4j.train;

import java.util.Arrays;
import java.util.Map;
import org.fnl4j.io.Model;
import org.fnl4j.io.StateDict;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.nn.factorized.RankPolicy;
import org.fnl4j.prune.MagnitudePruning;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Compression of a trained model: truncated-SVD factorization to a rank ratio or parameter budget
 * ({@link #lowRank}), global magnitude pruning ({@link #prune}), and the inverse of factorization,
 * multiplying the factors back into dense layers ({@link #collapse}). Each works on the model's
 * network in place: load the model again to keep the original.
 */
public final class Compression {
    private Compression() {}

    /**
     * A compressed network.
     *
     * @param module        the network
     * @param factorization its factorization (as applied to the dense spec), null for a dense or pruned network
     * @param mask          the pruning mask (applied to the weights), null unless pruned
     * @param paramsBefore  parameters of the dense network before compression
     */
    public record Compressed(Module module, FactorizationSpec factorization, MagnitudePruning mask, long paramsBefore) {
        /** @return the parameters that hold trained weights: the stored ones minus those the mask fixed at zero. */
        public long params() {
            return mask != null ? mask.keptCount() : module.parameterCount();
        }

        /** @return the factorization as model files store it, or null. */
        public Map<String, Object> factorizationMap() {
            return factorization == null ? null : factorization.toMap();
        }
    }

    /**
     * Collapses {@code src} if it is factorized, then replaces every eligible layer by its
     * truncated SVD as {@code spec} says (spectral init of a trained weight; the paper and channel
     * conv schemes only).
     */
    public static Compressed lowRank(Model src, FactorizationSpec spec) {
        Module m = denseNetwork(src);
        long before = m.parameterCount();
        Factorize.svdCompress(m, spec);
        return new Compressed(m, spec.withInit(FactorInit.SPECTRAL), null, before);
    }

    /**
     * Collapses {@code src} if it is factorized, then sets its smallest-|w| conv and linear weights
     * to 0 (one global threshold; biases and normalization stay dense) so that the fraction
     * {@code keep} of its parameters remains.
     *
     * @param keep fraction in (0, 1]
     */
    public static Compressed prune(Model src, double keep) {
        return prune(src, keep, PruneTarget.FRACTION);
    }

    /** {@link #prune(Model, double)} with the kept count set by {@code target} (see {@link #keptCount}). */
    public static Compressed prune(Model src, double fraction, PruneTarget target) {
        Module m = denseNetwork(src);
        return new Compressed(m, null, pruneAtOnce(m, fraction, target), m.parameterCount());
    }

    /**
     * The number of parameters a pruned {@code dense} model keeps: round(F·P) for
     * {@link PruneTarget#FRACTION}; for {@link PruneTarget#LOW_RANK} the exact parameter count of
     * {@code dense} factorized to the budget F (paper conv scheme, {@link RankPolicy#resolveRatio}).
     *
     * @throws RankPolicy.BudgetTooSmallException when no factorized model fits the budget F
     */
    public static long keptCount(Module dense, double fraction, PruneTarget target) {
        if (target == PruneTarget.FRACTION) {
            return Math.round(fraction * dense.parameterCount());
        }
        FactorizationSpec spec = FactorizationSpec.budget(fraction);
        return RankPolicy.modelCount(dense, spec, RankPolicy.resolveRatio(dense, spec));
    }

    /** {@link #pruneAtOnce(Module, double)} keeping {@link #keptCount} parameters. */
    public static MagnitudePruning pruneAtOnce(Module model, double fraction, PruneTarget target) {
        if (target == PruneTarget.FRACTION) {
            return pruneAtOnce(model, fraction);
        }
        long keep = keptCount(model, fraction, target);
        MagnitudePruning mask;
        try {
            mask = MagnitudePruning.globalKeep(model, keep);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prune to the low-rank count " + keep + " at budget " + fraction + ": "
                    + e.getMessage(), e);
        }
        mask.applyToWeights();
        return mask;
    }

    /**
     * Prunes {@code model} in place to the fraction {@code keep} of its parameters (global magnitude
     * threshold, applied to the weights).
     *
     * @return the mask, to hold pruned weights at zero during training
     */
    public static MagnitudePruning pruneAtOnce(Module model, double keep) {
        MagnitudePruning mask;
        try {
            mask = MagnitudePruning.global(model, keep);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prune " + keep + ": " + e.getMessage(), e);
        }
        mask.applyToWeights();
        return mask;
    }

    /**
     * Multiplies {@code m}'s factors back into dense layers (in place), checked to give exactly the
     * dense architecture of {@code m}'s spec (every tensor name and shape), so that it can be saved
     * as that model. Outputs are unchanged up to float rounding.
     *
     * @throws IllegalArgumentException when {@code m} is dense, or the collapsed network differs from its spec
     */
    public static Module collapse(Model m, String name) {
        if (m.factorization() == null) {
            throw new IllegalArgumentException(name + " is already dense (it has no factorization); nothing to collapse");
        }
        Module dense = Factorize.collapse(m.module());
        Module reference = Models.build(m.spec(), new Rng(0));
        Map<String, Tensor> got = StateDict.of(dense);
        Map<String, Tensor> want = StateDict.of(reference);
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor t = got.get(e.getKey());
            if (t == null || !Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(name + ": the collapsed network does not have the dense architecture of "
                        + "its spec (tensor " + e.getKey() + " is " + (t == null ? "missing" : Arrays.toString(t.shape()))
                        + ", the spec builds " + Arrays.toString(e.getValue().shape()) + "), so it cannot be saved as "
                        + "that model");
            }
        }
        return dense;
    }

    /** @return the parameters of {@code src}'s architecture built dense. */
    public static long denseParameterCount(Model src) {
        return Models.build(src.spec(), new Rng(0)).parameterCount();
    }

    private static Module denseNetwork(Model src) {
        return src.factorization() != null ? Factorize.collapse(src.module()) : src.module();
    }
}
