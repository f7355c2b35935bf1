package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.Trainer;

/** {@code fnl eval MODEL}: test loss and accuracy of a saved model. */
final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluate a saved model (or checkpoint) on a test set; one JSON result line on stdout";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("data", "NAME[:PATH]", "the data the model was trained on", "test data, as for fnl train --data")
                .opt("test-limit", "N", null, "use only the first N test examples")
                .opt("batch", "N", "256", "evaluation batch size")
                .opt("threads", "N", String.valueOf(Parallel.threads()), "threads for the kernels")
                .positional("MODEL", "a model file (model.fnl) or checkpoint (checkpoint.fnl) written by fnl train");
    }

    @Override
    @SuppressWarnings("unchecked")
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl eval: give exactly one MODEL file, got " + o.positional().size() + " arguments");
        }
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        Path file = Path.of(o.positional().get(0));
        Model model = Model.load(file);
        Object trained = model.metadata().get("config");
        Map<String, Object> cfg = new LinkedHashMap<>();
        String data = o.has("data") ? o.str("data")
                : trained instanceof Map ? (String) ((Map<String, Object>) trained).get("data") : "fashion-mnist";
        cfg.put("data", data);
        cfg.put("batch", o.integer("batch", 1, 65_536));
        cfg.put("test_limit", o.has("test-limit") ? o.integer("test-limit", 1, Integer.MAX_VALUE) : null);
        cfg.put("train_limit", null);
        cfg.put("augment", "none");
        cfg.put("context", model.spec().type().equals("transformer") ? model.exampleShape()[0] : 64);
        DataSetup ds = DataSetup.load(cfg, 0, false);
        if (ds.text) {
            int vocab = model.spec().getInt("vocab");
            if (vocab != ds.vocab) {
                throw new CliException(file + ": the model has a vocabulary of " + vocab + " characters, --data " + data
                        + " has " + ds.vocab + " (evaluate on the corpus it was trained on)");
            }
        } else if (!Arrays.equals(model.exampleShape(), ds.shape)) {
            throw new CliException(file + ": the model expects inputs of shape " + Arrays.toString(model.exampleShape())
                    + " but --data " + data + " has examples of shape " + Arrays.toString(ds.shape));
        }
        long t0 = System.nanoTime();
        double[] r = Trainer.evaluate(model.module(), ds.test, Objectives.crossEntropy(0f));
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("test_accuracy", r[1]);
        res.put("test_loss", r[0]);
        if (ds.text) res.put("test_bits_per_char", r[0] / Math.log(2));
        res.put("examples", ds.test.size());
        res.put("seconds", Math.round(secs * 100) / 100.0);
        res.put("params", model.parameterCount());
        if (model.prunedParameterCount() > 0) res.put("pruned_params", model.prunedParameterCount());
        res.put("model", file.toString());
        res.put("data", ds.name);
        err.printf(Locale.ROOT, "fnl eval: %s on %s: accuracy %.2f%%, loss %.4f (%d %s, %.1f s)%n", file, ds.name,
                100 * r[1], r[0], ds.test.size(), ds.text ? "tokens" : "examples", secs);
        out.println(Json.write(res));
        return 0;
    }
}
