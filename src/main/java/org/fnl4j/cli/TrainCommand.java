package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.Architecture;
import org.fnl4j.train.FactorNormLog;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunResult;

/**
 * {@code fnl train}: parses the flags into a {@link Recipe}, trains it as a {@link Run} into
 * --out, and prints the result (progress on stderr, one JSON line on stdout).
 */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a dense or factorized network; progress on stderr, one JSON result line on stdout";
    }

    @Override
    public String details() {
        return """
                With no flags this is the main job: a factorized ResNet-20 (rank ratio 0.111, the paper's s) with spectral
                initialization (SI) and Frobenius decay (FD) on the shipped Fashion-MNIST subset, compared
                with the dense ResNet-20's size. --out receives run.json (the settings), metrics.jsonl (one
                line per epoch), checkpoint.fnl (every epoch, atomic), model.fnl (the final model),
                spectra.json (singular values per layer) and plot-*.png (curves, spectra, norms).
                Resume an interrupted run with: fnl train --resume DIR (bit-identical to an uninterrupted run).""";
    }

    @Override
    public Opts options() {
        return flags(name());
    }

    /** The flags of {@code fnl train}, declared for {@code command} (which names itself in errors). */
    static Opts flags(String command) {
        return new Opts(command)
                .opt("data", "NAME[:PATH]", "fashion-mnist",
                        "fashion-mnist (the shipped 10k/2k subset; fashion-mnist:full uses /usr/share/datasets/fashion-mnist),\n"
                                + "mnist:DIR, cifar10:DIR (binary version), text (shipped KJV sample) or text:FILE;\n"
                                + "DIR holds the IDX/CIFAR files")
                .opt("model", RecipeFlags.alternatives(Architecture.ids()), "resnet20", "network architecture")
                .opt("width", "X", "1", "width multiplier of the network (> 0)")
                .opt("rank", "R|dense", "0.111", "rank ratio of the factorized layers in (0, 1] (or > 1 for overcomplete), "
                        + "or 'dense' for no factorization")
                .opt("params", "F", null, "instead of --rank: target parameter count as a fraction of the dense model's (0, 1]")
                .opt("conv-scheme", "paper|channel|tucker|tt", "paper", "how a conv weight is factorized: paper ((out,kh) x "
                        + "(in,kw)), channel (out x (in,kh,kw)),\ntucker or tt (depthwise conv + tensor-decomposed 1x1 conv)")
                .opt("prune", "F", null, "magnitude pruning at initialization: prune the dense network's smallest-|w| "
                        + "conv/linear weights\n(one global threshold) so that the fraction F in (0, 1] of all its "
                        + "parameters remains, then train\nwith the mask fixed; implies --rank dense (fnl compress --prune "
                        + "prunes a trained model)")
                .flag("deep", "deep factorization U·M·Vᵀ with an r x r middle factor (overcomplete training)")
                .opt("init", "default|spectral", "spectral", "initialization of the factors (spectral = SI)")
                .opt("decay", "weight|frobenius|none", "frobenius", "weight decay on the factors, Frobenius decay (FD) of "
                        + "their product, or none (no decay\non the factors; other parameters keep weight decay)")
                .opt("rescale-to", "RUN_DIR", null, "with --decay none: after every step rescale each factorized product's "
                        + "factors so that ‖UVᵀ‖_F\nequals its value at the same step of the run in RUN_DIR (its "
                        + FactorNormLog.FILE + "; same model, epochs and batches)")
                .opt("wd", "L", "0.0001", "weight/Frobenius decay coefficient (>= 0)")
                .opt("epochs", "N", "5", "training epochs")
                .opt("batch", "N", "128", "batch size")
                .opt("lr", "X", "0.1 (adamw: 0.001)", "initial learning rate")
                .opt("optimizer", "sgd|momentum|adamw|nag|plain", "sgd (transformer: adamw)",
                        "optimizer: sgd = SGD with Nesterov momentum 0.9, momentum = SGD with plain (heavy-ball) momentum 0.9, "
                                + "adamw = AdamW (decoupled decay), nag = SGD with Nesterov momentum 0.99 (fairseq's NAG),\n"
                                + "plain = SGD without momentum")
                .opt("schedule", "S", "cosine (transformer: warmup-cosine:100)",
                        "learning-rate schedule: constant | step (x0.1 at 50% and 75% of the epochs) |\n"
                                + "multistep:E1,E2[,..][:GAMMA] | cosine | warmup-cosine:STEPS | inverse-sqrt:STEPS[:START]\n"
                                + "(START: the warm-up's first lr as a fraction of --lr; 1 = flat warm-up as fairseq's "
                                + "--warmup-init-lr = --lr)")
                .opt("prune-target", "fraction|low-rank", "fraction", "with --prune F: keep round(F x the dense count) "
                        + "parameters, or exactly as many as the low-rank model at --params F has")
                .opt("attention-si", "rebalance|truncate-dense", "rebalance", "with --init spectral: SI of multi-head "
                        + "attention re-balances each head's own products (the paper's) or truncates the dense layer's")
                .opt("clip", "N", null, "clip the loss gradient to global norm N before the decay terms are added")
                .opt("valid-fraction", "F", null, "text: hold out the last fraction F of the training text as a "
                        + "validation split, evaluated after every epoch (valid_loss)")
                .opt("factorize", "all|attention|non-attention", "all", "transformer: which layers --rank factorizes "
                        + "(attention: multi-head attention only, per-head QK and OV; non-attention: the MLP linears)")
                .opt("augment", "none|crop|flip|crop+flip", "crop+flip", "training augmentation for images (crop pads 4 px "
                        + "(32 px images) or 2 px (28 px))")
                .opt("seed", "N", "0", "seed of initialization, data order and augmentation")
                .opt("threads", "N", String.valueOf(Parallel.threads()), "threads for the kernels")
                .opt("train-limit", "N", null, "use only the first N training examples")
                .opt("test-limit", "N", null, "use only the first N test examples")
                .opt("context", "T", "64", "context length of the transformer (text data)")
                .opt("out", "DIR", "runs/<model>-<time>", "output directory (created; must not already hold a run)")
                .opt("resume", "DIR", null, "continue the run in DIR from its checkpoint with its settings "
                        + "(only --threads may be given with it)")
                .flag("dense-twin", "also train the dense model with the same settings and report both")
                .flag("no-plots", "do not write the PNG plots (curves, spectra, norms) into --out at the end");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        Run run;
        if (o.has("resume")) {
            for (String f : List.of("data", "model", "width", "rank", "params", "conv-scheme", "init", "decay", "wd",
                    "epochs", "batch", "lr", "optimizer", "schedule", "augment", "seed", "train-limit", "test-limit",
                    "context", "out", "dense-twin", "deep", "prune", "rescale-to")) {
                if (o.has(f)) {
                    throw new UsageException("fnl train: --" + f + " cannot be combined with --resume (the run continues "
                            + "with the settings stored in its checkpoint; only --threads and --no-plots may be given)");
                }
            }
            Path dir = Path.of(o.str("resume"));
            if (!java.nio.file.Files.isRegularFile(dir.resolve(Run.CHECKPOINT))) {
                throw new CliException("--resume " + dir + ": no " + Run.CHECKPOINT + " in that directory (is it the --out "
                        + "of a fnl train run?)");
            }
            run = Run.resume(dir);
        } else {
            Recipe recipe = RecipeFlags.fromOptions(o);
            Path dir = o.has("out") ? Path.of(o.str("out")) : Path.of("runs", recipe.model().id() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            run = RunConsole.create(recipe, dir, "out", "continue it with --resume " + dir + " or choose another --out");
        }
        err.println("fnl train: " + Kernels.implementation() + ", " + Parallel.threads() + " thread(s), Java "
                + Runtime.version().feature());
        boolean plots = !o.bool("no-plots");
        Map<String, Object> result = RunConsole.fit(run, plots, err).toJson();
        Recipe recipe = run.recipe();
        if (!run.resuming() && recipe.denseTwin() && !recipe.dense()) {
            Path twinDir = run.dir().resolve("dense-twin");
            Run twinRun = RunConsole.create(denseTwin(recipe), twinDir, "out", "choose another --out");
            err.println("fnl train: training the dense twin into " + twinDir);
            RunResult twin = RunConsole.fit(twinRun, plots, err);
            result.put("dense_test_accuracy", twin.testAccuracy());
            result.put("dense_test_loss", twin.testLoss());
            err.printf(Locale.ROOT, "dense twin: test accuracy %.2f%% with %,d parameters%n", 100 * twin.testAccuracy(),
                    twin.params());
        }
        out.println(Json.write(result));
        return 0;
    }

    /** The dense model with the same settings: no factorization, default init, weight decay. */
    static Recipe denseTwin(Recipe r) {
        return r.toBuilder().dense().init(org.fnl4j.nn.factorized.FactorInit.DEFAULT)
                .decay(org.fnl4j.train.Decay.WEIGHT).denseTwin(false).build();
    }
}
