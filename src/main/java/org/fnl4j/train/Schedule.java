package org.fnl4j.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fnl4j.optim.LrSchedule;

/**
 * A run's learning-rate schedule, in the syntax of run.json and the {@code --schedule} flag
 * ({@link #toString()} / {@link #parse(String)}):
 * <ul>
 * <li>{@code constant};</li>
 * <li>{@code step}: ×0.1 at 50 % and 75 % of the epochs;</li>
 * <li>{@code multistep:E1,E2[,..][:GAMMA]}: ×GAMMA (default 0.1) after each epoch Ei (counted from 1);</li>
 * <li>{@code cosine}: cosine from lr to 0 over the epochs, updated every step;</li>
 * <li>{@code warmup-cosine:STEPS}: linear warm-up over STEPS optimizer steps, then cosine to 0 at the last step;</li>
 * <li>{@code inverse-sqrt:STEPS[:START]}: warm-up over STEPS steps, linear from START·lr (default:
 * lr/STEPS) to lr, then lr·√(STEPS / step) (fairseq's {@code inverse_sqrt}; the paper's Transformer
 * runs have START = 1, a flat warm-up).</li>
 * </ul>
 *
 * @param milestones epochs of {@link Kind#MULTISTEP} (empty otherwise)
 * @param gamma      the factor of {@link Kind#MULTISTEP}, null when the default 0.1 was not overridden
 * @param steps      the warm-up steps of {@link Kind#WARMUP_COSINE} and {@link Kind#INVERSE_SQRT} (0 otherwise)
 * @param start      the warm-up's first factor of {@link Kind#INVERSE_SQRT} in [0, 1] (0: the linear rise from
 *                   1/STEPS; 0 for the other kinds)
 */
public record Schedule(Kind kind, List<Integer> milestones, Double gamma, double steps, double start) {
    /** The accepted syntax, for error messages. */
    public static final String ACCEPTED = "constant | step | multistep:E1,E2[,..][:GAMMA] | cosine | warmup-cosine:STEPS | "
            + "inverse-sqrt:STEPS";

    /** The shapes of schedule. */
    public enum Kind {
        CONSTANT("constant"), STEP("step"), MULTISTEP("multistep"), COSINE("cosine"), WARMUP_COSINE("warmup-cosine"),
        INVERSE_SQRT("inverse-sqrt");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** @return the name before the first ':' in the syntax. */
        public String id() {
            return id;
        }
    }

    /** A schedule and the unit of its position, for {@link Trainer.Builder#schedule}. */
    public record Resolved(LrSchedule schedule, Trainer.ScheduleUnit unit) {}

    public Schedule {
        milestones = List.copyOf(milestones);
        if (kind == Kind.MULTISTEP && (milestones.isEmpty() || milestones.stream().anyMatch(m -> m < 1))) {
            throw new IllegalArgumentException("schedule multistep needs epochs >= 1, got " + milestones);
        }
        if ((kind == Kind.WARMUP_COSINE || kind == Kind.INVERSE_SQRT) && !(steps >= 0 && Double.isFinite(steps))) {
            throw new IllegalArgumentException("schedule " + kind.id() + " needs STEPS >= 0, got " + steps);
        }
        if (!(start >= 0 && start <= 1) || (start != 0 && kind != Kind.INVERSE_SQRT)) {
            throw new IllegalArgumentException("schedule " + kind.id() + ": START must be in [0, 1] and is only for "
                    + "inverse-sqrt, got " + start);
        }
    }

    /** @return {@code inverse-sqrt:STEPS[:START]} */
    public static Schedule inverseSqrt(double steps, double start) {
        return new Schedule(Kind.INVERSE_SQRT, List.of(), null, steps, start);
    }

    /** @return {@code constant} */
    public static Schedule constant() {
        return new Schedule(Kind.CONSTANT, List.of(), null, 0, 0);
    }

    /** @return {@code cosine} */
    public static Schedule cosine() {
        return new Schedule(Kind.COSINE, List.of(), null, 0, 0);
    }

    /** @return {@code multistep:E1,E2,..}: ×0.1 after each of the given epochs. */
    public static Schedule multiStep(int... epochs) {
        return new Schedule(Kind.MULTISTEP, Arrays.stream(epochs).boxed().toList(), null, 0, 0);
    }

