package org.fnl4j.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's complete state as plain arrays, for checkpoints. Parameters are keyed by their
 * index in {@link Optimizer#parameters()} (groups in order, parameters in group order).
 *
 * @param type      the optimizer type, e.g. "sgd" or "adamw"; import checks it
 * @param steps     the number of {@link Optimizer#step()} calls so far
 * @param groupLrs  each group's current learning rate, length = number of groups
 * @param slots     per-slot buffers: {@code slots.get(name)[i]} is parameter i's buffer (length =
 *                  parameter size) or null when not yet allocated. SGD has slot "momentum";
 *                  AdamW has "exp_avg" and "exp_avg_sq".
 * @param paramSteps per-parameter update counts (AdamW's bias-correction step t), length =
 *                  number of parameters; all zeros for SGD
 */
public record OptimizerState(String type, long steps, float[] groupLrs, Map<String, float[][]> slots,
        long[] paramSteps) {

    public OptimizerState {
        groupLrs = groupLrs.clone();
        paramSteps = paramSteps.clone();
        Map<String, float[][]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> e : slots.entrySet()) {
            copy.put(e.getKey(), deepCopy(e.getValue()));
        }
        slots = Collections.unmodifiableMap(copy);
    }

    static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == null ? null : a[i].clone();
        }
        return out;
    }

    @Override
    public float[] groupLrs() {
        return groupLrs.clone();
    }

    @Override
    public long[] paramSteps() {
        return paramSteps.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerState s)) {
            return false;
        }
        if (!type.equals(s.type) || steps != s.steps || !Arrays.equals(groupLrs, s.groupLrs)
                || !Arrays.equals(paramSteps, s.paramSteps) || !slots.keySet().equals(s.slots.keySet())) {
            return false;
        }
        for (String k : slots.keySet()) {
            if (!Arrays.deepEquals(slots.get(k), s.slots.get(k))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Long.hashCode(steps);
    }

    @Override
    public String toString() {
        return "OptimizerState[" + type + ", steps=" + steps + ", groups=" + groupLrs.length + ", params="
                + paramSteps.length + ", slots=" + slots.keySet() + "]";
    }
}
