package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.train.BatchNormStats;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Evaluation;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunData;

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
                .opt("recompute-bn-stats", "N", null, "first evaluate as saved, then re-estimate the BatchNorm running "
                        + "statistics on N training batches of the model's recipe (train mode, no gradients, plain average) "
                        + "and evaluate again; reports both")
                .positional("MODEL", "a model file (model.fnl) or checkpoint (checkpoint.fnl) written by fnl train");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl eval: give exactly one MODEL file, got " + o.positional().size() + " arguments");
        }
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        Path file = Path.of(o.positional().get(0));
        Model model = Model.load(file);
        DataRef data = o.has("data") ? RecipeFlags.data(o) : trainedOn(model);
        ModelSpec spec = model.spec();
        RunData ds = RunData.loadTest(data, o.integer("batch", 1, 65_536),
                o.has("test-limit") ? o.integer("test-limit", 1, Integer.MAX_VALUE) : null,
                spec.takesTokens() ? spec.exampleShape()[0] : 64);
        ds.checkFits(spec, file.toString());
        Evaluation saved = null;
        int norms = 0;
        if (o.has("recompute-bn-stats")) {
            int n = o.integer("recompute-bn-stats", 1, 1_000_000);
            Recipe recipe = Run.recipeOf(model);
            if (recipe == null) {
                throw new UsageException("fnl eval: --recompute-bn-stats needs the training batches of the model's recipe, "
                        + "and " + file + " carries none (it was not written by fnl train)");
            }
            saved = ds.evaluate(model.module());
            RunData train = RunData.load(recipe.toBuilder().testLimit(1).build());
            norms = BatchNormStats.recompute(model.module(), train.train(), n);
            err.printf(Locale.ROOT, "fnl eval: %s as saved: accuracy %.2f%%, loss %.4f; re-estimating %d BatchNorm layers on "
                    + "%d batches of %s%n", file, 100 * saved.accuracy(), saved.loss(), norms, n, train.train().describe());
        }
        long t0 = System.nanoTime();
        Evaluation r = ds.evaluate(model.module());
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> res = new LinkedHashMap<>();
        if (saved != null) {
            res.put("saved_bn_test_accuracy", saved.accuracy());
            res.put("saved_bn_test_loss", saved.loss());
            res.put("recomputed_bn_layers", norms);
            res.put("recomputed_bn_batches", o.integer("recompute-bn-stats", 1, 1_000_000));
        }
        res.put("test_accuracy", r.accuracy());
        res.put("test_loss", r.loss());
        if (ds.text()) res.put("test_bits_per_char", r.bits());
        res.put("examples", ds.test().size());
        res.put("seconds", Math.round(secs * 100) / 100.0);
        res.put("params", model.parameterCount());
        if (model.prunedParameterCount() > 0) res.put("pruned_params", model.prunedParameterCount());
        res.put("model", file.toString());
        res.put("data", ds.name());
        err.printf(Locale.ROOT, "fnl eval: %s on %s: accuracy %.2f%%, loss %.4f (%d %s, %.1f s)%n", file, ds.name(),
                100 * r.accuracy(), r.loss(), ds.test().size(), ds.text() ? "tokens" : "examples", secs);
        out.println(Json.write(res));
        return 0;
    }

    /** The data a model file says it was trained on (its metadata.config), else the shipped Fashion-MNIST subset. */
    private static DataRef trainedOn(Model model) {
        Object trained = model.metadata().get("config");
        Object data = trained instanceof Map<?, ?> m ? m.get("data") : null;
        return data instanceof String s ? DataRef.parse(s) : DataRef.fashionMnist();
    }
}
