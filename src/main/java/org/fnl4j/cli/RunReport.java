package org.fnl4j.cli;

import java.io.IOException;
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
import org.fnl4j.train.Run;
import org.fnl4j.train.Compression;

/**
 * A self-contained HTML page putting training runs side by side: a table (model, data, epochs,
 * parameters, test accuracy and loss, time) and the PNG plots of each run embedded as data URIs.
 */
final class RunReport {
    private RunReport() {}

    /** Writes the page for the run directories {@code runs} (each holding run.json and metrics.jsonl) to {@code file}. */
    static void write(List<Path> runs, String title, Path file) throws IOException {
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
            Map<String, Object> cfg = Files.exists(run.resolve(Run.RECIPE))
                    ? Json.parseObject(Files.readString(run.resolve(Run.RECIPE), StandardCharsets.UTF_8))
                    : Map.of();
            List<Map<String, Object>> rows = Files.exists(run.resolve(Run.METRICS))
                    ? MetricsLog.read(run.resolve(Run.METRICS)) : List.of();
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
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        AtomicFiles.write(file, html.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Parameter counts from the run's model file header (metadata) or final result, when present. */
    private static Map<String, Object> sizes(Path run) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path model = run.resolve(Run.MODEL);
        if (Files.exists(model)) {
            try {
                org.fnl4j.io.Model mdl = org.fnl4j.io.Model.load(model);
                m.put("params", mdl.module().parameterCount());
                m.put("dense_params", Compression.denseParameterCount(mdl));
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
