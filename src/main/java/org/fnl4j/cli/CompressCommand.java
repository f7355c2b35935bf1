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
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.prune.MagnitudePruning;

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
    @SuppressWarnings("unchecked")
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
        Map<String, Object> cfg = new LinkedHashMap<>();
        Object trained = src.metadata().get("config");
        if (trained instanceof Map) {
            cfg.putAll((Map<String, Object>) trained);
        }
        cfg.put("prune", null);
        if (o.has("prune")) {
            cfg.put("rank", "dense");
            cfg.put("params", null);
            cfg.put("prune", o.number("prune", 0, true, 1));
        } else if (o.has("rank")) {
            cfg.put("rank", o.number("rank", 0, true, 1));
            cfg.put("params", null);
        } else {
            cfg.put("rank", null);
            cfg.put("params", o.number("params", 0, true, 1));
        }
        cfg.put("conv_scheme", o.choice("conv-scheme", "paper", "channel"));
        cfg.put("init", "spectral");

        if (o.has("finetune")) {
            int epochs = o.integer("finetune", 1, 100_000);
            if (o.has("data")) cfg.put("data", o.str("data"));
            if (!cfg.containsKey("data") || !cfg.containsKey("batch")) {
                throw new CliException(file + " carries no training settings (metadata.config); fine-tuning needs a model "
                        + "written by fnl train");
            }
            cfg.put("epochs", epochs);
            cfg.put("lr", o.number("lr", 0, true, 100));
            cfg.put("schedule", "cosine");
            cfg.put("decay", o.choice("decay", "weight", "frobenius"));
            cfg.put("wd", o.number("wd", 0, false, 1));
            if (o.has("train-limit")) cfg.put("train_limit", o.integer("train-limit", 1, Integer.MAX_VALUE));
            if (o.has("test-limit")) cfg.put("test_limit", o.integer("test-limit", 1, Integer.MAX_VALUE));
            cfg.put("dense_twin", false);
            cfg.put("finetune_from", file.toAbsolutePath().toString());
            cfg.put("rescale_to", null);
            Path dir = Path.of(o.str("out"));
            TrainCommand.prepareOutDir(dir);
            Map<String, Object> res = TrainCommand.train(cfg, dir, false, false, err);
            out.println(Json.write(res));
            return 0;
        }

        Path dest = Path.of(o.str("out"));
        if (Files.isDirectory(dest)) {
            throw new UsageException("fnl compress: --out " + dest + " is a directory; without --finetune give a file name");
        }
        Map<String, Object> meta = new LinkedHashMap<>(src.metadata());
        meta.put("compressed_from", file.toString());
        meta.remove("test_accuracy");
        Compressed c;
        long params;
        if (cfg.get("prune") != null) {
            Module m = src.factorization() != null ? Factorize.collapse(src.module()) : src.module();
            MagnitudePruning mask = TrainCommand.pruningMask(m, cfg, false);
            c = new Compressed(m, null, m.parameterCount());
            params = mask.keptCount();
            meta.put(Model.PRUNED_PARAMS, mask.prunedCount());
        } else {
            c = compress(src, cfg);
            params = c.module.parameterCount();
        }
        Model.save(dest, c.module, src.spec(), c.factorization, meta);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", dest.toString());
        res.put("params_before", c.paramsBefore);
        res.put("params", params);
        res.put("fraction", (double) params / c.paramsBefore);
        err.printf(Locale.ROOT, "fnl compress: %s -> %s: %,d -> %,d parameters (%.1f%%); evaluate it with fnl eval %s%n",
                file, dest, c.paramsBefore, params, 100.0 * params / c.paramsBefore, dest);
        out.println(Json.write(res));
        return 0;
    }

    /** A compressed module with its factorization spec (as stored) and the dense parameter count. */
    record Compressed(Module module, Map<String, Object> factorization, long paramsBefore) {}

    /** Collapses {@code src} if it is factorized, then SVD-compresses it as {@code cfg} says. */
    static Compressed compress(Model src, Map<String, Object> cfg) {
        Module m = src.module();
        if (src.factorization() != null) {
            m = Factorize.collapse(m);
        }
        long before = m.parameterCount();
        FactorizationSpec spec = Factorization.spec(cfg);
        Factorize.svdCompress(m, spec);
        return new Compressed(m, spec.withInit("spectral").toMap(), before);
    }
}
