package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.train.Compression;
import org.fnl4j.train.Decay;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.fnl4j.train.Schedule;

/**
 * {@code fnl compress MODEL}: truncated-SVD factorization of a trained model to a rank ratio or a
 * parameter budget, optionally fine-tuned with the training machinery.
 */
final class CompressCommand implements Command {
    @Override
    public String name() {
        return "compress";
    }

    @Override
    public String summary() {
        return "SVD-factorize a trained dense model to a rank or parameter budget, optionally fine-tune";
    }

    @Override
    public String details() {
        return "--prune F instead magnitude-prunes the (collapsed) dense model: the smallest-|w| conv/linear weights\n"
                + "(one global threshold; biases and normalization stay dense) are set to 0 so that the fraction F of\n"
                + "its parameters remains; --finetune then trains it with the mask fixed (pruned weights stay exactly 0).\n"
                + "Without --finetune, --out is the compressed model file. With --finetune N the compressed model is\n"
                + "trained N more epochs on the data it was trained on, and --out is a run directory as for fnl train\n"
                + "(metrics.jsonl, checkpoint.fnl, model.fnl); the JSON result line is that of fnl train.\n"
                + "A factorized input model is collapsed first, then compressed.";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("rank", "R", null, "rank ratio of the factorized layers, in (0, 1]")
                .opt("params", "F", null, "instead of --rank: target parameter count as a fraction of the dense model's")
                .opt("prune", "F", null, "instead of --rank/--params: global magnitude pruning keeping the fraction F "
                        + "of the parameters")
                .opt("conv-scheme", "paper|channel", "paper", "how a conv weight is factorized")
                .opt("out", "FILE|DIR", null, "output model file (or run directory with --finetune); required")
                .opt("finetune", "EPOCHS", null, "fine-tune the compressed model this many epochs")
                .opt("lr", "X", "0.01", "fine-tuning learning rate (cosine schedule)")
                .opt("decay", "weight|frobenius", "frobenius", "fine-tuning regularizer of the factors")
                .opt("wd", "L", "0.0001", "fine-tuning decay coefficient")
                .opt("data", "NAME[:PATH]", "the data the model was trained on", "fine-tuning data, as for fnl train")
                .opt("train-limit", "N", null, "fine-tune on only the first N training examples")
                .opt("test-limit", "N", null, "evaluate on only the first N test examples")
                .opt("threads", "N", String.valueOf(Parallel.threads()), "threads for the kernels")
                .positional("MODEL", "a trained model file");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl compress: give exactly one MODEL file, got " + o.positional().size()
                    + " arguments");
        }
        if ((o.has("rank") ? 1 : 0) + (o.has("params") ? 1 : 0) + (o.has("prune") ? 1 : 0) != 1) {
            throw new UsageException("fnl compress: give exactly one of --rank R, --params F and --prune F");
        }
        if (!o.has("out")) {
            throw new UsageException("fnl compress: --out is required");
        }
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        Path file = Path.of(o.positional().get(0));
        Model src = Model.load(file);
        ConvScheme scheme = ConvScheme.of(o.choice("conv-scheme", ConvScheme.PAPER.id(), ConvScheme.CHANNEL.id()));
        if (o.has("finetune")) {
            Recipe recipe = finetuneRecipe(o, file, src, scheme);
            Run run = RunConsole.create(recipe, Path.of(o.str("out")), "out", "choose another --out");
            out.println(Json.write(RunConsole.fit(run, false, err).toJson()));
            return 0;
        }

        Path dest = Path.of(o.str("out"));
        if (Files.isDirectory(dest)) {
            throw new UsageException("fnl compress: --out " + dest + " is a directory; without --finetune give a file name");
        }
        Map<String, Object> meta = new LinkedHashMap<>(src.metadata());
        meta.put("compressed_from", file.toString());
        meta.remove("test_accuracy");
        Compression.Compressed c;
        if (o.has("prune")) {
            c = Compression.prune(src, o.number("prune", 0, true, 1));
            meta.put(Model.PRUNED_PARAMS, c.mask().prunedCount());
        } else {
            FactorizationSpec spec = o.has("rank") ? FactorizationSpec.ratio(o.number("rank", 0, true, 1))
                    : FactorizationSpec.budget(o.number("params", 0, true, 1));
            Object trained = src.metadata().get("config");
            boolean deep = trained instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("middle"));
            c = Compression.lowRank(src, spec.withScheme(scheme).withMiddle(deep));
        }
        Model.save(dest, c.module(), src.spec(), c.factorizationMap(), meta);
        long params = c.params();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", dest.toString());
        res.put("params_before", c.paramsBefore());
        res.put("params", params);
        res.put("fraction", (double) params / c.paramsBefore());
        err.printf(Locale.ROOT, "fnl compress: %s -> %s: %,d -> %,d parameters (%.1f%%); evaluate it with fnl eval %s%n",
                file, dest, c.paramsBefore(), params, 100.0 * params / c.paramsBefore(), dest);
        out.println(Json.write(res));
        return 0;
    }

    /**
     * The recipe of a fine-tuning run: the one {@code src} was trained with, compressed as the
     * flags say, fine-tuned --finetune epochs at --lr on a cosine schedule with --decay.
     */
    private static Recipe finetuneRecipe(Opts o, Path file, Model src, ConvScheme scheme) {
        Recipe trained = Run.recipeOf(src);
        if (trained == null) {
            throw new CliException(file + " carries no training settings (metadata.config); fine-tuning needs a model "
                    + "written by fnl train");
        }
        Recipe.Builder b = trained.toBuilder().prune(null).rescaleTo(null).denseTwin(false);
        if (o.has("prune")) {
            b.dense().prune(o.number("prune", 0, true, 1));
        } else if (o.has("rank")) {
            b.rank(o.number("rank", 0, true, 1));
        } else {
            b.params(o.number("params", 0, true, 1));
        }
        b.convScheme(scheme).init(FactorInit.SPECTRAL).epochs(o.integer("finetune", 1, 100_000))
                .lr(o.number("lr", 0, true, 100)).schedule(Schedule.cosine())
                .decay(Decay.of(o.choice("decay", Decay.WEIGHT.id(), Decay.FROBENIUS.id()))).wd(o.number("wd", 0, false, 1))
                .finetuneFrom(file.toAbsolutePath());
        if (o.has("data")) b.data(RecipeFlags.data(o));
        if (o.has("train-limit")) b.trainLimit(o.integer("train-limit", 1, Integer.MAX_VALUE));
        if (o.has("test-limit")) b.testLimit(o.integer("test-limit", 1, Integer.MAX_VALUE));
        return RecipeFlags.build(b, "compress");
    }
}
