package org.fnl4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;

/**
 * Writes one JSON object per finished epoch ({@link EpochMetrics#toJson()}) to a JSON-lines file,
 * e.g. {@code metrics.jsonl}. The file is rewritten atomically after every epoch, so it is never
 * half-written; when a run resumes, the lines of epochs after the checkpoint (from the interrupted
 * run) are dropped, so the file always matches the weights.
 */
public final class MetricsLog implements TrainingListener {
    private final Path file;
    private final List<String> lines = new ArrayList<>();

    public MetricsLog(Path file) {
        this.file = file;
    }

    @Override
    public void onTrainStart(Trainer.RunInfo info) {
        lines.clear();
        if (info.resumed() && Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    Object epoch = Json.parseObject(line).get("epoch");
                    if (epoch instanceof Number n && n.intValue() <= info.startEpoch()) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " to continue it: " + e.getMessage(), e);
            } catch (Json.JsonException e) {
                throw new IllegalStateException(file + " is not a JSON-lines metrics log: " + e.getMessage(), e);
            }
        }
        flush();
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
        lines.add(Json.write(metrics.toJson()));
        flush();
    }

    private void flush() {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append('\n');
        try {
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a metrics log written by this class, one map per line. */
    public static List<Map<String, Object>> read(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) continue;
            try {
                out.add(Json.parseObject(line));
            } catch (Json.JsonException e) {
                throw new IOException(file + " line " + n + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
