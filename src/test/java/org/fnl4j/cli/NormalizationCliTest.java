package org.fnl4j.cli;

import static org.fnl4j.cli.CliTest.fnl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.train.FactorNormLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The normalization experiment's pieces: the FD run's ‖UVᵀ‖_F record, --decay none --rescale-to, and its errors. */
class NormalizationCliTest {
    @TempDir
    Path dir;

    private static final String[] TINY = {"--model", "mlp", "--width", "0.05", "--rank", "0.5", "--epochs", "2", "--batch",
        "64", "--train-limit", "128", "--test-limit", "64", "--no-plots"};

    private static String[] args(String[] extra, String... more) {
        String[] a = new String[1 + TINY.length + extra.length + more.length];
        a[0] = "train";
        System.arraycopy(TINY, 0, a, 1, TINY.length);
        System.arraycopy(extra, 0, a, 1 + TINY.length, extra.length);
        System.arraycopy(more, 0, a, 1 + TINY.length + extra.length, more.length);
        return a;
    }

    @Test
    void rescaledRunFollowsTheRecordedFrobeniusDecayTrajectory() throws Exception {
        Path fd = dir.resolve("fd");
        CliTest.Run a = fnl(args(new String[] {"--decay", "frobenius", "--wd", "0.05", "--out", fd.toString()}));
        assertEquals(0, a.code(), a.err());
        FactorNormLog.Trajectory want = FactorNormLog.read(fd.resolve(FactorNormLog.FILE));
        assertEquals(4, want.steps(), "2 epochs x 2 batches");
        assertTrue(want.names().size() >= 1, want.names().toString());

        Path plain = dir.resolve("none");
        CliTest.Run b = fnl(args(new String[] {"--decay", "none", "--out", plain.toString()}));
        assertEquals(0, b.code(), b.err());
        Path rs = dir.resolve("rescaled");
        CliTest.Run c = fnl(args(new String[] {"--decay", "none", "--rescale-to", fd.toString(), "--seed", "3", "--out",
            rs.toString()}));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.err().contains("rescaled to"), c.err());
        // Recorded after the rescaling: every step's norms are FD's, while the unrescaled run drifts away.
        FactorNormLog.Trajectory got = FactorNormLog.read(rs.resolve(FactorNormLog.FILE));
        FactorNormLog.Trajectory free = FactorNormLog.read(plain.resolve(FactorNormLog.FILE));
        double freeDiff = 0;
        for (int s = 0; s < want.steps(); s++) {
            for (int i = 0; i < want.names().size(); i++) {
                double t = want.norms()[s][i];
                assertEquals(t, got.norms()[s][i], 1e-5 * t, "step " + (s + 1) + " " + want.names().get(i));
                freeDiff = Math.max(freeDiff, Math.abs(free.norms()[s][i] - t) / t);
            }
        }
        assertTrue(freeDiff > 1e-3, "without rescaling the norms differ from FD's: " + freeDiff);
    }

    @Test
    void mismatchedOrMissingRecordsAreClearErrors() throws Exception {
        Path fd = dir.resolve("fd");
        assertEquals(0, fnl(args(new String[] {"--out", fd.toString()})).code());

        CliTest.Run fewer = fnl("train", "--model", "mlp", "--width", "0.05", "--rank", "0.5", "--epochs", "1", "--batch",
                "64", "--train-limit", "128", "--test-limit", "64", "--decay", "none", "--rescale-to", fd.toString(),
                "--out", dir.resolve("y").toString());
        assertEquals(Main.EXIT_ERROR, fewer.code());
        assertTrue(fewer.err().contains("rescale_to " + fd) && fewer.err().contains("records 4 optimizer steps")
                && fewer.err().contains("takes 2"), fewer.err());

        CliTest.Run layers = fnl("train", "--model", "resnet20", "--width", "0.25", "--rank", "0.5", "--epochs", "2",
                "--batch", "64", "--train-limit", "128", "--test-limit", "64", "--decay", "none", "--rescale-to",
                fd.toString(), "--out", dir.resolve("z").toString());
        assertEquals(Main.EXIT_ERROR, layers.code());
        assertTrue(layers.err().contains("factorized products") && layers.err().contains("this model has"), layers.err());

        CliTest.Run missing = fnl(args(new String[] {"--decay", "none", "--rescale-to", dir.toString(), "--out",
            dir.resolve("w").toString()}));
        assertEquals(Main.EXIT_ERROR, missing.code());
        assertTrue(missing.err().contains("no " + FactorNormLog.FILE), missing.err());

        CliTest.usageError("--rescale-to needs --decay none", "train", "--rescale-to", fd.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void normalizationExperimentRunsFrobeniusDecayFirstForTheRescaledArm() throws Exception {
        Path out = dir.resolve("exp");
        CliTest.Run r = fnl("experiment", "normalization", "--arms", "no-decay-rescaled", "--width", "0.25", "--epochs",
                "1", "--seeds", "1", "--train-limit", "64", "--test-limit", "32", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("no-decay-rescaled"), List.copyOf(summary.keySet()));
        Map<String, Object> cfg = Json.parseObject(Files.readString(out.resolve("no-decay-rescaled-seed0/run.json")));
        assertEquals("none", cfg.get("decay"));
        assertEquals(out.resolve("FD-seed0").toAbsolutePath().toString(), cfg.get("rescale_to"));
        FactorNormLog.Trajectory fd = FactorNormLog.read(out.resolve("FD-seed0").resolve(FactorNormLog.FILE));
        FactorNormLog.Trajectory rs = FactorNormLog.read(out.resolve("no-decay-rescaled-seed0").resolve(FactorNormLog.FILE));
        double[] last = fd.norms()[fd.steps() - 1];
        for (int i = 0; i < last.length; i++) {
            assertEquals(last[i], rs.norms()[rs.steps() - 1][i], 1e-5 * last[i]);
        }
        assertTrue(fnl("experiment", "--list").out().contains("normalization"));
    }
}
