package org.fnl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.fnl4j.train.ProgressBar;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunResult;

/**
 * How the commands that train ({@code train}, {@code compress --finetune}, {@code experiment})
 * show a {@link Run}: its messages and a progress bar on stderr, the PNG plots into the run
 * directory, and a closing summary line.
 */
final class RunConsole {
    private RunConsole() {}

    /**
     * A new run of {@code recipe} into {@code dir}.
     *
     * @param flag the flag that named {@code dir}, for errors (e.g. "out")
     */
    static Run create(Recipe recipe, Path dir, String flag, String resumeHint) {
        if (Run.holdsRun(dir)) {
            throw new CliException("--" + flag + " " + dir + " already holds a run; " + resumeHint);
        }
        try {
            return Run.create(recipe, dir);
        } catch (IOException e) {
            throw new CliException("--" + flag + " " + dir + ": cannot create the directory: " + Main.describe(e), e);
        }
    }

    /** Trains {@code run}, reporting on {@code err}; writes the plots unless {@code plots} is false. */
    static RunResult fit(Run run, boolean plots, PrintStream err) throws IOException {
        String unit = run.recipe().data().isText() ? "tok" : "img";
        run.log(s -> err.println("fnl train: " + s)).listener(new ProgressBar(err, ProgressBar.isTerminal(), unit, 10));
        RunResult r = run.fit();
        if (plots) {
            Plots.writeRunPlots(run.dir());
        }
        err.printf(Locale.ROOT, "%s: test accuracy %.2f%% (loss %.4f) with %,d parameters = %.1f%% of the dense model's "
                        + "%,d; %.0f %s/s; model saved to %s%n", r.description(), 100 * r.testAccuracy(), r.testLoss(),
                r.params(), 100.0 * r.params() / r.denseParams(), r.denseParams(), r.training().itemsPerSecond(), unit,
                run.dir().resolve(Run.MODEL));
        return r;
    }
}
