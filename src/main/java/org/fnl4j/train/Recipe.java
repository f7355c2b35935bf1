package org.fnl4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.AttentionSpectral;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;

/**
 * Every choice of a training run, immutable and validated once: which data and network, how the
 * network is factorized (or pruned), how it is initialized and regularized, and how it is
 * optimized. {@link Run} turns a recipe into a trained model; {@link #toJson()} is the run.json of
 * a run directory (and the {@code metadata.config} of its checkpoint and model file), read back by
 * {@link #fromJson(Map)} to resume it.
 *
 * <p>The defaults ({@link #builder()}) are the paper's main setting: ResNet-20 on the shipped
 * Fashion-MNIST subset, rank ratio s = 0.111 in the paper's conv layout, spectral initialization
 * (SI) and Frobenius decay (FD) λ = 1e-4, SGD with Nesterov momentum at lr 0.1 on a cosine
 * schedule, batch 128, crop + flip augmentation, 5 epochs, seed 0. For the Transformer the
 * optimizer, lr, schedule and augmentation default to AdamW, 0.001, warm-up cosine over 100 steps
 * and none.
 *
 * @param data       the data set ({@link DataRef})
 * @param model      the network; image models need image data, the Transformer text
 * @param width      width multiplier of the network, in (0, 64]
 * @param rank       rank ratio s of the factorized layers in (0, 16] (&gt; 1: overcomplete), or null
 * @param params     instead of {@code rank}: target parameters as a fraction of the dense model's, in (0, 1], or null;
 *                   with neither set the network is dense
 * @param prune      magnitude pruning of the dense network to this fraction of its parameters, in (0, 1], or null;
 *                   needs a dense network
 * @param convScheme how a conv weight is factorized
 * @param deep       add an r×r middle factor (U·M·Vᵀ)
 * @param init       initialization of the factors (SI or default)
 * @param decay      regularizer of the factors
 * @param rescaleTo  with {@link Decay#NONE}: a run directory whose recorded ‖UVᵀ‖_F trajectory the products
 *                   follow (each product's factors are rescaled after every step), or null
 * @param wd         weight / Frobenius decay coefficient λ, in [0, 1]
 * @param epochs     training epochs, in [1, 100000]
 * @param batch      batch size, in [1, 65536]
 * @param optimizer  the optimizer
 * @param lr         initial learning rate, in (0, 100]
 * @param schedule   learning-rate schedule
 * @param augment    training augmentation of images ({@link Augment#NONE} for text)
 * @param seed       seed of initialization, data order and augmentation
 * @param trainLimit use only the first N training examples (tokens for text), or null for all
 * @param testLimit  use only the first N test examples, or null for all
 * @param context    context length of the Transformer, in [2, 4096] (ignored by image models)
 * @param denseTwin  also train the dense model with the same settings (a command-line convenience)
 * @param finetuneFrom a trained model file to start from instead of a fresh network: it is compressed as
 *                   {@code rank}/{@code params}/{@code prune} say, then trained; or null
 * @param factorize  which layers of the Transformer are factorized ({@link FactorizeLayers#ALL} for image models)
 * @param clip       clip the loss gradient to this global norm before the regularizers add theirs, in
 *                   (0, 1e6], or null for no clipping
 * @param pruneTarget with {@code prune} F: keep round(F·P) parameters, or exactly the low-rank model's count at
 *                   budget F ({@link PruneTarget})
 * @param attentionSi how SI treats multi-head attention ({@link AttentionSpectral}; default the paper's re-balancing)
 * @param validFraction text only: hold out the last fraction of the training text, in (0, 0.5], as a validation
 *                   split evaluated after every epoch ({@code valid_loss} in the metrics), or null for none
 */
