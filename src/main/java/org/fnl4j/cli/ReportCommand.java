package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.train.Run;

/** {@code fnl report RUN_DIR...}: one self-contained HTML page comparing training runs. */
final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "put training runs side by side in one self-contained HTML page (table + PNG plots)";
    }

    @Override
    public String details() {
        return "Each RUN_DIR is the --out of a fnl train run (run.json, metrics.jsonl, spectra.json). The page embeds\n"
                + "its plots as data URIs, so it can be mailed or archived as one file.";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("out", "FILE", "report.html", "the HTML file to write")
                .opt("title", "TEXT", "fnl4j report", "page title")
                .positional("RUN_DIR...", "one or more run directories");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        List<String> dirs = o.positional();
        if (dirs.isEmpty()) {
            throw new UsageException("fnl report: give at least one RUN_DIR (the --out directory of fnl train)");
        }
        List<Path> runs = new ArrayList<>();
        for (String d : dirs) {
            Path p = Path.of(d);
            if (!Files.isDirectory(p)) {
                throw new CliException(d + ": not a directory (expected the --out directory of fnl train)");
            }
            if (!Files.exists(p.resolve(Run.METRICS)) && !Files.exists(p.resolve(Run.RECIPE))) {
                throw new CliException(d + ": no " + Run.METRICS + " or " + Run.RECIPE
                        + " (is it the --out directory of fnl train?)");
            }
            runs.add(p);
        }
        Path file = Path.of(o.str("out"));
        RunReport.write(runs, o.str("title"), file);
        err.println("fnl report: wrote " + file + " (" + runs.size() + " run(s))");
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("report", file.toString());
        res.put("runs", runs.size());
        out.println(Json.write(res));
        return 0;
    }
}
