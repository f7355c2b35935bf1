package org.fnl4j.optim;

import java.util.Arrays;

/**
 * A learning-rate schedule: a multiplier of each group's {@link ParamGroup#initialLr()} as a
 * function of the training position t ≥ 0. The unit of t is the caller's choice and must match
 * the numbers the schedule was built with: whole epochs (PyTorch's per-epoch
 * {@code scheduler.step()}), fractional epochs ({@code epoch + batch / batchesPerEpoch}, for a
 * smooth per-step cosine), or optimizer steps (the Transformer schedule). Schedules are pure
 * functions of t, so a resumed run only needs to know its position.
 */
@FunctionalInterface
public interface LrSchedule {

    /** @return the multiplier of the initial learning rate at position {@code t}. */
    double factor(double t);

    /** Sets every group's learning rate to {@code initialLr × factor(t)}. */
    default void apply(Optimizer opt, double t) {
        double f = factor(t);
        for (ParamGroup g : opt.groups()) {
            g.setLr((float) (g.initialLr() * f));
        }
    }

    /** The learning rate stays at its initial value. */
    static LrSchedule constant() {
        return t -> 1.0;
    }

    /** ×{@code gamma} every {@code stepSize} units: factor = γ^⌊t / stepSize⌋ (PyTorch's StepLR). */
    static LrSchedule step(int stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("LrSchedule.step: stepSize must be > 0, got " + stepSize);
        }
        checkGamma("step", gamma);
        return t -> Math.pow(gamma, Math.floor(Math.max(0, t) / stepSize));
    }

    /**
     * ×{@code gamma} at each milestone: factor = γ^(number of milestones ≤ t) (PyTorch's MultiStepLR).
     * With epochs counted from 0, milestones {7, 11} train epochs 0–6 at the initial rate, 7–10 at
     * γ×, and 11 on at γ²×.
     */
    static LrSchedule multiStep(double gamma, int... milestones) {
        checkGamma("multiStep", gamma);
        int[] ms = milestones.clone();
        Arrays.sort(ms);
        return t -> {
            int passed = 0;
            for (int m : ms) {
                if (t >= m) {
                    passed++;
                }
            }
            return Math.pow(gamma, passed);
        };
    }

    /**
     * Linear warm-up over {@code warmup} units, then constant: factor = min(1, (t + 1) / warmup).
     * The "+1" makes the first step (t = 0) train at 1/warmup of the rate rather than at zero.
     */
    static LrSchedule linearWarmup(double warmup) {
        checkWarmup("linearWarmup", warmup);
        return t -> warmupFactor(t, warmup);
    }

    /**
     * Cosine annealing from the initial rate to {@code minFactor}× over {@code total} units, after
     * an optional linear warm-up of {@code warmup} units (see {@link #linearWarmup}):
     * for t ≥ warmup, factor = min + (1 − min)·(1 + cos(π·p))/2 with p = (t − warmup)/(total − warmup)
     * clamped to [0, 1]. With warmup 0 and minFactor 0 this is PyTorch's CosineAnnealingLR.
     */
    static LrSchedule cosine(double total, double warmup, double minFactor) {
        checkWarmup("cosine", warmup);
        if (!(total > warmup)) {
            throw new IllegalArgumentException("LrSchedule.cosine: total (" + total + ") must exceed warmup (" + warmup + ")");
        }
        if (!(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("LrSchedule.cosine: minFactor must be in [0, 1], got " + minFactor);
        }
        return t -> {
            if (t < warmup) {
                return warmupFactor(t, warmup);
            }
            double p = Math.min(1, (t - warmup) / (total - warmup));
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * p));
        };
    }

    /** Cosine annealing to zero over {@code total} units, no warm-up. */
    static LrSchedule cosine(double total) {
        return cosine(total, 0, 0);
    }

    /**
     * The Transformer schedule (Vaswani et al. 2017) normalised to peak at 1: with s = t + 1
     * (t counts optimizer steps from 0), factor = min(s / warmup, √(warmup / s)). It rises linearly
     * to 1 at step warmup − 1 and then decays as 1/√s. The paper's d_model^−½·warmup^−½ peak is
     * the group's initial learning rate.
     */
    static LrSchedule inverseSqrt(double warmup) {
        return inverseSqrt(warmup, 0);
    }

    /**
     * fairseq's {@code inverse_sqrt} schedule with {@code --warmup-init-lr} = start × lr: with
     * s = t + 1, factor = start + (1 − start)·s / warmup for s &lt; warmup, then √(warmup / s).
     * start = 0 is {@link #inverseSqrt(double)}; start = 1 (the paper's Transformer runs, warm-up
     * init lr = lr) holds the rate flat for the warm-up steps and then decays it as 1/√s.
     *
     * @param start the warm-up's first factor, in [0, 1]
     */
    static LrSchedule inverseSqrt(double warmup, double start) {
        if (!(warmup >= 1) || Double.isInfinite(warmup)) {
            throw new IllegalArgumentException("LrSchedule.inverseSqrt: warmup must be finite and >= 1, got " + warmup);
        }
        if (!(start >= 0 && start <= 1)) {
            throw new IllegalArgumentException("LrSchedule.inverseSqrt: start must be in [0, 1], got " + start);
        }
        return t -> {
            double s = Math.max(0, t) + 1;
            return s < warmup ? start + (1 - start) * s / warmup : Math.sqrt(warmup / s);
        };
    }

    private static double warmupFactor(double t, double warmup) {
        return warmup == 0 ? 1.0 : Math.min(1.0, (Math.max(0, t) + 1) / warmup);
    }

    private static void checkGamma(String who, double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("LrSchedule." + who + ": gamma must be finite and > 0, got " + gamma);
        }
    }

    private static void checkWarmup(String who, double warmup) {
        if (!(warmup >= 0) || Double.isInfinite(warmup)) {
            throw new IllegalArgumentException("LrSchedule." + who + ": warmup must be finite and >= 0, got " + warmup);
        }
    }
}
