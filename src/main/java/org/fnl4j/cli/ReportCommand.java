package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.train.MetricsLog;

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
    @SuppressWarnings("unchecked")
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
            if (!Files.exists(p.resolve(TrainCommand.METRICS)) && !Files.exists(p.resolve(TrainCommand.RUN))) {
                throw new CliException(d + ": no " + TrainCommand.METRICS + " or " + TrainCommand.RUN
                        + " (is it the --out directory of fnl train?)");
            }
            runs.add(p);
        }
        String title = o.str("title");
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th{background:#f3f3f3}td.l,th.l{text-align:left}img{max-width:100%;margin:4px}"
                        + "h2{margin-top:2em;border-bottom:1px solid #ddd}</style></head><body>\n");
        html.append("<h1>").append(esc(title)).append("</h1>\n<table>\n<tr><th class=l>run</th><th class=l>model</th>"
                + "<th class=l>data</th><th>epochs</th><th>params</th><th>% of dense</th><th>test acc</th>"
                + "<th>test loss</th><th>train s</th><th>items/s</th></tr>\n");
        List<Plots.Series> acc = new ArrayList<>();
        for (Path run : runs) {
            Map<String, Object> cfg = Files.exists(run.resolve(TrainCommand.RUN))
                    ? Json.parseObject(Files.readString(run.resolve(TrainCommand.RUN), StandardCharsets.UTF_8))
                    : Map.of();
            List<Map<String, Object>> rows = Files.exists(run.resolve(TrainCommand.METRICS))
                    ? MetricsLog.read(run.resolve(TrainCommand.METRICS)) : List.of();
            Map<String, Object> last = rows.isEmpty() ? Map.of() : rows.get(rows.size() - 1);
            Map<String, Object> sizes = sizes(run);
            double trainSeconds = 0;
            for (Map<String, Object> r : rows) trainSeconds += Plots.num(r.get("epoch_seconds"));
            html.append("<tr><td class=l>").append(esc(run.toString())).append("</td><td class=l>")
                    .append(esc(describe(cfg))).append("</td><td class=l>").append(esc(String.valueOf(cfg.getOrDefault("data", ""))))
                    .append("</td><td>").append(rows.size()).append("</td><td>").append(fmtCount(sizes.get("params")))
                    .append("</td><td>").append(pct(sizes)).append("</td><td>")
                    .append(fmtPct(Plots.num(last.get("test_accuracy")))).append("</td><td>")
                    .append(fmt4(Plots.num(last.get("test_loss")))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", trainSeconds)).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.0f", Plots.num(last.get("items_per_second"))))
                    .append("</td></tr>\n");
            if (!rows.isEmpty()) {
                acc.add(new Plots.Series(run.getFileName().toString(), Plots.column(rows, "epoch"),
                        Plots.column(rows, "test_accuracy")));
            }
        }
        html.append("</table>\n");
        if (runs.size() > 1 && !acc.isEmpty()) {
            html.append("<h2>Test accuracy of all runs</h2>\n");
            img(html, Plots.lineChart("Test accuracy", "epoch", "accuracy", acc, false));
        }
        for (Path run : runs) {
            html.append("<h2>").append(esc(run.toString())).append("</h2>\n");
            Map<String, byte[]> plots = Plots.runPlots(run);
            if (plots.isEmpty()) {
                html.append("<p>no metrics yet</p>\n");
            }
            for (byte[] png : plots.values()) {
                img(html, png);
            }
        }
        html.append("<p style=\"color:#888\">fnl4j ").append(esc(Main.version())).append("</p></body></html>\n");
        Path file = Path.of(o.str("out"));
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        AtomicFiles.write(file, html.toString().getBytes(StandardCharsets.UTF_8));
        err.println("fnl report: wrote " + file + " (" + runs.size() + " run(s))");
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("report", file.toString());
        res.put("runs", runs.size());
        out.println(Json.write(res));
        return 0;
    }

    /** Parameter counts from the run's model file header (metadata) or final result, when present. */
    private static Map<String, Object> sizes(Path run) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path model = run.resolve(TrainCommand.MODEL);
        if (Files.exists(model)) {
            try {
                org.fnl4j.io.Model mdl = org.fnl4j.io.Model.load(model);
                m.put("params", mdl.module().parameterCount());
                m.put("dense_params", org.fnl4j.models.Models.build(mdl.spec(), new org.fnl4j.tensor.Rng(0))
                        .parameterCount());
            } catch (Exception e) {
                m.put("error", e.getMessage());
            }
        }
        return m;
    }

    private static String describe(Map<String, Object> cfg) {
        if (cfg.isEmpty()) return "";
        Object rank = cfg.get("rank");
        String f = "dense".equals(rank) ? "dense" : (cfg.get("params") != null ? "params " + cfg.get("params")
                : "rank " + rank) + ", " + cfg.get("init") + ", " + cfg.get("decay");
        return cfg.get("model") + " (" + f + ")";
    }

    private static void img(StringBuilder html, byte[] png) {
        html.append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    private static String pct(Map<String, Object> sizes) {
        Object p = sizes.get("params");
        Object d = sizes.get("dense_params");
        if (p instanceof Number a && d instanceof Number b && b.doubleValue() > 0) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * a.doubleValue() / b.doubleValue());
        }
        return "";
    }

    private static String fmtCount(Object o) {
        return o instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : "";
    }

    private static String fmtPct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "";
    }

    private static String fmt4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
