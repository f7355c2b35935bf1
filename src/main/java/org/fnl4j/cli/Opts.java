package org.fnl4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A command's flags: declaration (name, value description, default, help) and strict parsing of
 * {@code --name value}, {@code --name=value} and value-less switches. Unknown flags and bad values
 * are {@link UsageException}s that name the flag and what it accepts.
 */
final class Opts {
    /** One declared flag. {@code values == null} marks a switch (no value). */
    record Opt(String name, String values, String dflt, String help) {}

    private final String command;
    private final Map<String, Opt> opts = new LinkedHashMap<>();
    private final Map<String, String> given = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private String positionalName;
    private String positionalHelp;

    Opts(String command) {
        this.command = command;
    }

    /** Declares {@code --name VALUES} with a default (null: none) and help text. */
    Opts opt(String name, String values, String dflt, String help) {
        opts.put(name, new Opt(name, values, dflt, help));
        return this;
    }

    /** Declares a switch {@code --name}. */
    Opts flag(String name, String help) {
        opts.put(name, new Opt(name, null, null, help));
        return this;
    }

    /** Accepts positional arguments, described as {@code name} in the help. */
    Opts positional(String name, String help) {
        this.positionalName = name;
        this.positionalHelp = help;
        return this;
    }

    String command() {
        return command;
    }

    /** @return the declared flag names, in declaration order. */
    List<String> declared() {
        return List.copyOf(opts.keySet());
    }

    /** Parses {@code args}; {@code --debug} and {@code --help} are always accepted. */
    Opts parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (name.equals("debug") || name.equals("help")) {
                    given.put(name, "true");
                    continue;
                }
                Opt o = opts.get(name);
                if (o == null) {
                    throw new UsageException("fnl " + command + ": unknown flag --" + name + suggestion(name)
                            + "; accepted flags: " + flagList() + " (see fnl " + command + " --help)");
                }
                if (o.values() == null) {
                    if (value != null) {
                        throw new UsageException("fnl " + command + ": --" + name + " takes no value, got '" + value + "'");
                    }
                    value = "true";
                } else if (value == null) {
                    if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                        throw new UsageException("fnl " + command + ": --" + name + " needs a value: " + o.values());
                    }
                    value = args[++i];
                }
                if (given.containsKey(name)) {
                    throw new UsageException("fnl " + command + ": --" + name + " is given twice");
                }
                given.put(name, value);
            } else if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                throw new UsageException("fnl " + command + ": unknown option " + a + " (flags start with --; see fnl "
                        + command + " --help)");
            } else {
                if (positionalName == null) {
                    throw new UsageException("fnl " + command + ": unexpected argument '" + a + "'; this command takes only "
                            + "flags: " + flagList());
                }
                positional.add(a);
            }
        }
        return this;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String suggestion(String name) {
        String best = null;
        int bestD = 3;
        for (String k : opts.keySet()) {
            int d = distance(name, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String flagList() {
        StringBuilder sb = new StringBuilder();
        for (String k : opts.keySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append("--").append(k);
        }
        return sb.toString();
    }

    boolean help() {
        return given.containsKey("help");
    }

    boolean debug() {
        return given.containsKey("debug");
    }

    /** @return whether the flag was given on the command line. */
    boolean has(String name) {
        return given.containsKey(decl(name).name());
    }

    List<String> positional() {
        return positional;
    }

    private Opt decl(String name) {
        Opt o = opts.get(name);
        if (o == null) {
            throw new IllegalStateException("fnl " + command + ": flag --" + name + " is not declared");
        }
        return o;
    }

    /** @return the given value or the default (null when neither). */
    String str(String name) {
        Opt o = decl(name);
        String v = given.get(name);
        return v != null ? v : o.dflt();
    }

    boolean bool(String name) {
        return given.containsKey(decl(name).name());
    }

    UsageException bad(String name, String value, String expected) {
        return new UsageException("fnl " + command + ": --" + name + " must be " + expected + ", got '" + value + "'");
    }

    /** @return an integer in [min, max]. */
    int integer(String name, int min, int max) {
        String v = str(name);
        if (v == null) {
            throw new UsageException("fnl " + command + ": --" + name + " is required (" + decl(name).values() + ")");
        }
        try {
            long x = Long.parseLong(v.replace("_", ""));
            if (x < min || x > max) {
                throw bad(name, v, range(min, max));
            }
            return (int) x;
        } catch (NumberFormatException e) {
            throw bad(name, v, "an integer " + range(min, max));
        }
    }

    private static String range(long min, long max) {
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) return ">= " + min;
        return "in [" + min + ", " + max + "]";
    }

    long longValue(String name) {
        String v = str(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(name, v, "an integer");
        }
    }

    /** @return a finite number in [min, max] (exclusive of min when {@code minExclusive}). */
    double number(String name, double min, boolean minExclusive, double max) {
        String v = str(name);
        if (v == null) {
            throw new UsageException("fnl " + command + ": --" + name + " is required (" + decl(name).values() + ")");
        }
        String expected = "a number " + (minExclusive ? "> " : ">= ") + fmt(min)
                + (Double.isInfinite(max) ? "" : " and <= " + fmt(max));
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(name, v, expected);
        }
        if (!Double.isFinite(x) || x < min || (minExclusive && x == min) || x > max) {
            throw bad(name, v, expected);
        }
        return x;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** @return the value, which must be one of {@code choices}. */
    String choice(String name, String... choices) {
        String v = str(name);
        if (v == null || !Arrays.asList(choices).contains(v.toLowerCase(Locale.ROOT))) {
            throw bad(name, String.valueOf(v), "one of " + String.join(" | ", choices));
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** The help text: usage line, description and the flag table. */
    String usage(String summary, String details) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: fnl ").append(command).append(opts.isEmpty() ? "" : " [flags]");
        if (positionalName != null) sb.append(' ').append(positionalName);
        sb.append("\n\n").append(summary).append('\n');
        if (details != null && !details.isEmpty()) sb.append('\n').append(details).append('\n');
        if (positionalName != null) {
            sb.append("\n  ").append(positionalName).append("\n      ").append(positionalHelp).append('\n');
        }
        if (!opts.isEmpty()) sb.append("\nflags:\n");
        for (Opt o : opts.values()) {
            sb.append("  --").append(o.name());
            if (o.values() != null) sb.append(' ').append(o.values());
            sb.append("\n      ").append(o.help().replace("\n", "\n      "));
            if (o.dflt() != null) sb.append(" (default: ").append(o.dflt()).append(')');
            sb.append('\n');
        }
        sb.append("  --debug\n      print stack traces for errors\n  --help\n      print this help\n");
        return sb.toString();
    }
}
