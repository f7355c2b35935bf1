package org.fnl4j.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.tensor.Tensor;

/**
 * Unstructured global magnitude pruning with a fixed mask: the baseline of the paper's compression
 * comparison (prune a trained network and fine-tune it, or prune at initialization and train).
 *
 * <p><b>Prunable tensors</b>: every parameter of kind {@link Parameter.Kind#WEIGHT} with at least
 * two dimensions, i.e. the weights of {@code Conv2d} (out, in/groups, kh, kw) and {@code Linear}
 * (out, in), including the stem convolution, the classifier and a tensor layer's depthwise kernel
 * (in, 1, k, k). Biases ({@code BIAS}), BatchNorm/LayerNorm parameters ({@code NORM}), embeddings
 * ({@code EMBEDDING}) and factors of factorized layers ({@code FACTOR}) are never pruned; they stay
 * dense and count in full toward the budget.
 *
 * <p><b>Budget</b>: like the low-rank arms' {@code --params F}, the budget is a fraction of the whole
 * model's parameter count P: {@code keep = round(F·P)} parameters remain, and the
 * {@code P − keep} entries of smallest |w| among all prunable tensors (one global threshold) are
 * removed. Ties in |w| are broken by position (tensor order of {@link Module#namedParameters()},
 * then row-major index; the earlier entry is pruned first), so the kept count is exactly
 * {@code keep} and the mask is a deterministic function of the weights.
 *
 * <p><b>Keeping pruned weights at zero</b> during training: call {@link #maskGradients()} after the
 * loss's backward and after any regularizer that adds gradients (so coupled L2 decay also sees
 * g = 0, w = 0), and {@link #afterStep(Optimizer)} after every optimizer step: it writes exact
 * zeros into the pruned weights again and zeroes the optimizer's per-parameter buffers (momentum,
 * Adam moments) there, so state accumulated before pruning cannot move them (with Nesterov momentum
 * or decoupled decay as well).
 */
public final class MagnitudePruning {
    private final List<String> names;
    private final List<Parameter> params;
    /** Per prunable tensor: the pruned element indices (row-major into its values), ascending. */
    private final int[][] pruned;
    private final long total;
    private final long prunedCount;

    private MagnitudePruning(List<String> names, List<Parameter> params, int[][] pruned, long total) {
        this.names = names;
        this.params = params;
        this.pruned = pruned;
        this.total = total;
        long c = 0;
        for (int[] p : pruned) {
            c += p.length;
        }
        this.prunedCount = c;
    }

