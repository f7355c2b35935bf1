package org.fnl4j.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.nn.BatchNorm1d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.ReLU;
import org.fnl4j.nn.Sequential;
import org.fnl4j.ops.Losses;
import org.fnl4j.optim.AdamW;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.ParamGroup;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Global magnitude pruning: the threshold, the budget, and a mask that holds under every optimizer. */
class MagnitudePruningTest {
    private static Sequential net(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(6, 8, rng), new BatchNorm1d(8), new ReLU(), new Linear(8, 3, rng));
    }

    @Test
    void globalThresholdPrunesTheSmallestMagnitudesOverAllWeightTensors() {
        Sequential m = net(1);
        Map<String, Parameter> prunable = MagnitudePruning.prunable(m);
        // Only the two Linear weights: biases and BatchNorm stay dense.
        assertEquals(2, prunable.size(), prunable.keySet().toString());
        prunable.values().forEach(p -> assertEquals(Parameter.Kind.WEIGHT, p.kind()));
        List<Float> mags = new ArrayList<>();
        for (Parameter p : prunable.values()) {
            for (float v : p.value().toArray()) mags.add(Math.abs(v));
        }
        long total = m.parameterCount();
        long fixed = total - mags.size();
        long keep = fixed + 20;
        MagnitudePruning mask = MagnitudePruning.globalKeep(m, keep);
        assertEquals(keep, mask.keptCount());
        assertEquals(total - keep, mask.prunedCount());

        List<Float> sorted = new ArrayList<>(mags);
        sorted.sort(null);
        float threshold = sorted.get(mags.size() - 20 - 1); // the largest pruned magnitude
        long prunedSeen = 0;
        for (Map.Entry<String, Parameter> e : prunable.entrySet()) {
            int[] idx = mask.prunedIndices(e.getKey());
            float[] w = e.getValue().value().toArray();
            boolean[] isPruned = new boolean[w.length];
            for (int i : idx) isPruned[i] = true;
            for (int i = 0; i < w.length; i++) {
                if (isPruned[i]) {
                    assertTrue(Math.abs(w[i]) <= threshold, e.getKey() + "[" + i + "] pruned above the threshold");
                } else {
                    assertTrue(Math.abs(w[i]) >= threshold, e.getKey() + "[" + i + "] kept below the threshold");
                }
            }
            prunedSeen += idx.length;
        }
        assertEquals(total - keep, prunedSeen);
        // Both tensors lose weights: the threshold is global, not per layer.
        assertTrue(mask.prunedPerTensor().values().stream().allMatch(c -> c > 0), mask.prunedPerTensor().toString());

        mask.applyToWeights();
        assertEquals(keep, MagnitudePruning.nonzeroCount(m) + countZerosOutside(m, prunable));
    }

    /** Zero values in the parameters that are not prunable (BatchNorm beta starts at 0). */
    private static long countZerosOutside(Module m, Map<String, Parameter> prunable) {
        long z = 0;
        for (Parameter p : m.parameters()) {
            if (prunable.containsValue(p)) continue;
            for (float v : p.value().toArray()) if (v == 0f) z++;
        }
        return z;
    }

    @Test
    void tiesAreBrokenByPositionAndTheFractionBudgetIsExact() {
        Linear l = new Linear(4, 5, false, new Rng(3));
        float[] w = new float[20];
        Arrays.fill(w, 0.5f);
        w[7] = -0.1f;
        w[13] = 0.1f;
        l.weight().copyFrom(w);
        MagnitudePruning mask = MagnitudePruning.globalKeep(l, 16);
        // The two 0.1's go first, then the earliest of the equal 0.5's.
        assertArrayEquals(new int[] {0, 1, 7, 13}, mask.prunedIndices("weight"));

        Sequential m = net(2);
        MagnitudePruning f = MagnitudePruning.global(m, 0.3);
        assertEquals(Math.round(0.3 * m.parameterCount()), f.keptCount());
    }

    @Test
    void budgetsTheUnprunableParametersCannotMeetAreErrors() {
        Sequential m = net(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.global(m, 0.01));
        assertTrue(e.getMessage().contains("cannot be pruned"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.global(m, 0));
        assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.global(m, 1.5));
    }

    private static void trainStep(Module m, Optimizer opt, MagnitudePruning mask, Tensor x, int[] y) {
        m.zeroGrad();
        Tensor loss = Losses.crossEntropy(m.forward(x), y, 0f);
        Autograd.backward(loss);
        if (mask != null) mask.maskGradients();
        opt.step();
        if (mask != null) mask.afterStep(opt);
    }

    /**
     * Prune after some dense steps (so momentum / Adam moments are nonzero at the pruned weights),
     * keep training with the mask: the pruned weights stay exactly 0 and so does their state, while
     * the kept weights still move.
     */
    private static void maskHolds(String what, Function<List<Parameter>, Optimizer> make) {
        Sequential m = net(5);
        Optimizer opt = make.apply(m.parameters());
        Rng rng = new Rng(9);
        Tensor x = Tensor.randn(rng, 1f, 16, 6);
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 3;
        for (int s = 0; s < 4; s++) trainStep(m, opt, null, x, y);

        MagnitudePruning mask = MagnitudePruning.global(m, 0.5);
        mask.applyToWeights();
        mask.maskOptimizerState(opt);
        Map<String, Parameter> prunable = MagnitudePruning.prunable(m);
        Map<String, float[]> before = new java.util.HashMap<>();
        prunable.forEach((k, p) -> before.put(k, p.value().toArray()));
        for (int s = 0; s < 6; s++) {
            trainStep(m, opt, mask, x, y);
            for (Map.Entry<String, Parameter> e : prunable.entrySet()) {
                float[] w = e.getValue().value().toArray();
                for (int i : mask.prunedIndices(e.getKey())) {
                    assertEquals(0f, w[i], what + ": " + e.getKey() + "[" + i + "] after masked step " + s);
                }
            }
        }
        int changed = 0;
        for (Map.Entry<String, Parameter> e : prunable.entrySet()) {
            float[] w = e.getValue().value().toArray();
            float[] w0 = before.get(e.getKey());
            for (int i = 0; i < w.length; i++) if (w[i] != w0[i]) changed++;
        }
        assertTrue(changed > 0, what + ": the kept weights must still train");
        assertTrue(MagnitudePruning.nonzeroCount(m) <= mask.keptCount(), what + ": at most the budget is nonzero");

        // The optimizer state at pruned positions is zero, so nothing can resurrect them later.
        List<Parameter> order = opt.parameters();
        for (float[][] slot : opt.exportState().slots().values()) {
            for (Map.Entry<String, Parameter> e : prunable.entrySet()) {
                float[] b = slot[order.indexOf(e.getValue())];
                if (b == null) continue;
                for (int i : mask.prunedIndices(e.getKey())) {
                    assertEquals(0f, b[i], what + ": optimizer state of " + e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void maskHoldsWithNesterovMomentumAndCoupledWeightDecay() {
        maskHolds("nesterov+L2", ps -> new Sgd(List.of(new ParamGroup(ps, 0.1f, 0.01f, DecayKind.COUPLED_L2)), 0.9f, true));
    }

    @Test
    void maskHoldsWithHeavyBallMomentumAndDecoupledDecay() {
        maskHolds("momentum+decoupled", ps -> new Sgd(List.of(new ParamGroup(ps, 0.1f, 0.01f, DecayKind.DECOUPLED)), 0.9f,
                false));
    }

    @Test
    void maskHoldsWithAdamW() {
        maskHolds("adamw", ps -> AdamW.of(ps, 0.01f, 0.01f));
    }

    @Test
    void withoutTheStateMaskMomentumWouldResurrectPrunedWeights() {
        // The reason for maskOptimizerState: masked gradients alone leave the old momentum moving w.
        Sequential m = net(6);
        Optimizer opt = new Sgd(List.of(new ParamGroup(m.parameters(), 0.1f, 0f, DecayKind.NONE)), 0.9f, false);
        Rng rng = new Rng(10);
        Tensor x = Tensor.randn(rng, 1f, 16, 6);
        int[] y = new int[16];
        for (int i = 0; i < 4; i++) trainStep(m, opt, null, x, y);
        MagnitudePruning mask = MagnitudePruning.global(m, 0.5);
        mask.applyToWeights();
        m.zeroGrad();
        Autograd.backward(Losses.crossEntropy(m.forward(x), y, 0f));
        mask.maskGradients();
        opt.step();
        boolean moved = false;
        for (Map.Entry<String, Parameter> e : MagnitudePruning.prunable(m).entrySet()) {
            float[] w = e.getValue().value().toArray();
            for (int i : mask.prunedIndices(e.getKey())) moved |= w[i] != 0f;
        }
        assertTrue(moved, "stale momentum moves pruned weights when the state is not masked");
        mask.afterStep(opt);
        for (Map.Entry<String, Parameter> e : MagnitudePruning.prunable(m).entrySet()) {
            float[] w = e.getValue().value().toArray();
            for (int i : mask.prunedIndices(e.getKey())) assertEquals(0f, w[i]);
        }
        assertNotEquals(0, mask.prunedCount());
    }
}
