package org.fnl4j.cli;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fnl4j.train.TrainingDivergedException;

/**
 * The {@code fnl} command line: {@code fnl COMMAND [flags]}. Results go to stdout (one JSON line
 * for {@code train}/{@code eval}), progress and messages to stderr. Exit codes: 0 success, 1 an
 * error (file, data, I/O), 2 a usage error (unknown flag, bad value), 3 training diverged. Errors
 * are one line without a stack trace unless {@code --debug} is given.
 */
public final class Main {
    /** Exit code of a failed command. */
    public static final int EXIT_ERROR = 1;
    /** Exit code of a command-line mistake. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when training stopped on a non-finite loss. */
    public static final int EXIT_DIVERGED = 3;

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    /** Held strongly: a logger's level is lost when the logger is garbage-collected. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("org.fnl4j");

    static {
        for (Command c : List.of(new TrainCommand(), new EvalCommand(), new CompressCommand(), new CollapseCommand(),
                new ExportCommand(), new ImportCommand(), new InspectCommand(), new BenchCommand(), new ReportCommand(), new ExperimentCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintStream out = lineAtomic(FileDescriptor.out, "stdout.encoding", System.out);
        PrintStream err = lineAtomic(FileDescriptor.err, "stderr.encoding", System.err);
        System.setOut(out);
        System.setErr(err);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * A stream on {@code fd} that writes whole lines (see {@link LineBufferedOutputStream}), in the
     * encoding the JVM chose for {@code current}.
     */
    private static PrintStream lineAtomic(FileDescriptor fd, String encodingProperty, PrintStream current) {
        Charset charset;
        try {
            charset = Charset.forName(System.getProperty(encodingProperty,
                    System.getProperty("sun." + encodingProperty, Charset.defaultCharset().name())));
        } catch (RuntimeException e) {
            charset = Charset.defaultCharset();
        }
        current.flush();
        return new PrintStream(new LineBufferedOutputStream(fd), false, charset);
    }

    /** Runs one command line and returns its exit code (used by the tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = List.of(args).contains("--debug");
        // The kernel-selection log line is printed by the commands that care, in our own format.
        LIBRARY_LOG.setLevel(debug ? Level.ALL : Level.WARNING);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            if (args.length >= 2 && COMMANDS.containsKey(args[1])) {
                Command c = COMMANDS.get(args[1]);
                out.print(c.options().usage(c.summary(), c.details()));
                return 0;
            }
            out.print(overview());
            return 0;
        }
        if (args[0].equals("--version")) {
            out.println("fnl4j " + version());
            return 0;
        }
        Command cmd = COMMANDS.get(args[0]);
        if (cmd == null) {
            err.println("fnl: unknown command '" + args[0] + "'; commands are " + String.join(", ", COMMANDS.keySet())
                    + " (see fnl --help)");
            return EXIT_USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            Opts opts = cmd.options().parse(rest);
            if (opts.help()) {
                out.print(opts.usage(cmd.summary(), cmd.details()));
                return 0;
            }
            return cmd.run(opts, out, err);
        } catch (UsageException e) {
            return fail(err, debug, e, e.getMessage(), EXIT_USAGE);
        } catch (TrainingDivergedException e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": " + e.getMessage(), EXIT_DIVERGED);
        } catch (CliException e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": " + e.getMessage(), EXIT_ERROR);
        } catch (UncheckedIOException e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": " + describe(e.getCause()), EXIT_ERROR);
        } catch (IOException e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": " + describe(e), EXIT_ERROR);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The library's own validation messages name the argument and what was expected.
            return fail(err, debug, e, "fnl " + cmd.name() + ": " + e.getMessage(), EXIT_ERROR);
        } catch (OutOfMemoryError e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": out of memory (" + e.getMessage() + ") with a heap of at most "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB; use a smaller --batch or give Java more heap, "
                    + "e.g. FNL_JAVA_OPTS=\"-Xmx4g -Xmn2g\" ./fnl ...", EXIT_ERROR);
        } catch (Exception | Error e) {
            return fail(err, debug, e, "fnl " + cmd.name() + ": internal error: " + e
                    + (debug ? "" : " (run again with --debug for the stack trace)"), EXIT_ERROR);
        }
    }

    /** A readable message for an I/O failure (the JDK's exceptions often carry only the path). */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory" + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return (f.getFile() != null ? f.getFile() + ": " : "") + f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static int fail(PrintStream err, boolean debug, Throwable e, String message, int code) {
        err.println(message);
        if (debug) {
            e.printStackTrace(err);
        }
        return code;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    private static String overview() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: fnl COMMAND [flags]   (fnl COMMAND --help for its flags)\n\n");
        sb.append("fnl4j: factorized neural layers on the CPU, in pure Java (spectral initialization and\n");
        sb.append("Frobenius decay, Khodak et al., ICLR 2021).\n\ncommands:\n");
        for (Command c : COMMANDS.values()) {
            sb.append(String.format("  %-11s %s%n", c.name(), c.summary()));
        }
        sb.append("\nglobal flags: --debug (stack traces on errors), --help, --version\n");
        sb.append("exit codes: 0 ok, 1 error, 2 usage error, 3 training diverged\n");
        sb.append("\nThe main job (factorized ResNet with SI+FD on the shipped Fashion-MNIST subset): fnl train\n");
        return sb.toString();
    }
}