    /** @return the prunable parameters of {@code model} (see the class comment) by dotted name, in module order. */
    public static Map<String, Parameter> prunable(Module model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (p.kind() == Parameter.Kind.WEIGHT && p.value().dim() >= 2) {
                out.put(e.getKey(), p);
            }
        }
        return out;
    }

    /**
     * The global magnitude mask that keeps {@code round(keepFraction · P)} of the model's P parameters.
     *
     * @param keepFraction in (0, 1]
     * @throws IllegalArgumentException if the fraction is out of range or the parameters that cannot be
     *                                  pruned already exceed the budget
     */
    public static MagnitudePruning global(Module model, double keepFraction) {
        if (!(keepFraction > 0 && keepFraction <= 1)) {
            throw new IllegalArgumentException("MagnitudePruning.global: keep fraction must be in (0, 1], got "
                    + keepFraction);
        }
        return globalKeep(model, Math.round(keepFraction * model.parameterCount()));
    }

    /**
     * The global magnitude mask that leaves exactly {@code keep} of the model's parameters unpruned.
     *
     * @throws IllegalArgumentException if {@code keep} exceeds the parameter count or is smaller than the
     *                                  count of parameters that cannot be pruned (message gives both)
     */
    public static MagnitudePruning globalKeep(Module model, long keep) {
        Map<String, Parameter> prunable = prunable(model);
        long total = model.parameterCount();
        long prunableTotal = 0;
        for (Parameter p : prunable.values()) {
            prunableTotal += p.size();
        }
        long fixed = total - prunableTotal;
        if (keep > total || keep < fixed) {
            throw new IllegalArgumentException("MagnitudePruning: cannot keep " + keep + " of the model's " + total
                    + " parameters: " + fixed + " of them (biases, normalization, embeddings, factors) cannot be pruned "
                    + "and " + prunableTotal + " are prunable conv/linear weights; expected " + fixed + " <= keep <= "
                    + total);
        }
        if (prunableTotal >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("MagnitudePruning: " + prunableTotal + " prunable weights; at most "
                    + (Integer.MAX_VALUE - 1) + " are supported");
        }
        int toPrune = (int) (total - keep);
        List<String> names = new ArrayList<>(prunable.keySet());
        List<Parameter> params = new ArrayList<>(prunable.values());
        // |w| is non-negative, so its IEEE bits order like its value; the low half makes the order total.
        long[] keys = new long[(int) prunableTotal];
        int[] start = new int[params.size() + 1];
        int k = 0;
        for (int t = 0; t < params.size(); t++) {
            start[t] = k;
            Tensor v = params.get(t).value();
            float[] d = v.data();
            for (int i = 0, off = v.offset(); i < v.size(); i++, k++) {
                keys[k] = ((long) Float.floatToIntBits(Math.abs(d[off + i])) << 32) | k;
            }
        }
        start[params.size()] = k;
        Arrays.sort(keys);
        int[] chosen = new int[toPrune];
        for (int i = 0; i < toPrune; i++) {
            chosen[i] = (int) (keys[i] & 0xffffffffL);
        }
        Arrays.sort(chosen);
        int[][] pruned = new int[params.size()][];
        int c = 0;
        for (int t = 0; t < params.size(); t++) {
            int from = c;
            while (c < chosen.length && chosen[c] < start[t + 1]) {
                c++;
            }
            int[] idx = new int[c - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = chosen[from + i] - start[t];
            }
            pruned[t] = idx;
        }
        return new MagnitudePruning(Collections.unmodifiableList(names), Collections.unmodifiableList(params), pruned,
                total);
    }

    /** @return the model's parameter count P when the mask was made. */
    public long totalCount() {
        return total;
    }

    /** @return the number of pruned weights. */
    public long prunedCount() {
        return prunedCount;
    }

    /** @return P minus the pruned weights: the parameters that remain (the budget). */
    public long keptCount() {
        return total - prunedCount;
    }

    /** @return pruned weights per prunable tensor, by dotted name (tensors with none included, as 0). */
    public Map<String, Long> prunedPerTensor() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int t = 0; t < names.size(); t++) {
            out.put(names.get(t), (long) pruned[t].length);
        }
        return out;
    }

    /** @return a copy of the pruned element indices (row-major, ascending) of prunable tensor {@code name}. */
    public int[] prunedIndices(String name) {
        int t = names.indexOf(name);
        if (t < 0) {
            throw new IllegalArgumentException("MagnitudePruning.prunedIndices: '" + name + "' is not a prunable tensor; "
                    + "prunable: " + names);
        }
        return pruned[t].clone();
    }

    /** Writes exact zeros into the pruned weights. */
    public void applyToWeights() {
        for (int t = 0; t < params.size(); t++) {
            Tensor v = params.get(t).value();
            float[] d = v.data();
            int off = v.offset();
            for (int i : pruned[t]) {
                d[off + i] = 0f;
            }
        }
    }

    /** Zeroes the gradient of the pruned weights (parameters without a gradient are skipped). */
    public void maskGradients() {
        for (int t = 0; t < params.size(); t++) {
            float[] g = params.get(t).value().grad();
            if (g == null) {
                continue;
            }
            for (int i : pruned[t]) {
                g[i] = 0f;
            }
        }
    }

    /** Zeroes {@code optimizer}'s per-parameter buffers at the pruned positions. */
    public void maskOptimizerState(Optimizer optimizer) {
        for (int t = 0; t < params.size(); t++) {
            if (pruned[t].length > 0) {
                optimizer.zeroStateAt(params.get(t), pruned[t]);
            }
        }
    }

    /** After an optimizer step: {@link #applyToWeights()} and {@link #maskOptimizerState(Optimizer)}. */
    public void afterStep(Optimizer optimizer) {
        applyToWeights();
        maskOptimizerState(optimizer);
    }

    /** @return the number of nonzero values over all parameters of {@code model}. */
    public static long nonzeroCount(Module model) {
        long n = 0;
        for (Parameter p : model.parameters()) {
            Tensor v = p.value();
            float[] d = v.data();
            for (int i = v.offset(), end = v.offset() + v.size(); i < end; i++) {
                if (d[i] != 0f) {
                    n++;
                }
            }
        }
        return n;
    }
}
