package org.fnl4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.io.ModelFormatException;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.nn.factorized.RankPolicy;
import org.fnl4j.optim.GradClip;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.prune.MagnitudePruning;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.FactorNorms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Rng;

/**
 * One training run: a {@link Recipe} turned into a trained model in a run directory. The
 * directory receives {@value #RECIPE} (the recipe), {@value #METRICS} (one line per epoch),
 * {@value #CHECKPOINT} (every epoch, atomic), {@value #MODEL} (the final model),
 * {@value #SPECTRA} (singular values per layer) and, for factorized runs,
 * {@link FactorNormLog#FILE} (‖UVᵀ‖_F per step). An interrupted run continues with
 * {@link #resume(Path)}, bit-identical to an uninterrupted one.
 *
 * <pre>{@code
 * Recipe recipe = Recipe.builder().model(Architecture.RESNET20).rank(0.111).build();
 * RunResult r = Run.create(recipe, Path.of("runs/si-fd")).fit();
 * System.out.println(r.testAccuracy());
 * }</pre>
 *
 * What a run does, in order: load the data ({@link RunData}); build the network from the seed
 * (or load and compress {@link Recipe#finetuneFrom()}); factorize it with SI or default init, or
 * magnitude-prune it; set up the decay arm ({@link DecayArms}: Frobenius decay on the factors, or
 * weight decay) and the optimizer; train with the schedule, checkpointing every epoch; save the
 * model.
 */
public final class Run {
    /** The recipe of the run, as JSON. */
    public static final String RECIPE = "run.json";
    /** The training checkpoint, rewritten atomically every epoch. */
    public static final String CHECKPOINT = "checkpoint.fnl";
    /** The final model. */
    public static final String MODEL = "model.fnl";
    /** Per-epoch metrics, one JSON object per line. */
    public static final String METRICS = "metrics.jsonl";
    /** Singular values of every layer of the final model. */
    public static final String SPECTRA = "spectra.json";
    /** The metric holding the number of test items evaluated after each epoch (with eval_seconds: inference speed). */
    public static final String TEST_ITEMS = "test_items";
    /** The metric holding the mean loss on the validation split ({@link Recipe#validFraction()}) after each epoch. */
    public static final String VALID_LOSS = "valid_loss";

    private final Recipe recipe;
    private final Path dir;
    private final boolean resuming;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Consumer<String> log = s -> { };
    private RunData data;

    private Run(Recipe recipe, Path dir, boolean resuming) {
        this.recipe = recipe;
        this.dir = dir;
        this.resuming = resuming;
    }