    /** @return {@code warmup-cosine:STEPS} */
    public static Schedule warmupCosine(double steps) {
        return new Schedule(Kind.WARMUP_COSINE, List.of(), null, steps, 0);
    }

    /**
     * Parses the {@code --schedule} syntax.
     *
     * @throws IllegalArgumentException "schedule must be one of ..., got '...'"
     */
    public static Schedule parse(String s) {
        String[] parts = s.split(":", -1);
        try {
            switch (parts[0]) {
                case "constant", "step", "cosine" -> {
                    if (parts.length != 1) throw bad(s);
                    Kind k = parts[0].equals("constant") ? Kind.CONSTANT : parts[0].equals("step") ? Kind.STEP : Kind.COSINE;
                    return new Schedule(k, List.of(), null, 0, 0);
                }
                case "multistep" -> {
                    if (parts.length < 2 || parts.length > 3) throw bad(s);
                    List<Integer> ms = Arrays.stream(parts[1].split(",")).map(Integer::parseInt).toList();
                    Double gamma = parts.length == 3 ? Double.parseDouble(parts[2]) : null;
                    return new Schedule(Kind.MULTISTEP, ms, gamma, 0, 0);
                }
                case "warmup-cosine" -> {
                    if (parts.length != 2) throw bad(s);
                    return new Schedule(Kind.WARMUP_COSINE, List.of(), null, Double.parseDouble(parts[1]), 0);
                }
                case "inverse-sqrt" -> {
                    if (parts.length < 2 || parts.length > 3) throw bad(s);
                    return new Schedule(Kind.INVERSE_SQRT, List.of(), null, Double.parseDouble(parts[1]),
                            parts.length == 3 ? Double.parseDouble(parts[2]) : 0);
                }
                default -> throw bad(s);
            }
        } catch (NumberFormatException e) {
            throw bad(s);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("schedule must be")) throw e;
            throw bad(s);
        }
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("schedule must be one of " + ACCEPTED + ", got '" + s + "'");
    }

    /**
     * The schedule of a run of {@code epochs} epochs with {@code batchesPerEpoch} optimizer steps each.
     *
     * @throws IllegalArgumentException when the schedule does not fit, e.g. decreasing milestones
     */
    public Resolved resolve(int epochs, int batchesPerEpoch) {
        return switch (kind) {
            case CONSTANT -> new Resolved(LrSchedule.constant(), Trainer.ScheduleUnit.EPOCH);
            case STEP -> {
                int a = Math.max(1, epochs / 2);
                int b = Math.max(a + 1, (epochs * 3) / 4);
                yield new Resolved(LrSchedule.multiStep(0.1, a, b), Trainer.ScheduleUnit.EPOCH);
            }
            case MULTISTEP -> new Resolved(LrSchedule.multiStep(gamma == null ? 0.1 : gamma,
                    milestones.stream().mapToInt(Integer::intValue).toArray()), Trainer.ScheduleUnit.EPOCH);
            case COSINE -> new Resolved(LrSchedule.cosine(epochs), Trainer.ScheduleUnit.FRACTIONAL_EPOCH);
            case WARMUP_COSINE -> {
                double total = (double) epochs * batchesPerEpoch;
                yield new Resolved(LrSchedule.cosine(Math.max(total, steps + 1), steps, 0), Trainer.ScheduleUnit.STEP);
            }
            case INVERSE_SQRT -> new Resolved(LrSchedule.inverseSqrt(steps, start), Trainer.ScheduleUnit.STEP);
        };
    }

    /** @return the {@code --schedule} syntax, e.g. "multistep:7,11" or "warmup-cosine:100". */
    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT, STEP, COSINE -> kind.id();
            case MULTISTEP -> kind.id() + ":" + String.join(",", milestones.stream().map(String::valueOf).toList())
                    + (gamma == null ? "" : ":" + number(gamma));
            case WARMUP_COSINE -> kind.id() + ":" + number(steps);
            case INVERSE_SQRT -> kind.id() + ":" + number(steps) + (start == 0 ? "" : ":" + number(start));
        };
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }
}
