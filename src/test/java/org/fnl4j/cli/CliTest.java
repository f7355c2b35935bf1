package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: argument errors name the flag, exit codes, and a tiny end-to-end run. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run fnl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void usageError(String expected, String... args) {
        Run r = fnl(args);
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
    }

    @Test
    void argumentErrorsNameTheFlagAndTheAcceptedValues() {
        usageError("unknown flag --epoch (did you mean --epochs?)", "train", "--epoch", "3");
        usageError("--model must be one of mlp | resnet20 | resnet32 | resnet44 | resnet56 | resnet110 | vgg | transformer, got 'resnet21'",
                "train", "--model", "resnet21");
        usageError("--lr must be a number > 0", "train", "--lr", "-1");
        usageError("--epochs must be an integer in [1, 100000], got 'many'", "train", "--epochs", "many");
        usageError("--batch must be in [1, 65536], got '0'", "train", "--batch", "0");
        usageError("--schedule must be one of constant | step", "train", "--schedule", "linear");
        usageError("--init must be one of default | spectral, got 'svd'", "train", "--init", "svd");
        usageError("--decay must be one of weight | frobenius", "train", "--decay", "l1");
        usageError("give either --rank or --params", "train", "--rank", "0.1", "--params", "0.1");
        usageError("--epochs needs a value", "train", "--epochs");
        usageError("--model transformer does not fit --data fashion-mnist", "train", "--model", "transformer");
        usageError("--epochs cannot be combined with --resume", "train", "--resume", dir.toString(), "--epochs", "2");
        usageError("unknown command 'trian'", "trian");
        usageError("unexpected argument 'x'", "bench", "x");
        usageError("give exactly one MODEL", "eval");
        usageError("--out FILE is required", "collapse", "m.fnl");
    }

    @Test
    void helpDocumentsEveryCommand() {
        Run all = fnl("--help");
        assertEquals(0, all.code());
        for (String c : List.of("train", "eval", "compress", "collapse", "inspect", "bench", "report", "experiment")) {
            assertTrue(all.out().contains("  " + c + " "), c + " in " + all.out());
            Run h = fnl(c, "--help");
            assertEquals(0, h.code(), c);
            assertTrue(h.out().startsWith("usage: fnl " + c), h.out());
        }
        assertTrue(fnl("train", "--help").out().contains("--conv-scheme paper|channel|tucker|tt"));
    }

    @Test
    void fileProblemsAreOneLineErrorsWithExitCodeOne() throws Exception {
        Path bad = dir.resolve("bad.fnl");
        Files.writeString(bad, "not a model");
        Run r = fnl("eval", bad.toString());
        assertEquals(Main.EXIT_ERROR, r.code());
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("wrong magic"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Run dbg = fnl("eval", bad.toString(), "--debug");
        assertTrue(dbg.err().contains("\tat "), "--debug prints the stack trace");

        Run missing = fnl("inspect", dir.resolve("nope.fnl").toString());
        assertEquals(Main.EXIT_ERROR, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        usageError("unknown experiment 'foo'", "experiment", "foo");
        Run list = fnl("experiment", "--list");
        assertEquals(0, list.code());
        for (String e : List.of("ablation", "compression", "distillation", "normalization", "transformer")) {
            assertTrue(list.out().contains("  " + e + " "), e + " in " + list.out());
        }
        assertTrue(list.out().contains("overcomplete") && !list.out().contains("NOT AVAILABLE"), list.out());

        Run noCk = fnl("train", "--resume", dir.toString());
        assertEquals(Main.EXIT_ERROR, noCk.code());
        assertTrue(noCk.err().contains("no checkpoint.fnl"), noCk.err());

        Path file = dir.resolve("plainfile");
        Files.writeString(file, "x");
        Run unwritable = fnl("train", "--out", file.resolve("sub").toString(), "--epochs", "1");
        assertEquals(Main.EXIT_ERROR, unwritable.code());
        assertTrue(unwritable.err().contains("--out " + file.resolve("sub")), unwritable.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void tinyEndToEndRunTrainsEvaluatesInspectsCollapsesAndReports() throws Exception {
        Path out = dir.resolve("run");
        Run t = fnl("train", "--model", "mlp", "--width", "0.05", "--rank", "0.5", "--epochs", "2", "--batch", "64",
                "--train-limit", "128", "--test-limit", "200", "--schedule", "cosine", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        Map<String, Object> res = Json.parseObject(t.out().trim());
        for (String k : List.of("test_accuracy", "test_loss", "params", "dense_params", "epochs", "train_seconds",
                "images_per_second")) {
            assertTrue(res.containsKey(k), k + " in " + t.out());
        }
        assertEquals(2L, res.get("epochs"));
        assertTrue(((Number) res.get("params")).longValue() < ((Number) res.get("dense_params")).longValue());
        for (String f : List.of("run.json", "metrics.jsonl", "checkpoint.fnl", "model.fnl", "spectra.json")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertTrue(t.err().contains("epoch 2/2"), t.err());

        Run e = fnl("eval", out.resolve("model.fnl").toString(), "--test-limit", "200");
        assertEquals(0, e.code(), e.err());
        assertEquals(res.get("test_accuracy"), Json.parseObject(e.out().trim()).get("test_accuracy"));

        // Resuming a finished run trains nothing more and leaves the same weights.
        float[] before = Model.load(out.resolve("model.fnl")).predict(new float[784], 1);
        Run again = fnl("train", "--resume", out.toString());
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(before, Model.load(out.resolve("model.fnl")).predict(new float[784], 1));

        Run i = fnl("inspect", out.resolve("model.fnl").toString(), "--json");
        assertEquals(0, i.code(), i.err());
        assertTrue(((List<Object>) Json.parseObject(i.out().trim()).get("layers")).size() >= 3);

        Path dense = dir.resolve("dense.fnl");
        Run c = fnl("collapse", out.resolve("model.fnl").toString(), "--out", dense.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(((Number) Json.parseObject(c.out().trim()).get("max_logit_difference")).doubleValue() < 1e-3, c.out());
        assertEquals(null, Model.load(dense).factorization());

        Path small = dir.resolve("small.fnl");
        Run s = fnl("compress", dense.toString(), "--rank", "0.25", "--out", small.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(Model.load(small).factorization() != null);

        Path html = dir.resolve("r.html");
        Run rep = fnl("report", out.toString(), "--out", html.toString());
        assertEquals(0, rep.code(), rep.err());
        String page = Files.readString(html);
        assertTrue(page.contains("data:image/png;base64,") && page.contains("<table>"), "self-contained page");

        Run exists = fnl("train", "--model", "mlp", "--out", out.toString());
        assertEquals(Main.EXIT_ERROR, exists.code());
        assertTrue(exists.err().contains("already holds a run"), exists.err());
    }
}
