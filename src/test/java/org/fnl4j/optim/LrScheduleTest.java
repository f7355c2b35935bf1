package org.fnl4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private static final double EPS = 1e-12;

    @Test
    void multiStepChangesExactlyAtMilestones() {
        LrSchedule s = LrSchedule.multiStep(0.1, 11, 7);
        assertEquals(1.0, s.factor(0), EPS);
        assertEquals(1.0, s.factor(6), EPS);
        assertEquals(1.0, s.factor(6.999), EPS);
        assertEquals(0.1, s.factor(7), EPS);
        assertEquals(0.1, s.factor(10), EPS);
        assertEquals(0.01, s.factor(11), EPS);
        assertEquals(0.01, s.factor(14), EPS);
    }

    @Test
    void stepDecaysEveryStepSize() {
        LrSchedule s = LrSchedule.step(30, 0.5);
        assertEquals(1.0, s.factor(29), EPS);
        assertEquals(0.5, s.factor(30), EPS);
        assertEquals(0.25, s.factor(60), EPS);
    }

    @Test
    void cosineEndpointsMidpointAndWarmup() {
        LrSchedule c = LrSchedule.cosine(10);
        assertEquals(1.0, c.factor(0), EPS);
        assertEquals(0.5, c.factor(5), EPS);
        assertEquals(0.0, c.factor(10), EPS);
        assertEquals(0.0, c.factor(12), EPS);
        // Matches CosineAnnealingLR's closed form at an interior epoch.
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 3 / 10)), c.factor(3), EPS);

        LrSchedule w = LrSchedule.cosine(12, 2, 0.1);
        assertEquals(0.5, w.factor(0), EPS);
        assertEquals(1.0, w.factor(1), EPS);
        assertEquals(1.0, w.factor(2), EPS);
        assertEquals(0.1 + 0.9 * 0.5, w.factor(7), EPS);
        assertEquals(0.1, w.factor(12), EPS);
    }

    @Test
    void linearWarmupReachesOneAndStays() {
        LrSchedule s = LrSchedule.linearWarmup(4);
        assertEquals(0.25, s.factor(0), EPS);
        assertEquals(0.75, s.factor(2), EPS);
        assertEquals(1.0, s.factor(3), EPS);
        assertEquals(1.0, s.factor(100), EPS);
        assertEquals(1.0, LrSchedule.constant().factor(1e9), EPS);
    }

    @Test
    void inverseSqrtPeaksAtWarmupThenDecays() {
        LrSchedule s = LrSchedule.inverseSqrt(4000);
        assertEquals(1.0 / 4000, s.factor(0), EPS);
        assertEquals(1.0, s.factor(3999), EPS);
        assertEquals(Math.sqrt(4000.0 / 16000), s.factor(15999), EPS);
        // Vaswani et al.: d^-0.5 * min(s^-0.5, s * w^-1.5), normalised by its value at s = w.
        int d = 512, w = 4000, step = 777;
        double vaswani = Math.pow(d, -0.5) * Math.min(Math.pow(step, -0.5), step * Math.pow(w, -1.5));
        double peak = Math.pow(d, -0.5) * Math.pow(w, -0.5);
        assertEquals(vaswani / peak, s.factor(step - 1), 1e-12);
    }

    /** fairseq's inverse_sqrt with --warmup-init-lr: linear from start to 1 over the warm-up, then √(w/s). */
    @Test
    void inverseSqrtWithAWarmupStart() {
        LrSchedule flat = LrSchedule.inverseSqrt(200, 1);
        assertEquals(1.0, flat.factor(0), EPS);
        assertEquals(1.0, flat.factor(198), EPS);
        assertEquals(1.0, flat.factor(199), EPS);
        assertEquals(0.5, flat.factor(799), EPS);
        assertEquals(Math.sqrt(200.0 / 1000), flat.factor(999), EPS);
        LrSchedule half = LrSchedule.inverseSqrt(4, 0.5);
        assertEquals(0.625, half.factor(0), EPS);
        assertEquals(0.875, half.factor(2), EPS);
        assertEquals(1.0, half.factor(3), EPS);
        assertEquals(0.5, half.factor(15), EPS);
        LrSchedule zero = LrSchedule.inverseSqrt(40, 0), old = LrSchedule.inverseSqrt(40);
        for (int t : new int[] {0, 7, 39, 40, 1000}) assertEquals(old.factor(t), zero.factor(t), EPS);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.inverseSqrt(10, 1.5));
    }

    @Test
    void applySetsEveryGroupFromItsInitialRate() {
        Parameter a = new Parameter(Tensor.zeros(2), Parameter.Kind.WEIGHT);
        Parameter b = new Parameter(Tensor.zeros(2), Parameter.Kind.BIAS);
        Sgd opt = new Sgd(List.of(new ParamGroup(List.of(a), 0.1f), new ParamGroup(List.of(b), 0.02f)), 0.9f, false);
        LrSchedule s = LrSchedule.multiStep(0.1, 7, 11);
        s.apply(opt, 7);
        s.apply(opt, 8);
        assertEquals(0.01f, opt.groups().get(0).lr(), 1e-9);
        assertEquals(0.002f, opt.groups().get(1).lr(), 1e-9);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(5, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.inverseSqrt(0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.multiStep(-1, 3));
    }
}
