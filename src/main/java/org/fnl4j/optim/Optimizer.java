package org.fnl4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.nn.Parameter;

/**
 * A first-order optimizer over {@link ParamGroup}s. {@link #step()} reads each parameter's
 * gradient ({@code value().grad()}, same length as the parameter) and updates the parameter's
 * values in place, directly on the arrays: nothing is recorded on the autograd tape. Parameters
 * whose gradient is null (unused in the last backward) are skipped, as in PyTorch, and their state
 * is left untouched.
 *
 * <p>Per-parameter state (momentum buffers, Adam moments) is keyed by the parameter's index in
 * {@link #parameters()} and travels in checkpoints as an {@link OptimizerState}.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Parameter> params;
    private final int[] groupOf;
    private long steps;

    protected Optimizer(List<ParamGroup> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups; expected at least one");
        }
        this.groups = Collections.unmodifiableList(new ArrayList<>(groups));
        List<Parameter> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        IdentityHashMap<Parameter, Integer> seen = new IdentityHashMap<>();
        for (int g = 0; g < this.groups.size(); g++) {
            for (Parameter p : this.groups.get(g).params()) {
                Integer prev = seen.put(p, g);
                if (prev != null) {
                    // Two groups updating one parameter would apply two steps per step().
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter of shape "
                            + Arrays.toString(p.shape()) + " is in group " + prev + " and group " + g
                            + "; each parameter must be in exactly one group");
                }
                all.add(p);
                owner.add(g);
            }
        }
        this.params = Collections.unmodifiableList(all);
        this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        steps++;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] g = p.value().grad();
            if (g != null) {
                update(i, p, g, groups.get(groupOf[i]));
            }
        }
    }

    /**
     * Updates parameter {@code index} in place.
     *
     * @param grad its gradient, length {@code p.size()}, offset 0 (not to be modified)
     */
    protected abstract void update(int index, Parameter p, float[] grad, ParamGroup group);

    /** Elements per chunk of a parallel update; small tensors (biases, norms) are updated inline. */
    static final int UPDATE_CHUNK = 1 << 15;

    /** An elementwise update of elements [from, to) of one parameter. */
    @FunctionalInterface
    protected interface RangeUpdate {
        void apply(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in fixed chunks of {@link #UPDATE_CHUNK} elements on the kernel
     * threads. Updates are elementwise, so the result is the same bits at any thread count.
     */
    protected static void forRanges(int n, RangeUpdate body) {
        if (n <= 2 * UPDATE_CHUNK) {
            body.apply(0, n);
            return;
        }
        int chunks = (n + UPDATE_CHUNK - 1) / UPDATE_CHUNK;
        Parallel.forChunks(chunks, c -> body.apply(c * UPDATE_CHUNK, Math.min(n, (c + 1) * UPDATE_CHUNK)));
    }

    /** Zeroes every parameter's gradient in place (buffers are kept, not dropped). */
    public void zeroGrad() {
        for (Parameter p : params) {
            p.value().zeroGrad();
        }
    }

    /** Sets the learning rate of every group. */
    public void setLr(float lr) {
        for (ParamGroup g : groups) {
            g.setLr(lr);
        }
    }

    /** @return the learning rate of group 0 (the usual single-rate case, for logging). */
    public float lr() {
        return groups.get(0).lr();
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** @return every parameter, groups in order; the index here keys the optimizer state. */
    public List<Parameter> parameters() {
        return params;
    }

    /** @return the number of {@link #step()} calls so far (restored by {@link #importState}). */
    public long steps() {
        return steps;
    }

    /**
     * Sets every per-parameter buffer (momentum, Adam moments) of {@code p} to 0 at the given
     * element indices (into the parameter's row-major values, 0 ≤ i &lt; {@code p.size()}); buffers
     * not yet allocated are left unallocated. Used to keep pruned weights from being moved by
     * state accumulated before they were pruned.
     *
     * @throws IllegalArgumentException if {@code p} is not optimized by this optimizer or an index is out of range
     */
    public void zeroStateAt(Parameter p, int[] indices) {
        int index = -1;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == p) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".zeroStateAt: the parameter of shape "
                    + Arrays.toString(p.shape()) + " is not in any of this optimizer's groups");
        }
        for (String name : slotNames()) {
            float[] b = slot(name)[index];
            if (b == null) {
                continue;
            }
            for (int i : indices) {
                if (i < 0 || i >= b.length) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ".zeroStateAt: index " + i
                            + " outside the parameter's " + b.length + " elements");
                }
                b[i] = 0f;
            }
        }
    }

    /** @return the type name stored in {@link OptimizerState#type()}. */
    protected abstract String type();

    /** @return the slot names of this optimizer's per-parameter buffers, in export order. */
    protected abstract List<String> slotNames();

    /** @return the live buffers of {@code slot}, indexed by parameter (null entries = not allocated). */
    protected abstract float[][] slot(String slot);

    /** @return the live per-parameter step counts. */
    protected abstract long[] paramSteps();

    /** A deep copy of the state (buffers, step counts, group learning rates). */
    public OptimizerState exportState() {
        Map<String, float[][]> slots = new LinkedHashMap<>();
        for (String s : slotNames()) {
            slots.put(s, slot(s));
        }
        float[] lrs = new float[groups.size()];
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = groups.get(g).lr();
        }
        return new OptimizerState(type(), steps, lrs, slots, paramSteps());
    }

    /**
     * Restores a state from {@link #exportState()} of an optimizer of the same type over
     * parameters of the same sizes, in the same order.
     *
     * @throws IllegalArgumentException naming what does not match
     */
    public void importState(OptimizerState s) {
        String who = getClass().getSimpleName() + ".importState";
        if (!type().equals(s.type())) {
            throw new IllegalArgumentException(who + ": state is for optimizer '" + s.type() + "', this is '" + type() + "'");
        }
        if (s.groupLrs().length != groups.size()) {
            throw new IllegalArgumentException(who + ": state has " + s.groupLrs().length + " parameter groups, expected "
                    + groups.size());
        }
        if (s.paramSteps().length != params.size()) {
            throw new IllegalArgumentException(who + ": state has " + s.paramSteps().length + " parameters, expected "
                    + params.size());
        }
        if (s.steps() < 0) {
            throw new IllegalArgumentException(who + ": negative step count " + s.steps());
        }
        if (!s.slots().keySet().equals(new java.util.LinkedHashSet<>(slotNames()))) {
            throw new IllegalArgumentException(who + ": state has slots " + s.slots().keySet() + ", expected " + slotNames());
        }
        for (String name : slotNames()) {
            float[][] src = s.slots().get(name);
            if (src.length != params.size()) {
                throw new IllegalArgumentException(who + ": slot '" + name + "' has " + src.length
                        + " entries, expected one per parameter (" + params.size() + ")");
            }
            for (int i = 0; i < src.length; i++) {
                if (src[i] != null && src[i].length != params.get(i).size()) {
                    throw new IllegalArgumentException(who + ": slot '" + name + "' of parameter " + i + " has "
                            + src[i].length + " values, the parameter " + Arrays.toString(params.get(i).shape())
                            + " has " + params.get(i).size());
                }
            }
        }
        // Validated everything above so that a bad state leaves this optimizer unchanged.
        for (String name : slotNames()) {
            float[][] dst = slot(name);
            float[][] src = s.slots().get(name);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = src[i] == null ? null : src[i].clone();
            }
        }
        System.arraycopy(s.paramSteps(), 0, paramSteps(), 0, params.size());
        float[] lrs = s.groupLrs();
        for (int g = 0; g < lrs.length; g++) {
            groups.get(g).setLr(lrs[g]);
        }
        steps = s.steps();
    }
}
