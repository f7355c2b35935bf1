package org.fnl4j.cli;

import java.util.Arrays;
import org.fnl4j.optim.LrSchedule;
import org.fnl4j.train.Trainer;

/**
 * Parses the {@code --schedule} syntax: {@code constant}, {@code step} (×0.1 at 50% and 75% of the
 * epochs), {@code multistep:E1,E2[,...][:GAMMA]} (epochs counted from 1, as in "decay after epoch
 * E"), {@code cosine}, {@code warmup-cosine:STEPS} (linear warm-up over STEPS optimizer steps, then
 * cosine to zero at the last step), {@code inverse-sqrt:STEPS}.
 */
final class Schedules {
    static final String ACCEPTED = "constant | step | multistep:E1,E2[,..][:GAMMA] | cosine | warmup-cosine:STEPS | "
            + "inverse-sqrt:STEPS";

    /** A schedule and the unit of its position. */
    record Choice(LrSchedule schedule, Trainer.ScheduleUnit unit) {}

    private Schedules() {}

    /**
     * @param batchesPerEpoch optimizer steps per epoch (for the step-based schedules; any positive value
     *                        when only validating the syntax)
     */
    static Choice parse(String s, int epochs, int batchesPerEpoch, String flag) {
        String[] parts = s.split(":");
        try {
            switch (parts[0]) {
                case "constant":
                    one(parts, s, flag);
                    return new Choice(LrSchedule.constant(), Trainer.ScheduleUnit.EPOCH);
                case "step": {
                    one(parts, s, flag);
                    int a = Math.max(1, epochs / 2);
                    int b = Math.max(a + 1, (epochs * 3) / 4);
                    return new Choice(LrSchedule.multiStep(0.1, a, b), Trainer.ScheduleUnit.EPOCH);
                }
                case "multistep": {
                    if (parts.length < 2 || parts.length > 3) {
                        throw bad(s, flag);
                    }
                    int[] ms = Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
                    for (int m : ms) {
                        if (m < 1) throw bad(s, flag);
                    }
                    double gamma = parts.length == 3 ? Double.parseDouble(parts[2]) : 0.1;
                    return new Choice(LrSchedule.multiStep(gamma, ms), Trainer.ScheduleUnit.EPOCH);
                }
                case "cosine":
                    one(parts, s, flag);
                    return new Choice(LrSchedule.cosine(epochs), Trainer.ScheduleUnit.FRACTIONAL_EPOCH);
                case "warmup-cosine": {
                    if (parts.length != 2) throw bad(s, flag);
                    double w = Double.parseDouble(parts[1]);
                    double total = (double) epochs * batchesPerEpoch;
                    return new Choice(LrSchedule.cosine(Math.max(total, w + 1), w, 0), Trainer.ScheduleUnit.STEP);
                }
                case "inverse-sqrt": {
                    if (parts.length != 2) throw bad(s, flag);
                    return new Choice(LrSchedule.inverseSqrt(Double.parseDouble(parts[1])), Trainer.ScheduleUnit.STEP);
                }
                default:
                    throw bad(s, flag);
            }
        } catch (NumberFormatException e) {
            throw bad(s, flag);
        } catch (IllegalArgumentException e) {
            throw new UsageException("fnl train: --" + flag + " '" + s + "': " + e.getMessage());
        }
    }

    private static void one(String[] parts, String s, String flag) {
        if (parts.length != 1) throw bad(s, flag);
    }

    private static UsageException bad(String s, String flag) {
        return new UsageException("fnl train: --" + flag + " must be one of " + ACCEPTED + ", got '" + s + "'");
    }
}