public record Recipe(DataRef data, Architecture model, double width, Double rank, Double params, Double prune,
                     ConvScheme convScheme, boolean deep, FactorInit init, Decay decay, Path rescaleTo, double wd,
                     int epochs, int batch, OptimizerKind optimizer, double lr, Schedule schedule, Augment augment,
                     long seed, Integer trainLimit, Integer testLimit, int context, boolean denseTwin,
                     Path finetuneFrom, FactorizeLayers factorize, Double clip, Double validFraction,
                     PruneTarget pruneTarget, AttentionSpectral attentionSi) {

    /** The run.json keys, in the order {@link #toJson()} writes them. */
    public static final List<String> KEYS = List.of("data", "model", "width", "rank", "params", "prune", "conv_scheme",
            "middle", "init", "decay", "rescale_to", "wd", "epochs", "batch", "optimizer", "lr", "schedule", "augment",
            "seed", "train_limit", "test_limit", "context", "dense_twin", "finetune_from", "factorize", "clip",
            "valid_fraction", "prune_target", "attention_si");

    public Recipe {
        require(data, "data", DataRef.ACCEPTED);
        require(model, "model", Architecture.ids().toString());
        require(convScheme, "conv_scheme", "paper, channel, tucker or tt");
        require(init, "init", "default or spectral");
        require(decay, "decay", "weight, frobenius or none");
        require(optimizer, "optimizer", "sgd, momentum, adamw, nag or plain");
        require(factorize, "factorize", "all, attention or non-attention");
        require(pruneTarget, "prune_target", "fraction or low-rank");
        require(attentionSi, "attention_si", "rebalance or truncate-dense");
        if (pruneTarget != PruneTarget.FRACTION && prune == null) {
            throw new IllegalArgumentException("recipe: prune_target " + pruneTarget.id() + " needs prune (the budget)");
        }
        require(schedule, "schedule", Schedule.ACCEPTED);
        require(augment, "augment", "none, crop, flip or crop+flip");
        range("width", width, 0, true, 64);
        if (rank != null && params != null) {
            throw new IllegalArgumentException("recipe: give either rank or params, not both (rank " + rank + ", params "
                    + params + ")");
        }
        if (rank != null) range("rank", rank, 0, true, 16);
        if (params != null) range("params", params, 0, true, 1);
        if (prune != null) {
            range("prune", prune, 0, true, 1);
            if (rank != null || params != null) {
                throw new IllegalArgumentException("recipe: prune magnitude-prunes the dense network; it cannot be "
                        + "combined with a rank ratio or params (leave both unset), got rank " + rank + ", params " + params);
            }
        }
        if (model.takesTokens() != data.isText()) {
            throw new IllegalArgumentException("recipe: model " + model.id() + " does not fit data " + data + " (the "
                    + "transformer trains on text; image models on fashion-mnist, mnist or cifar10)");
        }
        if (rescaleTo != null && decay != Decay.NONE) {
            throw new IllegalArgumentException("recipe: rescale_to needs decay none (the factors get no decay; their "
                    + "products' norms follow the recorded run instead), got decay " + decay.id());
        }
        if (data.isText() && augment != Augment.NONE) {
            throw new IllegalArgumentException("recipe: augment must be none for text data, got " + augment.id());
        }
        range("wd", wd, 0, false, 1);
        range("epochs", epochs, 1, false, 100_000);
        range("batch", batch, 1, false, 65_536);
        range("lr", lr, 0, true, 100);
        if (trainLimit != null) range("train_limit", trainLimit, 1, false, Integer.MAX_VALUE);
        if (testLimit != null) range("test_limit", testLimit, 1, false, Integer.MAX_VALUE);
        range("context", context, 2, false, 4096);
        if (factorize != FactorizeLayers.ALL && (!model.takesTokens() || (rank == null && params == null))) {
            throw new IllegalArgumentException("recipe: factorize " + factorize.id() + " chooses layers of a factorized "
                    + "transformer (give rank or params and model transformer), got model " + model.id() + ", rank " + rank
                    + ", params " + params);
        }
        if (clip != null) range("clip", clip, 0, true, 1e6);
        if (validFraction != null) {
            range("valid_fraction", validFraction, 0, true, 0.5);
            if (!data.isText()) {
                throw new IllegalArgumentException("recipe: valid_fraction holds out part of the training text; it "
                        + "needs text data, got " + data);
            }
        }
        try {
            schedule.resolve(epochs, 1000);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe: schedule '" + schedule + "': " + e.getMessage(), e);
        }
    }

    private static void require(Object v, String field, String accepted) {
        if (v == null) {
            throw new IllegalArgumentException("recipe: " + field + " is required (" + accepted + ")");
        }
    }

    private static void range(String field, double v, double min, boolean minExclusive, double max) {
        if (!Double.isFinite(v) || v < min || (minExclusive && v == min) || v > max) {
            throw new IllegalArgumentException("recipe: " + field + " must be in " + (minExclusive ? "(" : "[")
                    + Json.number(min) + ", " + Json.number(max) + "], got " + Json.number(v));
        }
    }

    /** @return a builder with the defaults described above. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this recipe's choices, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return true when no layer is factorized (the network may still be pruned). */
    public boolean dense() {
        return rank == null && params == null;
    }

    /**
     * @return the factorization of the network, or null for a dense run: rank ratio or parameter
     *         budget, conv scheme, init and middle factor as set here
     */
    public FactorizationSpec factorization() {
        if (dense()) {
            return null;
        }
        FactorizationSpec s = rank != null ? FactorizationSpec.ratio(rank) : FactorizationSpec.budget(params);
        s = s.withScheme(convScheme).withInit(init).withMiddle(deep);
        // ATTENTION needs the model's linear layers as exclusions; Run adds them once the model is built.
        return factorize == FactorizeLayers.NON_ATTENTION ? s.withAttention(false) : s;
    }

    /**
     * @return the run.json object: snake_case keys ({@link #KEYS}), JSON values only; {@code rank} is
     *         "dense", a number, or null when {@code params} is given; {@code params},
     *         {@code finetune_from}, {@code factorize} (other than "all"), {@code clip} and
     *         {@code valid_fraction}, {@code prune_target} (other than "fraction"), {@code attention_si}
     *         (other than "rebalance") appear only when set
     */
    public Map<String, Object> toJson() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", data.toString());
        c.put("model", model.id());
        c.put("width", width);
        c.put("rank", rank != null ? rank : params != null ? null : "dense");
        if (params != null) c.put("params", params);
        c.put("prune", prune);
        c.put("conv_scheme", convScheme.id());
        c.put("middle", deep);
        c.put("init", init.id());
        c.put("decay", decay.id());
        c.put("rescale_to", rescaleTo == null ? null : rescaleTo.toString());
        c.put("wd", wd);
        c.put("epochs", epochs);
        c.put("batch", batch);
        c.put("optimizer", optimizer.id());
        c.put("lr", lr);
        c.put("schedule", schedule.toString());
        c.put("augment", augment.id());
        c.put("seed", seed);
        c.put("train_limit", trainLimit);
        c.put("test_limit", testLimit);
        c.put("context", context);
        c.put("dense_twin", denseTwin);
        if (finetuneFrom != null) c.put("finetune_from", finetuneFrom.toString());
        // Written only when set, so that the run.json of every earlier recipe stays as it was.
        if (factorize != FactorizeLayers.ALL) c.put("factorize", factorize.id());
        if (clip != null) c.put("clip", clip);
        if (validFraction != null) c.put("valid_fraction", validFraction);
        if (pruneTarget != PruneTarget.FRACTION) c.put("prune_target", pruneTarget.id());
        if (attentionSi != AttentionSpectral.REBALANCE) c.put("attention_si", attentionSi.id());
        return c;
    }

    /**
     * Reads a recipe back from {@link #toJson()}'s form (a run.json, or a checkpoint's
     * {@code metadata.config}). Absent keys take the builder's defaults; a null {@code params} next
     * to a numeric or "dense" {@code rank} is accepted.
     *
     * @throws IllegalArgumentException naming an unknown key, a value of the wrong type or an invalid choice
     */
    public static Recipe fromJson(Map<String, ?> m) {
        Set<String> unknown = new java.util.LinkedHashSet<>(m.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("recipe: unknown key(s) " + unknown + "; the keys are " + KEYS);
        }
        Json j = new Json(m);
        Builder b = builder();
        if (m.containsKey("data")) b.data(DataRef.parse(j.string("data")));
        if (m.containsKey("model")) b.model(Architecture.of(j.string("model")));
        if (m.containsKey("width")) b.width(j.number("width"));
        Object rank = m.get("rank");
        if (rank != null && m.get("params") != null) {
            throw new IllegalArgumentException("recipe: give either rank or params, not both (rank " + rank + ", params "
                    + m.get("params") + ")");
        }
        if (rank instanceof Number n) {
            b.rank(n.doubleValue());
        } else if ("dense".equals(rank) || (m.containsKey("rank") && rank == null && m.get("params") == null)) {
            b.dense();
        } else if (rank != null) {
            throw new IllegalArgumentException("recipe: rank must be a number or \"dense\", got " + rank);
        }
        if (m.get("params") != null) b.params(j.number("params"));
        if (m.get("prune") != null) b.prune(j.number("prune"));
        if (m.containsKey("conv_scheme")) b.convScheme(ConvScheme.of(j.string("conv_scheme")));
        if (m.containsKey("middle")) b.deep(j.bool("middle"));
        if (m.containsKey("init")) b.init(FactorInit.of(j.string("init")));
        if (m.containsKey("decay")) b.decay(Decay.of(j.string("decay")));
        if (m.get("rescale_to") != null) b.rescaleTo(Path.of(j.string("rescale_to")));
        if (m.containsKey("wd")) b.wd(j.number("wd"));
        if (m.containsKey("epochs")) b.epochs(j.integer("epochs"));
        if (m.containsKey("batch")) b.batch(j.integer("batch"));
        if (m.containsKey("optimizer")) b.optimizer(OptimizerKind.of(j.string("optimizer")));
        if (m.containsKey("lr")) b.lr(j.number("lr"));
        if (m.containsKey("schedule")) b.schedule(Schedule.parse(j.string("schedule")));
        if (m.containsKey("augment")) b.augment(Augment.of(j.string("augment")));
        if (m.containsKey("seed")) b.seed(j.longValue("seed"));
        if (m.get("train_limit") != null) b.trainLimit(j.integer("train_limit"));
        if (m.get("test_limit") != null) b.testLimit(j.integer("test_limit"));
        if (m.containsKey("context")) b.context(j.integer("context"));
        if (m.containsKey("dense_twin")) b.denseTwin(j.bool("dense_twin"));
        if (m.get("finetune_from") != null) b.finetuneFrom(Path.of(j.string("finetune_from")));
        if (m.containsKey("factorize")) b.factorize(FactorizeLayers.of(j.string("factorize")));
        if (m.get("clip") != null) b.clip(j.number("clip"));
        if (m.get("valid_fraction") != null) b.validFraction(j.number("valid_fraction"));
        if (m.containsKey("prune_target")) b.pruneTarget(PruneTarget.of(j.string("prune_target")));
        if (m.containsKey("attention_si")) b.attentionSi(AttentionSpectral.of(j.string("attention_si")));
        return b.build();
    }

    /** Typed reads of run.json values, with errors naming the key. */
    private record Json(Map<String, ?> m) {
        String string(String k) {
            if (!(m.get(k) instanceof String s)) throw wrong(k, "a string");
            return s;
        }

        double number(String k) {
            if (!(m.get(k) instanceof Number n)) throw wrong(k, "a number");
            return n.doubleValue();
        }

        int integer(String k) {
            double d = number(k);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw wrong(k, "an integer");
            return (int) d;
        }

        long longValue(String k) {
            if (!(m.get(k) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw wrong(k, "an integer");
            }
            return n.longValue();
        }

        boolean bool(String k) {
            if (!(m.get(k) instanceof Boolean b)) throw wrong(k, "true or false");
            return b;
        }

        private IllegalArgumentException wrong(String k, String expected) {
            return new IllegalArgumentException("recipe: " + k + " must be " + expected + ", got " + m.get(k));
        }

        static String number(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /**
     * Builds a {@link Recipe}; every setter returns the builder. Unset choices take the defaults
     * of {@link Recipe} (optimizer, lr, schedule and augmentation depend on the model).
     */
    public static final class Builder {
        private DataRef data = DataRef.fashionMnist();
        private Architecture model = Architecture.RESNET20;
        private double width = 1;
        private Double rank = 0.111;
        private Double params;
        private Double prune;
        private ConvScheme convScheme = ConvScheme.PAPER;
        private boolean deep;
        private FactorInit init = FactorInit.SPECTRAL;
        private Decay decay = Decay.FROBENIUS;
        private Path rescaleTo;
        private double wd = 1e-4;
        private int epochs = 5;
        private int batch = 128;
        private OptimizerKind optimizer;
        private Double lr;
        private Schedule schedule;
        private Augment augment;
        private long seed;
        private Integer trainLimit;
        private Integer testLimit;
        private int context = 64;
        private boolean denseTwin;
        private Path finetuneFrom;
        private FactorizeLayers factorize = FactorizeLayers.ALL;
        private Double clip;
        private Double validFraction;
        private PruneTarget pruneTarget = PruneTarget.FRACTION;
        private AttentionSpectral attentionSi = AttentionSpectral.REBALANCE;

        private Builder() {}

        private Builder(Recipe r) {
            data = r.data;
            model = r.model;
            width = r.width;
            rank = r.rank;
            params = r.params;
            prune = r.prune;
            convScheme = r.convScheme;
            deep = r.deep;
            init = r.init;
            decay = r.decay;
            rescaleTo = r.rescaleTo;
            wd = r.wd;
            epochs = r.epochs;
            batch = r.batch;
            optimizer = r.optimizer;
            lr = r.lr;
            schedule = r.schedule;
            augment = r.augment;
            seed = r.seed;
            trainLimit = r.trainLimit;
            testLimit = r.testLimit;
            context = r.context;
            denseTwin = r.denseTwin;
            finetuneFrom = r.finetuneFrom;
            factorize = r.factorize;
            clip = r.clip;
            validFraction = r.validFraction;
            pruneTarget = r.pruneTarget;
            attentionSi = r.attentionSi;
        }

        public Builder data(DataRef d) { data = d; return this; }

        public Builder model(Architecture m) { model = m; return this; }

        public Builder width(double w) { width = w; return this; }

        /** Factorize at rank ratio s (clears params). */
        public Builder rank(double s) { rank = s; params = null; return this; }

        /** Factorize to a parameter budget, a fraction of the dense model's (clears rank). */
        public Builder params(double fraction) { params = fraction; rank = null; return this; }

        /** No factorization (clears rank and params). */
        public Builder dense() { rank = null; params = null; return this; }

        /** Magnitude-prune the dense network to this fraction of its parameters (null: no pruning). */
        public Builder prune(Double fraction) { prune = fraction; return this; }

        public Builder convScheme(ConvScheme s) { convScheme = s; return this; }

        public Builder deep(boolean d) { deep = d; return this; }

        public Builder init(FactorInit i) { init = i; return this; }

        public Builder decay(Decay d) { decay = d; return this; }

        public Builder rescaleTo(Path runDir) { rescaleTo = runDir; return this; }

        public Builder wd(double lambda) { wd = lambda; return this; }

        public Builder epochs(int n) { epochs = n; return this; }

        public Builder batch(int n) { batch = n; return this; }

        public Builder optimizer(OptimizerKind o) { optimizer = o; return this; }

        public Builder lr(double x) { lr = x; return this; }

        public Builder schedule(Schedule s) { schedule = s; return this; }

        public Builder augment(Augment a) { augment = a; return this; }

        public Builder seed(long s) { seed = s; return this; }

        public Builder trainLimit(Integer n) { trainLimit = n; return this; }

        public Builder testLimit(Integer n) { testLimit = n; return this; }

        public Builder context(int t) { context = t; return this; }

        public Builder denseTwin(boolean on) { denseTwin = on; return this; }

        public Builder finetuneFrom(Path modelFile) { finetuneFrom = modelFile; return this; }

        /** Which Transformer layers a factorized run factorizes (default all). */
        public Builder factorize(FactorizeLayers f) { factorize = f; return this; }

        /** Clip the loss gradient to this global norm (null: no clipping). */
        public Builder clip(Double maxNorm) { clip = maxNorm; return this; }

        /** How SI treats multi-head attention (default {@link AttentionSpectral#REBALANCE}). */
        public Builder attentionSi(AttentionSpectral a) { attentionSi = a; return this; }

        /** How the prune fraction sets the kept parameter count (default {@link PruneTarget#FRACTION}). */
        public Builder pruneTarget(PruneTarget t) { pruneTarget = t; return this; }

        /** Hold out this last fraction of the training text for validation (null: none). */
        public Builder validFraction(Double fraction) { validFraction = fraction; return this; }

        /**
         * @throws IllegalArgumentException naming the first invalid field and what it accepts
         */
        public Recipe build() {
            boolean text = model != null && model.takesTokens();
            OptimizerKind opt = optimizer != null ? optimizer : text ? OptimizerKind.ADAMW : OptimizerKind.SGD;
            double rate = lr != null ? lr : opt == OptimizerKind.ADAMW ? 0.001 : 0.1;
            Schedule sched = schedule != null ? schedule : text ? Schedule.warmupCosine(100) : Schedule.cosine();
            Augment aug = augment != null ? augment : text ? Augment.NONE : Augment.CROP_FLIP;
            return new Recipe(data, model, width, rank, params, prune, convScheme, deep, init, decay, rescaleTo, wd, epochs,
                    batch, opt, rate, sched, aug, seed, trainLimit, testLimit, context, denseTwin, finetuneFrom, factorize,
                    clip, validFraction, pruneTarget, attentionSi);
        }
    }
}
