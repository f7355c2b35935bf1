package org.fnl4j.cli;

import static org.fnl4j.cli.CliTest.fnl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fnl experiment compression: an arm whose budget no rank can meet is reported, not fatal. */
class CompressionCliTest {
    @TempDir
    Path dir;

    @Test
    void anInfeasibleBudgetIsReportedAndTheOtherArmsStillRun() throws Exception {
        Path out = dir.resolve("exp");
        CliTest.Run r = fnl("experiment", "compression", "--arms=lowrank-0.02-SI-FD,dense", "--width", "0.25",
                "--epochs", "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("dense"), List.copyOf(summary.keySet()), "only the feasible arm has results");
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("Not feasible") && md.contains("lowrank-0.02-SI-FD")
                && md.contains("below the smallest factorized model"), md);
        assertFalse(Files.exists(out.resolve("lowrank-0.02-SI-FD-seed0")), "no empty run directory is left behind");
        assertTrue(r.err().contains("arm lowrank-0.02-SI-FD is not feasible"), r.err());
        // What a user deploys: the model file's size and the measured training and test speeds.
        @SuppressWarnings("unchecked")
        Map<String, Object> res = ((List<Map<String, Object>>) summary.get("dense")).get(0);
        assertEquals(Files.size(out.resolve("dense-seed0").resolve("model.fnl")), ((Number) res.get("model_bytes")).longValue());
        assertTrue(((Number) res.get("train_items_per_second")).doubleValue() > 0, res.toString());
        assertTrue(((Number) res.get("eval_items_per_second")).doubleValue() > 0, res.toString());
        assertTrue(md.contains("| model file bytes | train img/s | test img/s |"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%,d", ((Number) res.get("model_bytes")).longValue())), md);
    }
}
