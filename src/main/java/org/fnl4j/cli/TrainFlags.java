package org.fnl4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fnl4j.train.Recipe;

/**
 * The flags of {@code fnl train}, parsed into a {@link Recipe} for programs other than the
 * {@code fnl} command (for example a {@code spark-submit} main class), so that every front end
 * accepts the same flags with the same checks and messages. A program declares its own extra
 * flags next to them.
 */
public final class TrainFlags {
    private TrainFlags() {}

    /**
     * A flag of the program besides {@code fnl train}'s.
     *
     * @param name   without the leading dashes
     * @param values what the value looks like, e.g. "N"; null for a switch that takes no value
     * @param dflt   the default value, or null
     * @param help   one line of help
     */
    public record Extra(String name, String values, String dflt, String help) {}

    /**
     * What {@link #parse} found.
     *
     * @param recipe the recipe of the flags; null with {@code --resume} (the run's checkpoint holds its recipe) or {@code --help}
     * @param values the value (or default, or null) of each extra flag; the value of {@code out}, {@code resume} and
     *               {@code threads} when given (else null); switches map to "true" when given and null otherwise
     * @param help   the usage text when {@code --help} was given, else null
     */
    public record Parsed(Recipe recipe, Map<String, String> values, String help) {}

    /** Flags of {@code fnl train} that are not part of the recipe. */
    private static final Set<String> NOT_RECIPE = Set.of("out", "resume", "threads", "no-plots", "debug", "help");

    /**
     * Parses {@code args}: {@code fnl train}'s flags and {@code extra}.
     *
     * @param command the program's name in messages and the usage line
     * @param summary one line saying what the program does, for the usage text
     * @throws IllegalArgumentException naming the flag, its value and what it accepts, for any mistake (unknown flag,
     *                                  bad value, a recipe flag next to {@code --resume})
     */
    public static Parsed parse(String command, String summary, String[] args, List<Extra> extra) {
        Opts o = TrainCommand.flags(command);
        List<String> recipeFlags = new ArrayList<>();
        for (String name : o.declared()) {
            if (!NOT_RECIPE.contains(name)) recipeFlags.add(name);
        }
        for (Extra e : extra) {
            if (o.declared().contains(e.name())) {
                throw new IllegalArgumentException("TrainFlags: --" + e.name() + " is already a flag of fnl train");
            }
            if (e.values() == null) o.flag(e.name(), e.help());
            else o.opt(e.name(), e.values(), e.dflt(), e.help());
        }
        try {
            o.parse(args);
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : List.of("out", "resume", "threads")) values.put(name, o.has(name) ? o.str(name) : null);
            for (Extra e : extra) values.put(e.name(), e.values() == null ? (o.bool(e.name()) ? "true" : null) : o.str(e.name()));
            if (o.help()) {
                return new Parsed(null, values, o.usage(summary, null));
            }
            if (o.has("resume")) {
                for (String f : recipeFlags) {
                    if (o.has(f)) {
                        throw new UsageException("fnl " + command + ": --" + f + " cannot be combined with --resume (the run "
                                + "continues with the settings stored in its checkpoint)");
                    }
                }
                return new Parsed(null, values, null);
            }
            return new Parsed(RecipeFlags.fromOptions(o), values, null);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
