package org.fnl4j.cli;

import static org.fnl4j.cli.CliTest.fnl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fnl experiment distillation: overcomplete runs collapsed and the collapsed models evaluated. */
class DistillationCliTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void factorizedRunsAreCollapsedAndTheCollapsedModelIsEvaluated() throws Exception {
        Path out = dir.resolve("exp");
        String[] common = {"--width", "0.25", "--epochs", "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "64",
            "--out", out.toString()};
        String[] args = new String[3 + common.length];
        args[0] = "experiment";
        args[1] = "distillation";
        args[2] = "--arms=dense,wide-s3-FD,deep-UMV-WD";
        System.arraycopy(common, 0, args, 3, common.length);
        CliTest.Run r = fnl(args);
        assertEquals(0, r.code(), r.err());
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("dense", "wide-s3-FD", "deep-UMV-WD"), List.copyOf(summary.keySet()));

        Map<String, Object> dense = ((List<Map<String, Object>>) summary.get("dense")).get(0);
        assertFalse(dense.containsKey("collapsed_params"), "a dense run has nothing to collapse");
        assertFalse(Files.exists(out.resolve("dense-seed0").resolve(ExperimentCommand.COLLAPSED)));
        for (String arm : List.of("wide-s3-FD", "deep-UMV-WD")) {
            Map<String, Object> res = ((List<Map<String, Object>>) summary.get(arm)).get(0);
            long denseParams = ((Number) res.get("dense_params")).longValue();
            assertEquals(denseParams, ((Number) res.get("collapsed_params")).longValue(), arm + " collapses to the dense net");
            assertTrue(((Number) res.get("params")).longValue() > denseParams, arm + " trains an overcomplete model");
            Path collapsed = out.resolve(arm + "-seed0").resolve(ExperimentCommand.COLLAPSED);
            assertNull(Model.load(collapsed).factorization());
            // The reported accuracy is that of the collapsed file itself, measured independently here.
            CliTest.Run e = fnl("eval", collapsed.toString(), "--test-limit", "64");
            assertEquals(0, e.code(), e.err());
            Map<String, Object> ev = Json.parseObject(e.out().trim());
            assertEquals(((Number) ev.get("test_accuracy")).doubleValue(),
                    ((Number) res.get("collapsed_test_accuracy")).doubleValue(), 1e-12, arm);
            assertEquals(((Number) ev.get("test_loss")).doubleValue(),
                    ((Number) res.get("collapsed_test_loss")).doubleValue(), 1e-9, arm);
            // Collapsing keeps the function: the loss moves only by float rounding.
            assertEquals(((Number) res.get("test_loss")).doubleValue(), ((Number) res.get("collapsed_test_loss")).doubleValue(),
                    1e-3, arm);
        }
        String table = Files.readString(out.resolve("summary.md"));
        assertTrue(table.contains("collapsed test accuracy") && table.contains("| dense |")
                && table.contains("— (dense)"), table);

        // Running again finds the finished runs and reports the collapsed figures again.
        String[] alias = args.clone();
        alias[1] = "distillation";
        alias[2] = "--arms=wide-s3-FD";
        CliTest.Run again = fnl(alias);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("is done, skipping") && again.err().contains("collapsed to"), again.err());
        Map<String, Object> s2 = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertTrue(((List<Map<String, Object>>) s2.get("wide-s3-FD")).get(0).containsKey("collapsed_test_accuracy"));
    }
}
