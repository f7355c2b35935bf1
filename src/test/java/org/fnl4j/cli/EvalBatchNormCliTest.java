package org.fnl4j.cli;

import static org.fnl4j.cli.CliTest.fnl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.fnl4j.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fnl eval --recompute-bn-stats N: evaluates as saved, re-estimates the BatchNorm statistics, evaluates again. */
class EvalBatchNormCliTest {
    @TempDir
    Path dir;

    @Test
    void reportsTheSavedAndTheRecomputedStatistics() throws Exception {
        Path run = dir.resolve("run");
        CliTest.Run t = fnl("train", "--model", "resnet20", "--width", "0.25", "--rank", "0.5", "--epochs", "1", "--batch",
                "32", "--train-limit", "96", "--test-limit", "64", "--no-plots", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        String model = run.resolve("model.fnl").toString();
        CliTest.Run e = fnl("eval", model, "--test-limit", "64", "--recompute-bn-stats", "3");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> res = Json.parseObject(e.out().trim());
        assertEquals(19, ((Number) res.get("recomputed_bn_layers")).intValue(), "ResNet-20: stem BN + 18 block BNs");
        assertEquals(3, ((Number) res.get("recomputed_bn_batches")).intValue());
        CliTest.Run plain = fnl("eval", model, "--test-limit", "64");
        Map<String, Object> before = Json.parseObject(plain.out().trim());
        assertEquals(before.get("test_loss"), res.get("saved_bn_test_loss"), "as saved = plain fnl eval");
        assertNotEquals(res.get("saved_bn_test_loss"), res.get("test_loss"), "the statistics did change");
        assertTrue(e.err().contains("re-estimating 19 BatchNorm layers"), e.err());
        CliTest.Run mlp = fnl("train", "--model", "mlp", "--width", "0.05", "--rank", "dense", "--epochs", "1",
                "--train-limit", "64", "--test-limit", "32", "--no-plots", "--out", dir.resolve("mlp").toString());
        assertEquals(0, mlp.code(), mlp.err());
        CliTest.Run none = fnl("eval", dir.resolve("mlp").resolve("model.fnl").toString(), "--recompute-bn-stats", "2");
        assertEquals(0, ((Number) Json.parseObject(none.out().trim()).get("recomputed_bn_layers")).intValue());
    }
}
