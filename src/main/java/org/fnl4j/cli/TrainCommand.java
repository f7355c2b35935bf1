package org.fnl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Kernels;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.optim.AdamW;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.Sgd;
import org.fnl4j.prune.MagnitudePruning;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.FactorNorms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Rng;
import org.fnl4j.train.Checkpoint;
import org.fnl4j.train.FactorNormLog;
import org.fnl4j.train.MetricsLog;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.ProgressBar;
import org.fnl4j.train.TrainResult;
import org.fnl4j.train.TrainingListener;
import org.fnl4j.train.Trainer;

/** {@code fnl train}: trains a (factorized) network and writes metrics, checkpoint and model into --out. */
final class TrainCommand implements Command {
    static final String CHECKPOINT = "checkpoint.fnl";
    static final String MODEL = "model.fnl";
    static final String METRICS = "metrics.jsonl";
    static final String RUN = "run.json";

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
        return new Opts(name())
                .opt("data", "NAME[:PATH]", "fashion-mnist",
                        "fashion-mnist (the shipped 10k/2k subset; fashion-mnist:full uses /usr/share/datasets/fashion-mnist),\n"
                                + "mnist:DIR, cifar10:DIR (binary version), text (shipped KJV sample) or text:FILE;\n"
                                + "DIR holds the IDX/CIFAR files")
                .opt("model", "mlp|resnet20|resnet32|resnet56|vgg|transformer", "resnet20", "network architecture")
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
                .opt("optimizer", "sgd|momentum|adamw", "sgd (transformer: adamw)",
                        "optimizer: sgd = SGD with Nesterov momentum 0.9, momentum = SGD with plain (heavy-ball) momentum 0.9, "
                                + "adamw = AdamW (decoupled decay)")
                .opt("schedule", "S", "cosine (transformer: warmup-cosine:100)",
                        "learning-rate schedule: constant | step (x0.1 at 50% and 75% of the epochs) |\n"
                                + "multistep:E1,E2[,..][:GAMMA] | cosine | warmup-cosine:STEPS | inverse-sqrt:STEPS")
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
        Map<String, Object> cfg;
        Path dir;
        boolean resume = o.has("resume");
        if (resume) {
            for (String f : List.of("data", "model", "width", "rank", "params", "conv-scheme", "init", "decay", "wd",
                    "epochs", "batch", "lr", "optimizer", "schedule", "augment", "seed", "train-limit", "test-limit",
                    "context", "out", "dense-twin", "deep", "prune", "rescale-to")) {
                if (o.has(f)) {
                    throw new UsageException("fnl train: --" + f + " cannot be combined with --resume (the run continues "
                            + "with the settings stored in its checkpoint; only --threads and --no-plots may be given)");
                }
            }
            dir = Path.of(o.str("resume"));
            Path ck = dir.resolve(CHECKPOINT);
            if (!Files.isRegularFile(ck)) {
                throw new CliException("--resume " + dir + ": no " + CHECKPOINT + " in that directory (is it the --out of a "
                        + "fnl train run?)");
            }
            cfg = RunConfig.fromCheckpoint(Checkpoint.read(ck).header(), ck);
        } else {
            cfg = RunConfig.fromOptions(o);
            dir = o.has("out") ? Path.of(o.str("out")) : Path.of("runs", cfg.get("model") + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            prepareOutDir(dir);
        }
        err.println("fnl train: " + Kernels.implementation() + ", " + Parallel.threads() + " thread(s), Java "
                + Runtime.version().feature());
        Map<String, Object> result = train(cfg, dir, resume, !o.bool("no-plots"), err);
        if (!resume && Boolean.TRUE.equals(cfg.get("dense_twin")) && !"dense".equals(cfg.get("rank"))) {
            Map<String, Object> twinCfg = new LinkedHashMap<>(cfg);
            twinCfg.put("rank", "dense");
            twinCfg.remove("params");
            twinCfg.put("decay", "weight");
            twinCfg.put("init", "default");
            twinCfg.put("dense_twin", false);
            Path twinDir = dir.resolve("dense-twin");
            prepareOutDir(twinDir);
            err.println("fnl train: training the dense twin into " + twinDir);
            Map<String, Object> twin = train(twinCfg, twinDir, false, !o.bool("no-plots"), err);
            result.put("dense_test_accuracy", twin.get("test_accuracy"));
            result.put("dense_test_loss", twin.get("test_loss"));
            err.printf(Locale.ROOT, "dense twin: test accuracy %.2f%% with %,d parameters%n",
                    100 * ((Number) twin.get("test_accuracy")).doubleValue(), ((Number) twin.get("params")).longValue());
        }
        out.println(Json.write(result));
        return 0;
    }