    /** @return true when {@code dir} already holds a run (a checkpoint or a final model). */
    public static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(CHECKPOINT)) || Files.exists(dir.resolve(MODEL));
    }

    /**
     * A new run of {@code recipe} into {@code dir} (created if needed).
     *
     * @throws IllegalStateException when {@code dir} already holds a run
     * @throws IOException           when the directory cannot be created or is not writable
     */
    public static Run create(Recipe recipe, Path dir) throws IOException {
        if (holdsRun(dir)) {
            throw new IllegalStateException(dir + " already holds a run; continue it with Run.resume or choose another "
                    + "directory");
        }
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException(dir + ": the directory is not writable");
        }
        return new Run(recipe, dir, false);
    }

    /**
     * Continues the run in {@code dir} from its checkpoint, with the recipe stored in it.
     *
     * @throws IllegalArgumentException when {@code dir} has no checkpoint
     * @throws ModelFormatException     when the checkpoint carries no recipe
     */
    public static Run resume(Path dir) throws IOException {
        Path ck = dir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(ck)) {
            throw new IllegalArgumentException(dir + ": no " + CHECKPOINT + " in that directory (is it a run directory?)");
        }
        return new Run(recipeOf(Checkpoint.read(ck).header(), ck), dir, true);
    }

    /** The recipe stored in a checkpoint's or model file's header ({@code metadata.config}). */
    @SuppressWarnings("unchecked")
    static Recipe recipeOf(Map<String, Object> header, Path file) throws ModelFormatException {
        Object meta = header.get("metadata");
        Object cfg = meta instanceof Map ? ((Map<String, Object>) meta).get("config") : null;
        if (!(cfg instanceof Map)) {
            throw new ModelFormatException(file, "it has no metadata.config (it was not written by a training run)");
        }
        return Recipe.fromJson((Map<String, Object>) cfg);
    }

    /**
     * The recipe a saved model was trained with, or null when the file carries none (it was not
     * written by a run).
     *
     * @throws IllegalArgumentException when the stored recipe is invalid
     */
    @SuppressWarnings("unchecked")
    public static Recipe recipeOf(Model model) {
        Object cfg = model.metadata().get("config");
        return cfg instanceof Map ? Recipe.fromJson((Map<String, Object>) cfg) : null;
    }

    /** Adds a listener (e.g. a progress display); listeners see the run in the order they were added. */
    public Run listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Receives one-line messages about the run (data, model size); silent by default. */
    public Run log(Consumer<String> messages) {
        this.log = messages;
        return this;
    }

    /** Trains on {@code d} instead of loading {@link Recipe#data()} (its batches must follow the recipe). */
    public Run data(RunData d) {
        this.data = d;
        return this;
    }

    /** @return the recipe being run. */
    public Recipe recipe() {
        return recipe;
    }

    /** @return the run directory. */
    public Path dir() {
        return dir;
    }

    /** @return true for a run continued from its checkpoint. */
    public boolean resuming() {
        return resuming;
    }

    /** The network of the run before training, with its spec, factorization and pruning mask. */
    record Network(ModelSpec spec, Module module, long denseParams, FactorizationSpec factorization,
                           MagnitudePruning mask) {}

    /**
     * Trains the run to its last epoch (from the checkpoint when resuming), saves the model and
     * its spectra, and returns the result.
     *
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     */
    public RunResult fit() throws IOException {
        RunData d = data != null ? data : RunData.load(recipe);
        log.accept("data " + d.train().describe() + (d.valid() != null ? " | validation " + d.valid().describe() : "")
                + " | test " + d.test().describe());
        Network net = network(recipe, d);
        Module model = net.module();
        MagnitudePruning mask = net.mask();
        long params = mask != null ? mask.keptCount() : model.parameterCount();
        String described = describe(net.spec().type());
        log.accept(String.format(Locale.ROOT, "%s, %,d parameters (dense: %,d, %.1f%%)", described, params,
                net.denseParams(), 100.0 * params / net.denseParams()));

        boolean factorized = net.factorization() != null;
        DecayArms.Setup arm = DecayArms.of(model, recipe.decay().mode(factorized), (float) recipe.lr(),
                (float) recipe.wd(), recipe.optimizer().decayKind());
        FactorNorms factorNorms = new FactorNorms(model);
        int batchesPerEpoch = d.train().batchesPerEpoch();
        FactorNormLog.Trajectory rescaleTarget = rescaleTarget(factorNorms, batchesPerEpoch);
        Optimizer opt = recipe.optimizer().create(arm.groups());
        Regularizer fd = recipe.decay() == Decay.FROBENIUS && factorized ? arm.regularizer() : null;
        Schedule.Resolved sched = recipe.schedule().resolve(recipe.epochs(), batchesPerEpoch);

        Map<String, Object> cfg = recipe.toJson();
        Map<String, Object> factorizationMap = factorized ? net.factorization().toMap() : null;
        Trainer.Builder tb = Trainer.builder(model, opt, Objectives.crossEntropy(0f))
                .train(d.train()).test(d.test()).epochs(recipe.epochs()).seed(recipe.seed())
                .schedule(sched.schedule(), sched.unit())
                .checkpoint(dir.resolve(CHECKPOINT))
                .architecture(Model.header(net.spec(), factorizationMap, Map.of("config", cfg)))
                .listener(new MetricsLog(dir.resolve(METRICS)))
                .metric("layers", () -> LayerDiagnostics.layerStats(model, opt.lr()))
                .metric(TEST_ITEMS, () -> d.test().size());
        listeners.forEach(tb::listener);
        if (d.valid() != null) {
            tb.metric(VALID_LOSS, () -> Trainer.evaluate(model, d.valid(), Objectives.crossEntropy(0f)).loss());
        }
        if (recipe.clip() != null) {
            // Before the regularizers: only the loss gradient is clipped; FD's gradient, like coupled L2 in the
            // optimizer, is added to the clipped one.
            double max = recipe.clip();
            tb.afterBackward(() -> GradClip.clipGlobalNorm(opt.parameters(), max));
        }
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
            tb.afterBackward(mask::maskGradients).listener(new TrainingListener() {
                @Override
                public void onStep(StepInfo step) {
                    mask.afterStep(opt);
                }
            });
        }
        Trainer trainer = tb.build();
        if (resuming) {
            trainer.resume(dir.resolve(CHECKPOINT));
        } else {
            AtomicFiles.write(dir.resolve(RECIPE), Json.writePretty(cfg).getBytes(StandardCharsets.UTF_8));
        }
        TrainResult r = trainer.fit();

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("config", cfg);
        meta.put("test_accuracy", r.last().testAccuracy());
        meta.put("epochs", r.history().size());
        if (mask != null) {
            meta.put(Model.PRUNED_PARAMS, mask.prunedCount());
        }
        Model.save(dir.resolve(MODEL), model, net.spec(), factorizationMap, meta);
        AtomicFiles.write(dir.resolve(SPECTRA),
                Json.write(LayerDiagnostics.spectra(model)).getBytes(StandardCharsets.UTF_8));
        return new RunResult(recipe, dir, described, d.name(), d.text(), d.unit(), model, net.spec(), net.factorization(),
                r, params, net.denseParams(), mask != null ? mask.prunedCount() : null,
                mask != null ? MagnitudePruning.nonzeroCount(model) : null);
    }

    /**
     * The network before training: built from the seed and factorized or pruned as the recipe
     * says, or (fine-tuning) the source model compressed. Pruning masks are a deterministic
     * function of the weights, so a resumed run rebuilds the same mask before its checkpoint is
     * restored.
     */
    static Network network(Recipe recipe, RunData d) throws IOException {
        if (recipe.finetuneFrom() != null) {
            Model src = Model.load(recipe.finetuneFrom());
            long dense = Compression.denseParameterCount(src);
            Compression.Compressed c = recipe.prune() != null ? Compression.prune(src, recipe.prune(), recipe.pruneTarget())
                    : Compression.lowRank(src, requireFactorization(recipe));
            return new Network(src.spec(), c.module(), dense, c.factorization(), c.mask());
        }
        ModelSpec spec = d.modelSpec(recipe.model(), recipe.width(), recipe.context());
        Rng rng = new Rng(recipe.seed());
        Module model = Models.build(spec, rng);
        long dense = model.parameterCount();
        FactorizationSpec f = recipe.factorization();
        if (f != null && recipe.factorize() == FactorizeLayers.ATTENTION) {
            f = attentionOnly(model, f);
        }
        if (f != null) {
            Factorize.apply(model, f, recipe.attentionSi(), rng);
        }
        MagnitudePruning mask = recipe.prune() != null ? Compression.pruneAtOnce(model, recipe.prune(), recipe.pruneTarget())
                : null;
        return new Network(spec, model, dense, f, mask);
    }

    /** {@code spec} with every eligible layer that is not multi-head attention added to its exclusions. */
    static FactorizationSpec attentionOnly(Module model, FactorizationSpec spec) {
        List<String> exclude = new ArrayList<>(spec.exclude());
        for (Map.Entry<String, Module> e : RankPolicy.eligible(model, spec).entrySet()) {
            if (!(e.getValue() instanceof MultiHeadAttention)) {
                exclude.add(e.getKey());
            }
        }
        return spec.withExclusions(spec.excludeStem(), spec.excludeClassifier(), exclude);
    }

    private static FactorizationSpec requireFactorization(Recipe recipe) {
        FactorizationSpec f = recipe.factorization();
        if (f == null) {
            throw new IllegalArgumentException("recipe: fine-tuning " + recipe.finetuneFrom() + " needs rank, params or "
                    + "prune to say how to compress it");
        }
        return f;
    }

    /**
     * The recorded trajectory of a {@link Recipe#rescaleTo()} run (null otherwise), checked against
     * this run's factorized products and its epochs × batches per epoch.
     */
    private FactorNormLog.Trajectory rescaleTarget(FactorNorms norms, int batchesPerEpoch) throws IOException {
        Path src = recipe.rescaleTo();
        if (src == null) {
            return null;
        }
        if (norms.size() == 0) {
            throw new IllegalArgumentException("rescale_to " + src + ": this run has no factorized products to rescale "
                    + "(give a rank or params)");
        }
        Path file = src.resolve(FactorNormLog.FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("rescale_to " + src + ": no " + FactorNormLog.FILE + " in that directory "
                    + "(it is written by runs of factorized models, e.g. with Frobenius decay)");
        }
        FactorNormLog.Trajectory t = FactorNormLog.read(file);
        try {
            t.check(norms.names(), (long) recipe.epochs() * batchesPerEpoch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rescale_to " + src + ": " + e.getMessage(), e);
        }
        return t;
    }

    /**
     * A short description, e.g. "factorized resnet20 (rank 0.111, SI, FD)" or "dense resnet20
     * (magnitude-pruned at initialization to 10% of its parameters)".
     */
    private String describe(String type) {
        FactorizationSpec s = recipe.factorization();
        String d;
        if (s == null) {
            d = "dense " + type;
        } else {
            String size = s.ratio() != null ? String.format(Locale.ROOT, "rank %.3g", s.ratio())
                    : String.format(Locale.ROOT, "%.3g of the dense parameters", s.budget());
            String decay = switch (recipe.decay()) {
                case FROBENIUS -> "FD";
                case NONE -> "no factor decay";
                case WEIGHT -> "weight decay";
            };
            String layers = switch (recipe.factorize()) {
                case ALL -> "";
                case ATTENTION -> ", attention only";
                case NON_ATTENTION -> ", attention dense";
            };
            d = "factorized " + type + " (" + size + layers + ", " + (s.spectral() ? "SI" : "default init") + ", " + decay
                    + (recipe.rescaleTo() != null ? ", ‖UVᵀ‖_F rescaled to " + recipe.rescaleTo() : "") + ")";
        }
        if (recipe.prune() != null) {
            d += String.format(Locale.ROOT, " (magnitude-pruned %s to %.3g%% of its parameters)",
                    recipe.finetuneFrom() != null ? "after training" : "at initialization", 100 * recipe.prune());
        }
        return d;
    }
}
