package org.fnl4j.cli;

import static org.fnl4j.cli.CliTest.fnl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.nn.Parameter;
import org.fnl4j.prune.MagnitudePruning;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.tensor.Rng;
import org.fnl4j.train.Compression;
import org.fnl4j.train.PruneTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Magnitude pruning from the command line: fnl train --prune, fnl compress --prune, and the compression arms. */
class PruneCliTest {
    @TempDir
    Path dir;

    private static long zerosInPrunable(Path modelFile) throws Exception {
        long z = 0;
        for (Parameter p : MagnitudePruning.prunable(Model.load(modelFile).module()).values()) {
            for (float v : p.value().toArray()) if (v == 0f) z++;
        }
        return z;
    }

    @Test
    void trainAndCompressPruneToTheBudgetAndKeepThePrunedWeightsAtZero() throws Exception {
        Path a = dir.resolve("init");
        CliTest.Run t = fnl("train", "--model", "mlp", "--width", "0.05", "--prune", "0.3", "--epochs", "1", "--batch",
                "64", "--train-limit", "128", "--test-limit", "100", "--no-plots", "--out", a.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> res = Json.parseObject(t.out().trim());
        long dense = ((Number) res.get("dense_params")).longValue();
        long params = ((Number) res.get("params")).longValue();
        assertEquals(Math.round(0.3 * dense), params, t.out());
        assertTrue(((Number) res.get("nonzero_params")).longValue() <= params, t.out());
        long pruned = ((Number) res.get("pruned_params")).longValue();
        assertEquals(dense - params, pruned);
        assertTrue(zerosInPrunable(a.resolve("model.fnl")) >= pruned, "pruned weights are 0 in the saved model");
        assertTrue(t.err().contains("magnitude-pruned at initialization"), t.err());

        // eval and inspect count the weights the mask keeps, not the stored dense shapes.
        CliTest.Run e = fnl("eval", a.resolve("model.fnl").toString(), "--test-limit", "50");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> eres = Json.parseObject(e.out().trim());
        assertEquals(params, ((Number) eres.get("params")).longValue(), e.out());
        assertEquals(pruned, ((Number) eres.get("pruned_params")).longValue(), e.out());
        CliTest.Run i = fnl("inspect", a.resolve("model.fnl").toString(), "--json");
        assertEquals(0, i.code(), i.err());
        Map<String, Object> info = Json.parseObject(i.out().trim());
        assertEquals(params, ((Number) info.get("params")).longValue(), i.out());
        assertEquals(dense, ((Number) info.get("stored_params")).longValue(), i.out());
        CliTest.Run it = fnl("inspect", a.resolve("model.fnl").toString());
        assertTrue(it.out().contains(String.format(java.util.Locale.ROOT, "parameters:    %,d (dense model: %,d", params,
                dense)) && it.out().contains("fixed at zero by magnitude pruning"), it.out());

        Path b = dir.resolve("trained");
        CliTest.Run c = fnl("compress", a.resolve("model.fnl").toString(), "--prune", "0.2", "--finetune", "1",
                "--train-limit", "128", "--test-limit", "100", "--out", b.toString());
        assertEquals(0, c.code(), c.err());
        Map<String, Object> cres = Json.parseObject(c.out().trim());
        assertEquals(Math.round(0.2 * dense), ((Number) cres.get("params")).longValue(), c.out());
        assertTrue(zerosInPrunable(b.resolve("model.fnl")) >= dense - Math.round(0.2 * dense));

        Path f = dir.resolve("pruned.fnl");
        CliTest.Run s = fnl("compress", a.resolve("model.fnl").toString(), "--prune", "0.2", "--out", f.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals(Math.round(0.2 * dense), ((Number) Json.parseObject(s.out().trim()).get("params")).longValue());

        CliTest.usageError("cannot be combined with --params", "train", "--prune", "0.1", "--params", "0.1");
        CliTest.usageError("give exactly one of --rank R, --params F and --prune F", "compress", "m.fnl", "--prune", "0.1",
                "--rank", "0.5", "--out", "x.fnl");
        CliTest.Run tooSmall = fnl("train", "--model", "mlp", "--width", "0.05", "--prune", "0.001", "--epochs", "1",
                "--train-limit", "64", "--test-limit", "64", "--out", dir.resolve("small").toString());
        assertEquals(Main.EXIT_ERROR, tooSmall.code());
        assertTrue(tooSmall.err().contains("prune 0.001") && tooSmall.err().contains("cannot be pruned"), tooSmall.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void compressionExperimentRunsBothPruningArmsAtTheBudget() throws Exception {
        Path out = dir.resolve("exp");
        CliTest.Run r = fnl("experiment", "compression", "--arms", "prune-trained-0.10,prune-init-0.10", "--width", "0.25",
                "--epochs", "1", "--finetune-epochs", "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "64",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("prune-trained-0.10", "prune-init-0.10"), List.copyOf(summary.keySet()));
        // Both pruned arms keep exactly the parameter count of the low-rank arm at the same budget.
        long lowRank = Compression.keptCount(Models.build(ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width",
                28, "numClasses", 10, "widthMultiplier", 0.25), new Rng(0)), 0.10, PruneTarget.LOW_RANK);
        for (String arm : summary.keySet()) {
            Map<String, Object> res = ((List<Map<String, Object>>) summary.get(arm)).get(0);
            assertEquals(lowRank, ((Number) res.get("params")).longValue(), arm);
        }
        // prune-trained fine-tunes the dense arm's model, which was trained first (it was not selected).
        assertTrue(Files.exists(out.resolve("dense-seed0").resolve("model.fnl")));
        Map<String, Object> cfg = Json.parseObject(Files.readString(out.resolve("prune-trained-0.10-seed0/run.json")));
        assertEquals(out.resolve("dense-seed0/model.fnl").toAbsolutePath().toString(), cfg.get("finetune_from"));
        assertEquals(0.01, ((Number) cfg.get("lr")).doubleValue());
        String table = Files.readString(out.resolve("summary.md"));
        assertTrue(table.contains("| prune-init-0.10 |"), table);

        // Rerunning finds the finished runs and reports the same (pruned) parameter counts.
        CliTest.Run again = fnl("experiment", "compression", "--arms", "prune-*", "--width", "0.25", "--epochs", "1",
                "--finetune-epochs", "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "64", "--out",
                out.toString(), "--arms", "prune-init-0.10");
        assertEquals(Main.EXIT_USAGE, again.code(), "--arms twice is a usage error");
        CliTest.Run rerun = fnl("experiment", "compression", "--arms", "prune-init-0.10", "--width", "0.25", "--epochs",
                "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "64", "--out", out.toString());
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.err().contains("is done, skipping"), rerun.err());
        Map<String, Object> s2 = Json.parseObject(Files.readString(out.resolve("summary.json")));
        Map<String, Object> res2 = ((List<Map<String, Object>>) s2.get("prune-init-0.10")).get(0);
        assertEquals(lowRank, ((Number) res2.get("params")).longValue());
    }
}