    static void prepareOutDir(Path dir) {
        if (Files.exists(dir.resolve(CHECKPOINT)) || Files.exists(dir.resolve(MODEL))) {
            throw new CliException("--out " + dir + " already holds a run; continue it with --resume " + dir
                    + " or choose another --out");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("--out " + dir + ": cannot create the directory: " + Main.describe(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new CliException("--out " + dir + ": the directory is not writable");
        }
    }

    /** Trains one run described by {@code cfg} into {@code dir}; returns the result object. */
    static Map<String, Object> train(Map<String, Object> cfg, Path dir, boolean resume, boolean plots, PrintStream err)
            throws IOException {
        long seed = ((Number) cfg.get("seed")).longValue();
        DataSetup data = DataSetup.load(cfg, seed);
        err.println("fnl train: data " + data.train.describe() + " | test " + data.test.describe());

        ModelSpec spec;
        Module model;
        long denseParams;
        Map<String, Object> factorization;
        if (cfg.get("finetune_from") != null) {
            // Fine-tuning a compressed model (fnl compress --finetune): a deterministic function of the source file.
            Model src = Model.load(Path.of((String) cfg.get("finetune_from")));
            spec = src.spec();
            denseParams = Models.build(spec, new Rng(0)).parameterCount();
            if (cfg.get("prune") instanceof Number) {
                model = src.factorization() != null ? Factorize.collapse(src.module()) : src.module();
                factorization = null;
            } else {
                CompressCommand.Compressed c = CompressCommand.compress(src, cfg);
                model = c.module();
                factorization = c.factorization();
            }
        } else {
            spec = RunConfig.modelSpec(cfg, data);
            Rng rng = new Rng(seed);
            model = Models.build(spec, rng);
            denseParams = model.parameterCount();
            factorization = Factorization.apply(model, cfg, rng);
        }
        MagnitudePruning mask = pruningMask(model, cfg, factorization != null);
        long params = mask != null ? mask.keptCount() : model.parameterCount();
        String described = describe(spec, cfg);
        err.printf(Locale.ROOT, "fnl train: %s, %,d parameters (dense: %,d, %.1f%%)%n", described, params, denseParams,
                100.0 * params / denseParams);

        boolean frobenius = "frobenius".equals(cfg.get("decay")) && factorization != null;
        DecayArms.Setup arm = decayArm(model, cfg, frobenius);
        FactorNorms factorNorms = new FactorNorms(model);
        FactorNormLog.Trajectory rescaleTarget = rescaleTarget(cfg, factorNorms, data.train.batchesPerEpoch());
        Optimizer opt = "adamw".equals(cfg.get("optimizer")) ? new AdamW(arm.groups()) : new Sgd(arm.groups(), 0.9f,
                !"momentum".equals(cfg.get("optimizer")));
        Regularizer fd = frobenius ? arm.regularizer() : null;
        int epochs = ((Number) cfg.get("epochs")).intValue();
        Schedules.Choice sched = Schedules.parse((String) cfg.get("schedule"), epochs, data.train.batchesPerEpoch(), "schedule");

        Map<String, Object> header = Model.header(spec, factorization, Map.of("config", cfg));
        Trainer.Builder tb = Trainer.builder(model, opt, Objectives.crossEntropy(0f))
                .train(data.train).test(data.test).epochs(epochs).seed(seed)
                .schedule(sched.schedule(), sched.unit())
                .checkpoint(dir.resolve(CHECKPOINT))
                .architecture(header)
                .listener(new MetricsLog(dir.resolve(METRICS)))
                .listener(new ProgressBar(err, ProgressBar.isTerminal(), data.unit, 10))
                .metric("layers", () -> Diagnostics.layerStats(model, opt.lr()));
        if (fd != null) {
            tb.afterBackward(fd::apply).metric("frobenius_penalty", fd::penalty);
        }
        if (rescaleTarget != null) {
            tb.listener(new FactorNormLog.Rescaler(factorNorms, rescaleTarget));
        }
        if (factorNorms.size() > 0) {
            tb.listener(new FactorNormLog.Recorder(dir.resolve(FactorNormLog.FILE), factorNorms));
        }
        if (mask != null) {
            // Registered last so that the mask also clears what regularizers added to the gradients.
            MagnitudePruning mk = mask;
            tb.afterBackward(mk::maskGradients).listener(new TrainingListener() {
                @Override
                public void onStep(StepInfo step) {
                    mk.afterStep(opt);
                }
            });
        }
        Trainer trainer = tb.build();
        if (resume) {
            trainer.resume(dir.resolve(CHECKPOINT));
        } else {
            AtomicFiles.write(dir.resolve(RUN), Json.writePretty(cfg).getBytes(StandardCharsets.UTF_8));
        }
        TrainResult r = trainer.fit();

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("config", cfg);
        meta.put("test_accuracy", r.last().testAccuracy());
        meta.put("epochs", r.history().size());
        if (mask != null) {
            meta.put(Model.PRUNED_PARAMS, mask.prunedCount());
        }
        Model.save(dir.resolve(MODEL), model, spec, factorization, meta);
        AtomicFiles.write(dir.resolve("spectra.json"),
                Json.write(Diagnostics.spectra(model)).getBytes(StandardCharsets.UTF_8));
        if (plots) {
            Plots.writeRunPlots(dir);
        }

        Map<String, Object> res = new LinkedHashMap<>();
        res.put("test_accuracy", r.last().testAccuracy());
        res.put("test_loss", r.last().testLoss());
        if (data.text) {
            res.put("test_bits_per_char", r.last().testLoss() / Math.log(2));
        }
        res.put("params", params);
        res.put("dense_params", denseParams);
        if (mask != null) {
            res.put("pruned_params", mask.prunedCount());
            res.put("nonzero_params", MagnitudePruning.nonzeroCount(model));
        }
        res.put("epochs", r.history().size());
        res.put("train_seconds", Math.round(r.trainSeconds() * 10) / 10.0);
        res.put(data.text ? "tokens_per_second" : "images_per_second", Math.round(r.itemsPerSecond() * 10) / 10.0);
        res.put("model", described);
        res.put("data", data.name);
        res.put("out", dir.toString());
        err.printf(Locale.ROOT, "%s: test accuracy %.2f%% (loss %.4f) with %,d parameters = %.1f%% of the dense model's "
                        + "%,d; %.0f %s/s; model saved to %s%n", described,
                100 * r.last().testAccuracy(), r.last().testLoss(), params, 100.0 * params / denseParams, denseParams,
                r.itemsPerSecond(), data.unit, dir.resolve(MODEL));
        return res;
    }

    /**
     * The magnitude-pruning mask of a {@code prune} run (null otherwise), already applied to the
     * weights: of the freshly initialized network (fnl train --prune), or of the trained source model
     * when fine-tuning (fnl compress --prune --finetune). A deterministic function of the weights, so a
     * resumed run rebuilds the same mask before its checkpoint is restored.
     */
    static MagnitudePruning pruningMask(Module model, Map<String, Object> cfg, boolean factorized) {
        if (!(cfg.get("prune") instanceof Number f)) {
            return null;
        }
        if (factorized) {
            throw new CliException("--prune " + f + ": the network is factorized; magnitude pruning applies to the dense "
                    + "network (use --rank dense)");
        }
        MagnitudePruning mask;
        try {
            mask = MagnitudePruning.global(model, f.doubleValue());
        } catch (IllegalArgumentException e) {
            throw new CliException("--prune " + f + ": " + e.getMessage(), e);
        }
        mask.applyToWeights();
        return mask;
    }

    /**
     * The recorded trajectory of a {@code --rescale-to} run (null otherwise), checked against this
     * run's factorized products and its epochs × batches per epoch.
     */
    static FactorNormLog.Trajectory rescaleTarget(Map<String, Object> cfg, FactorNorms norms, int batchesPerEpoch)
            throws IOException {
        if (cfg.get("rescale_to") == null) {
            return null;
        }
        Path src = Path.of((String) cfg.get("rescale_to"));
        if (norms.size() == 0) {
            throw new CliException("--rescale-to " + src + ": this run has no factorized products to rescale (give --rank "
                    + "or --params)");
        }
        Path file = src.resolve(FactorNormLog.FILE);
        if (!Files.isRegularFile(file)) {
            throw new CliException("--rescale-to " + src + ": no " + FactorNormLog.FILE + " in that directory (it is "
                    + "written by fnl train runs of factorized models, e.g. with --decay frobenius)");
        }
        FactorNormLog.Trajectory t = FactorNormLog.read(file);
        try {
            t.check(norms.names(), (long) ((Number) cfg.get("epochs")).intValue() * batchesPerEpoch);
        } catch (IllegalArgumentException e) {
            throw new CliException("--rescale-to " + src + ": " + e.getMessage(), e);
        }
        return t;
    }

    /** {@link Factorization#describe} plus the pruning, e.g. "dense resnet20 (magnitude-pruned at init to 10%)". */
    static String describe(ModelSpec spec, Map<String, Object> cfg) {
        String d = Factorization.describe(spec, cfg);
        if (cfg.get("prune") instanceof Number f) {
            d += String.format(Locale.ROOT, " (magnitude-pruned %s to %.3g%% of its parameters)",
                    cfg.get("finetune_from") != null ? "after training" : "at initialization", 100 * f.doubleValue());
        }
        return d;
    }

    /**
     * The paper's decay arms: under weight decay every parameter is decayed (as PyTorch's SGD in
     * the reference code); under Frobenius decay the factors get FD with the same λ instead and
     * every other parameter keeps weight decay.
     */
    static DecayArms.Setup decayArm(Module model, Map<String, Object> cfg, boolean frobenius) {
        float lr = ((Number) cfg.get("lr")).floatValue();
        float wd = ((Number) cfg.get("wd")).floatValue();
        DecayKind kind = "adamw".equals(cfg.get("optimizer")) ? DecayKind.DECOUPLED : DecayKind.COUPLED_L2;
        DecayArms.Mode mode = frobenius ? DecayArms.Mode.FROBENIUS_DECAY
                : "none".equals(cfg.get("decay")) ? DecayArms.Mode.NO_FACTOR_DECAY : DecayArms.Mode.WEIGHT_DECAY;
        return DecayArms.of(model, mode, lr, wd, kind);
    }
}
