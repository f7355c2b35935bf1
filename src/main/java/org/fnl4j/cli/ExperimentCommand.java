package org.fnl4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.AttentionSpectral;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.RankPolicy;
import org.fnl4j.train.Augment;
import org.fnl4j.train.Compression;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Decay;
import org.fnl4j.train.Evaluation;
import org.fnl4j.train.FactorizeLayers;
import org.fnl4j.train.MetricsLog;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.PruneTarget;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunData;
import org.fnl4j.train.Schedule;

/**
 * {@code fnl experiment NAME}: the paper's experiments as sequences of training runs with a
 * summary table (mean ± spread over seeds). Runs that finished are skipped and interrupted ones
 * resumed, so an experiment can be restarted with the same command.
 */
final class ExperimentCommand implements Command {
    /** How an arm's runs build on the run of another arm with the same seed. */
    enum Link {
        /** Independent run. */
        NONE,
        /** Fine-tunes the other run's final model ({@link Recipe#finetuneFrom()}), e.g. prune-after-training. */
        FINETUNE_FROM,
        /** Rescales its factors after every step to the other run's recorded ‖UVᵀ‖_F ({@link Recipe#rescaleTo()}). */
        RESCALE_TO
    }

    /**
     * One arm of an experiment: a label, how it changes the experiment's recipe, and optionally the
     * arm whose run (same seed) it builds on; that run is made first when it is missing. Arms of a
     * λ sweep name their {@code family} (the arms that differ only in λ) and their {@code lambda}; the
     * summary picks each family's λ on the validation split.
     */
    record Arm(String label, UnaryOperator<Recipe.Builder> change, String after, Link link, String family,
               Double lambda) {
        Arm(String label, UnaryOperator<Recipe.Builder> change) {
            this(label, change, null, Link.NONE, null, null);
        }

        Arm(String label, UnaryOperator<Recipe.Builder> change, String after, Link link) {
            this(label, change, after, link, null, null);
        }

        /** An arm of a λ sweep: FAMILY-lLAMBDA, the family's change with weight/Frobenius decay λ. */
        static Arm swept(String family, double lambda, UnaryOperator<Recipe.Builder> change) {
            return new Arm(family + "-l" + lambdaId(lambda), b -> change.apply(b).wd(lambda), null, Link.NONE, family,
                    lambda);
        }
    }

    /** λ as it appears in arm labels, one significant digit: 1e-4 → "1e-4", 3e-5 → "3e-5". */
    static String lambdaId(double lambda) {
        String s = String.format(Locale.ROOT, "%.0e", lambda);
        return s.replace("e-0", "e-").replace("e+0", "e");
    }

    /** The λ values of the Transformer sweep (the paper sweeps 1e-6 to 1e-4; one above its range). */
    static final List<Double> LM_LAMBDAS = List.of(1e-6, 1e-5, 1e-4, 1e-3);

    /** The paper's Transformer optimization (fairseq): NAG, lr 0.25, flat warm-up then 1/√step, clip norm 0.1. */
    static final UnaryOperator<Recipe.Builder> PAPER_LM = b -> b.data(DataRef.text()).optimizer(OptimizerKind.NAG)
            .lr(0.25).schedule(Schedule.inverseSqrt(200, 1)).clip(0.1).validFraction(0.1).augment(Augment.NONE);

    /**
     * An experiment: its arms, the recipe settings they share ({@code base}, applied to the
     * recipe of the command's flags), and whether each finished factorized run is also collapsed
     * into the dense network and evaluated ({@code collapse}).
     */
    record Experiment(String name, String description, List<Arm> arms, Architecture model,
                      UnaryOperator<Recipe.Builder> base, boolean collapse) {
        Experiment(String name, String description, List<Arm> arms, Architecture model) {
            this(name, description, arms, model, b -> b, false);
        }
    }

    static final Map<String, Experiment> EXPERIMENTS = new LinkedHashMap<>();
    /** The collapsed model written next to model.fnl by experiments that collapse their runs. */
    static final String COLLAPSED = "collapsed.fnl";

    /** The dense baseline arm: no factorization, default init, weight decay. */
    private static Arm dense() {
        return new Arm("dense", b -> b.dense().init(FactorInit.DEFAULT).decay(Decay.WEIGHT));
    }

    /** A factorized arm at rank ratio s: "sS-SI-FD", "sS-noSI-WD", ... */
    private static Arm siFd(String s, FactorInit init, Decay decay) {
        return new Arm("s" + s + "-" + (init == FactorInit.SPECTRAL ? "SI" : "noSI") + "-"
                + (decay == Decay.FROBENIUS ? "FD" : "WD"), b -> b.rank(Double.parseDouble(s)).init(init).decay(decay));
    }

    static {
        List<Arm> ablation = new ArrayList<>();
        ablation.add(dense());
        for (String s : List.of("0.111", "0.037")) {
            for (FactorInit init : FactorInit.values()) {
                for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
                    ablation.add(siFd(s, init, decay));
                }
            }
        }
        EXPERIMENTS.put("ablation", new Experiment("ablation",
                "SI x FD ablation on ResNet-20 at rank ratios s = 0.111 and 0.037, plus the dense model",
                ablation, Architecture.RESNET20));

        List<Arm> budget = new ArrayList<>();
        budget.add(dense());
        for (String f : List.of("0.10", "0.05", "0.02")) {
            double p = Double.parseDouble(f);
            budget.add(new Arm("lowrank-" + f + "-SI-FD", b -> b.params(p).init(FactorInit.SPECTRAL)
                    .decay(Decay.FROBENIUS)));
            for (ConvScheme scheme : List.of(ConvScheme.TUCKER, ConvScheme.TT)) {
                budget.add(new Arm(scheme.id() + "-" + f, b -> b.params(p).convScheme(scheme).init(FactorInit.DEFAULT)
                        .decay(Decay.WEIGHT)));
            }
            // Pruned to exactly the low-rank arm's parameter count, so that the arms of a budget compare at equal size.
            UnaryOperator<Recipe.Builder> prune = b -> b.dense().prune(p).pruneTarget(PruneTarget.LOW_RANK)
                    .init(FactorInit.DEFAULT).decay(Decay.WEIGHT);
            budget.add(new Arm("prune-trained-" + f, prune, "dense", Link.FINETUNE_FROM));
            budget.add(new Arm("prune-init-" + f, prune));
        }
        EXPERIMENTS.put("compression", new Experiment("compression",
                "ResNet-20 at 10% / 5% / 2% of the dense parameters: low-rank (SI+FD, ratio by binary search) vs Tucker "
                        + "and tensor-train convolutions vs global magnitude pruning to exactly the low-rank arm's parameter "
                        + "count (where no low-rank model fits the budget, the pruned arms are not feasible either; --width 4, "
                        + "the paper's four times wider compression ResNet, makes 2% feasible), of the "
                        + "trained dense model (prune-trained: the dense arm's model pruned, then fine-tuned --finetune-epochs "
                        + "at lr 0.01, cosine, mask fixed) and at initialization (prune-init: trained --epochs with the mask "
                        + "fixed)",
                budget, Architecture.RESNET20));

        List<Arm> over = new ArrayList<>();
        over.add(dense());
        for (boolean deep : List.of(false, true)) {
            for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
                over.add(new Arm((deep ? "deep-UMV" : "wide-s3") + "-" + (decay == Decay.FROBENIUS ? "FD" : "WD"),
                        b -> b.rank(deep ? 1.0 : 3.0).deep(deep).init(FactorInit.DEFAULT).decay(decay)));
            }
        }
        // The paper's deep arms also start from SI (U, V from the SVD of the dense init, M = I); at s = 1 SI is
        // exact, so these start from the dense model's function.
        for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
            over.add(new Arm("deep-UMV-SI-" + (decay == Decay.FROBENIUS ? "FD" : "WD"),
                    b -> b.rank(1.0).deep(true).init(FactorInit.SPECTRAL).decay(decay)));
        }
        EXPERIMENTS.put("distillation", new Experiment("distillation",
                "teacher-free distillation: overcomplete ResNet-20, deep U·M·Vᵀ (s = 1 with a middle factor; default "
                        + "init and SI) and wide (s = 3), with and without FD, vs dense; each trained factorized model is "
                        + "then collapsed into the dense ResNet-20 (collapsed.fnl) and that collapsed model is evaluated",
                over, Architecture.RESNET20, b -> b, true));

        UnaryOperator<Recipe.Builder> norm = b -> b.rank(0.111).init(FactorInit.SPECTRAL);
        List<Arm> normalization = new ArrayList<>();
        normalization.add(new Arm("FD", b -> norm.apply(b).decay(Decay.FROBENIUS)));
        normalization.add(new Arm("no-decay", b -> norm.apply(b).decay(Decay.NONE)));
        normalization.add(new Arm("no-decay-rescaled", b -> norm.apply(b).decay(Decay.NONE), "FD", Link.RESCALE_TO));
        // The same three arms from the default init, as the paper runs them for both inits.
        UnaryOperator<Recipe.Builder> normDefault = b -> b.rank(0.111).init(FactorInit.DEFAULT);
        normalization.add(new Arm("noSI-FD", b -> normDefault.apply(b).decay(Decay.FROBENIUS)));
        normalization.add(new Arm("noSI-no-decay", b -> normDefault.apply(b).decay(Decay.NONE)));
        normalization.add(new Arm("noSI-no-decay-rescaled", b -> normDefault.apply(b).decay(Decay.NONE), "noSI-FD",
                Link.RESCALE_TO));
        EXPERIMENTS.put("normalization", new Experiment("normalization",
                "FD as normalization (ResNet-20, s = 0.111, SI; the noSI-* arms the same from the default init): "
                        + "Frobenius decay vs no decay on the factors vs no decay "
                        + "with each product's factors rescaled after every step so that ‖UVᵀ‖_F follows the FD run's "
                        + "recorded trajectory (same seed; other parameters keep weight decay in all three arms)",
                normalization, Architecture.RESNET20));

        List<Arm> lm = new ArrayList<>();
        lm.add(dense());
        for (FactorInit init : FactorInit.values()) {
            for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
                lm.add(siFd("0.5", init, decay));
            }
        }
        // SI of the attention by truncating a dense sample, to measure against the paper's re-balancing.
        for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
            lm.add(new Arm("s0.5-SI-truncate-" + (decay == Decay.FROBENIUS ? "FD" : "WD"), b -> b.rank(0.5)
                    .init(FactorInit.SPECTRAL).attentionSi(AttentionSpectral.TRUNCATE_DENSE).decay(decay)));
        }
        EXPERIMENTS.put("transformer", new Experiment("transformer",
                "character-level Transformer LM on the text corpus: dense vs factorized attention/MLP (s = 0.5) ± SI ± FD, "
                        + "and SI with the attention truncated from a dense sample instead of re-balanced (s0.5-SI-truncate-*); "
                        + "reports test bits per character",
                lm, Architecture.TRANSFORMER, b -> b.data(DataRef.text()).optimizer(OptimizerKind.ADAMW).lr(0.001)
                        .schedule(Schedule.warmupCosine(100)).augment(Augment.NONE), false));

        List<Arm> sweep = new ArrayList<>();
        for (double l : LM_LAMBDAS) {
            sweep.add(Arm.swept("dense-WD", l, b -> b.dense().init(FactorInit.DEFAULT).decay(Decay.WEIGHT)));
        }
        for (double l : LM_LAMBDAS) {
            sweep.add(Arm.swept("attn-FD", l, b -> b.rank(1.0).factorize(FactorizeLayers.ATTENTION)
                    .init(FactorInit.DEFAULT).decay(Decay.FROBENIUS)));
        }
        for (FactorInit init : FactorInit.values()) {
            for (Decay decay : List.of(Decay.WEIGHT, Decay.FROBENIUS)) {
                String family = "mlp-s0.5-" + (init == FactorInit.SPECTRAL ? "SI" : "noSI") + "-"
                        + (decay == Decay.FROBENIUS ? "FD" : "WD");
                for (double l : LM_LAMBDAS) {
                    sweep.add(Arm.swept(family, l, b -> b.rank(0.5).factorize(FactorizeLayers.NON_ATTENTION).init(init)
                            .decay(decay)));
                }
            }
        }
        EXPERIMENTS.put("transformer-sweep", new Experiment("transformer-sweep",
                "character-level Transformer LM with the paper's optimization (NAG momentum 0.99, lr 0.25, inverse-sqrt "
                        + "schedule with a flat 200-step warm-up, gradient clipping at global norm 0.1, coupled L2 weight "
                        + "decay / Frobenius decay) and a lambda sweep " + LM_LAMBDAS + " per arm: dense with weight decay "
                        + "on Q, K, V, O vs Frobenius decay on the per-head QK and OV products (attention factorized at "
                        + "full head dimension), then the MLP factorized at s = 0.5 +- SI +- FD (attention dense); "
                        + "lambda is chosen on a validation split (the last 10% of the training text) and the summary "
                        + "reports test bits per character at that lambda",
                sweep, Architecture.TRANSFORMER, PAPER_LM, false));
    }

    @Override
    public String name() {
        return "experiment";
    }

    @Override
    public String summary() {
        return "run one of the paper's experiments as a series of training runs with a summary table";
    }

    @Override
    public String details() {
        StringBuilder sb = new StringBuilder("experiments:\n");
        for (Experiment e : EXPERIMENTS.values()) {
            sb.append(String.format("  %-13s %s%n", e.name(), wrap(e.description(), 100, "                ")));
            sb.append("                arms: ").append(wrap(String.join(", ", e.arms().stream().map(Arm::label).toList()),
                    94, "                      ")).append('\n');
        }
        sb.append("Each run goes to OUT/ARM-seedS; OUT/summary.md and OUT/report.html summarize them.\n");
        sb.append("Rerunning the same command skips finished runs and resumes interrupted ones.");
        return sb.toString();
    }

    /** {@code text} broken at spaces into lines of at most {@code width} characters, continued with {@code indent}. */
    static String wrap(String text, int width, String indent) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width) {
                sb.append('\n').append(indent);
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("out", "DIR", "runs/experiment-NAME", "directory for the runs and the summary")
                .opt("seeds", "N", "2", "seeds per arm (FIRST .. FIRST+N-1)")
                .opt("first-seed", "FIRST", "0", "the first seed (split one experiment over several processes by seed)")
                .opt("arms", "A,B,..", "all", "run only these arms (labels as in the summary; a trailing * matches a prefix)")
                .opt("schedule", "S", "the paper's: x0.1 after 7/15 and 11/15 of the epochs (transformer: warmup-cosine:100; "
                        + "transformer-sweep: inverse-sqrt:200:1)",
                        "learning-rate schedule, as for fnl train")
                .opt("epochs", "N", "15", "epochs per run")
                .opt("finetune-epochs", "N", "a third of --epochs, at least 1",
                        "fine-tuning epochs of arms that fine-tune another arm's model (compression: prune-trained-*)")
                .opt("data", "NAME[:PATH]", "fashion-mnist", "data, as for fnl train (the transformer experiment uses text)")
                .opt("width", "X", "1", "width multiplier of the network, as for fnl train (quick checks on small models)")
                .opt("train-limit", "N", null, "use only the first N training examples")
                .opt("test-limit", "N", null, "use only the first N test examples")
                .opt("threads", "N", String.valueOf(Parallel.threads()), "threads for the kernels")
                .flag("list", "list the experiments and exit")
                .positional("NAME", "the experiment: " + String.join(", ", EXPERIMENTS.keySet()));
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.bool("list")) {
            out.print(details());
            out.println();
            return 0;
        }
        if (o.positional().size() != 1) {
            throw new UsageException("fnl experiment: give one experiment NAME: " + String.join(", ", EXPERIMENTS.keySet())
                    + " (see fnl experiment --help)");
        }
        String name = o.positional().get(0);
        Experiment ex = EXPERIMENTS.get(name);
        if (ex == null) {
            throw new UsageException("fnl experiment: unknown experiment '" + name + "'; available: "
                    + String.join(", ", EXPERIMENTS.keySet()));
        }
        if (o.has("threads")) {
            Parallel.setThreads(o.integer("threads", 1, 1024));
        }
        int seeds = o.integer("seeds", 1, 100);
        int firstSeed = o.integer("first-seed", 0, 1_000_000);
        List<Arm> arms = selectArms(ex, o.has("arms") ? o.str("arms") : "all");
        Path dir = Path.of(o.has("out") ? o.str("out") : "runs/experiment-" + name);
        Files.createDirectories(dir);
        Recipe base = baseRecipe(o, ex);

        int epochs = base.epochs();
        int finetuneEpochs = o.has("finetune-epochs") ? o.integer("finetune-epochs", 1, 100_000)
                : Math.max(1, (int) Math.round(epochs / 3.0));
        Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
        List<Path> runDirs = new ArrayList<>();
        long t0 = System.nanoTime();
        Map<String, String> infeasible = new LinkedHashMap<>();
        for (Arm arm : arms) {
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
                Path run = dir.resolve(arm.label() + "-seed" + seed);
                Map<String, Object> res;
                try {
                    res = runArm(ex, arm, seed, base, finetuneEpochs, dir, err);
                } catch (RankPolicy.BudgetTooSmallException e) {
                    // The same for every seed: report the arm as not feasible and go on with the others.
                    err.println("fnl experiment: arm " + arm.label() + " is not feasible: " + e.getMessage());
                    infeasible.put(arm.label(), e.getMessage());
                    deleteIfEmpty(run);
                    break;
                }
                runDirs.add(run);
                Object valid = lastMetric(run, Run.VALID_LOSS);
                if (valid != null) {
                    res.put(Run.VALID_LOSS, valid);
                }
                deployment(run, res);
                if (ex.collapse()) {
                    collapseAndEvaluate(run, res, err);
                }
                results.computeIfAbsent(arm.label(), k -> new ArrayList<>()).add(res);
            }
        }
        String table = summary(ex, results, (System.nanoTime() - t0) / 1e9) + infeasibleNote(infeasible);
        AtomicFiles.write(dir.resolve("summary.md"), table.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("summary.json"), Json.writePretty(results).getBytes(StandardCharsets.UTF_8));
        if (!runDirs.isEmpty()) {
            RunReport.write(runDirs, "fnl4j experiment " + name, dir.resolve("report.html"));
        }
        err.print(table);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("experiment", name);
        res.put("out", dir.toString());
        res.put("runs", runDirs.size());
        out.println(Json.write(res));
        return 0;
    }

    /**
     * The recipe every arm starts from: {@code fnl train}'s defaults with the experiment's model and
     * base settings, and the command's --epochs, --schedule (default: {@link #paperSchedule}),
     * --data, --width and limits.
     */
    static Recipe baseRecipe(Opts o, Experiment ex) {
        Recipe.Builder b = Recipe.builder().model(ex.model()).epochs(o.integer("epochs", 1, 100_000))
                .schedule(paperSchedule(o.integer("epochs", 1, 100_000)));
        if (!ex.model().takesTokens()) {
            b.data(RecipeFlags.data(o));
        }
        if (o.has("width")) b.width(o.number("width", 0, true, 64));
        if (o.has("train-limit")) b.trainLimit(o.integer("train-limit", 1, Integer.MAX_VALUE));
        if (o.has("test-limit")) b.testLimit(o.integer("test-limit", 1, Integer.MAX_VALUE));
        ex.base().apply(b);
        if (o.has("schedule")) b.schedule(RecipeFlags.schedule(o));
        return RecipeFlags.build(b, "experiment");
    }

    /**
     * Makes (or finds finished, or resumes) the run of {@code arm} with {@code seed} in
     * DIR/ARM-seedS, first making the run it builds on ({@link Arm#after()}) when there is one.
     *
     * @return the run's result line
     */
    static Map<String, Object> runArm(Experiment ex, Arm arm, int seed, Recipe base, int finetuneEpochs, Path dir,
            PrintStream err) throws Exception {
        Path run = dir.resolve(arm.label() + "-seed" + seed);
        if (Files.exists(run.resolve(Run.MODEL))) {
            err.println("fnl experiment: " + run + " is done, skipping");
            return finished(run);
        }
        if (Files.exists(run.resolve(Run.CHECKPOINT))) {
            err.println("fnl experiment: resuming " + run);
            return RunConsole.fit(Run.resume(run), true, err).toJson();
        }
        Recipe.Builder b = arm.change().apply(base.toBuilder()).seed(seed);
        if (arm.after() != null) {
            Arm dep = ex.arms().stream().filter(a -> a.label().equals(arm.after())).findFirst().orElseThrow(
                    () -> new IllegalStateException("experiment " + ex.name() + ": arm " + arm.label()
                            + " builds on arm '" + arm.after() + "', which it does not have"));
            runArm(ex, dep, seed, base, finetuneEpochs, dir, err);
            Path depRun = dir.resolve(dep.label() + "-seed" + seed).toAbsolutePath();
            switch (arm.link()) {
                case FINETUNE_FROM -> b.finetuneFrom(depRun.resolve(Run.MODEL)).epochs(finetuneEpochs).lr(0.01)
                        .schedule(Schedule.cosine());
                case RESCALE_TO -> b.rescaleTo(depRun);
                case NONE -> { }
            }
        }
        err.println("fnl experiment: " + ex.name() + " / " + arm.label() + " / seed " + seed + " -> " + run);
        Run r = RunConsole.create(RecipeFlags.build(b, "experiment"), run, "out", "remove it or choose another --out");
        return RunConsole.fit(r, true, err).toJson();
    }

    /**
     * Collapses the finished factorized run in {@code run} into its dense network
     * ({@link Compression#collapse}), saves it as {@value #COLLAPSED} in the run directory, evaluates
     * it on the run's test data and adds {@code collapsed_test_accuracy}, {@code collapsed_test_loss}
     * and {@code collapsed_params} to {@code res}. Dense runs are left as they are.
     */
    static void collapseAndEvaluate(Path run, Map<String, Object> res, PrintStream err) throws Exception {
        Path file = run.resolve(Run.MODEL);
        Model m = Model.load(file);
        if (m.factorization() == null) {
            return;
        }
        Recipe recipe = Run.recipeOf(m);
        Module dense = Compression.collapse(m, file.toString());
        Map<String, Object> meta = new LinkedHashMap<>(m.metadata());
        meta.put("collapsed_from", file.toString());
        meta.put("collapsed_factorization", m.factorization());
        Model.save(run.resolve(COLLAPSED), dense, m.spec(), null, meta);
        RunData data = RunData.loadTest(recipe.data(), recipe.batch(), recipe.testLimit(), recipe.context());
        Evaluation ev = data.evaluate(dense);
        res.put("collapsed_test_accuracy", ev.accuracy());
        res.put("collapsed_test_loss", ev.loss());
        res.put("collapsed_params", dense.parameterCount());
        err.printf(Locale.ROOT, "fnl experiment: %s collapsed to %,d parameters: test accuracy %.2f%% (factorized: %.2f%%)%n",
                run, dense.parameterCount(), 100 * ev.accuracy(), 100 * Plots.num(res.get("test_accuracy")));
    }

    /**
     * The reference recipe's step schedule (×0.1 after epochs 7 and 11 of 15) scaled to {@code epochs}: milestones at
     * round(7·E/15) and round(11·E/15), kept distinct and inside 1 .. E−1 where E allows.
     */
    static Schedule paperSchedule(int epochs) {
        if (epochs < 3) {
            return Schedule.constant();
        }
        int m1 = Math.max(1, (int) Math.round(7.0 * epochs / 15));
        int m2 = Math.min(epochs - 1, Math.max(m1 + 1, (int) Math.round(11.0 * epochs / 15)));
        return Schedule.multiStep(m1, m2);
    }

    /** Lines naming the arms whose parameter budget no rank meets, empty when there are none. */
    static String infeasibleNote(Map<String, String> infeasible) {
        StringBuilder sb = new StringBuilder();
        if (!infeasible.isEmpty()) {
            sb.append("\nNot feasible (no rank meets the budget; not trained):\n");
            infeasible.forEach((arm, why) -> sb.append("- ").append(arm).append(": ").append(why).append('\n'));
        }
        return sb.toString();
    }

    private static void deleteIfEmpty(Path run) throws IOException {
        if (Files.isDirectory(run)) {
            try (var entries = Files.list(run)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(run);
                }
            }
        }
    }

    /** The arms named in {@code spec} ("all", or comma-separated labels, each optionally ending in * for a prefix). */
    static List<Arm> selectArms(Experiment ex, String spec) {
        if (spec.equals("all")) {
            return ex.arms();
        }
        List<Arm> chosen = new ArrayList<>();
        for (String want : spec.split(",")) {
            String w = want.trim();
            boolean prefix = w.endsWith("*");
            String stem = prefix ? w.substring(0, w.length() - 1) : w;
            boolean any = false;
            for (Arm a : ex.arms()) {
                if ((prefix ? a.label().startsWith(stem) : a.label().equals(stem)) && !chosen.contains(a)) {
                    chosen.add(a);
                    any = true;
                } else if (prefix ? a.label().startsWith(stem) : a.label().equals(stem)) {
                    any = true;
                }
            }
            if (!any) {
                List<String> labels = ex.arms().stream().map(Arm::label).toList();
                throw new UsageException("fnl experiment: --arms: no arm of '" + ex.name() + "' matches '" + w
                        + "'; its arms are " + String.join(", ", labels));
            }
        }
        return chosen;
    }

    /**
     * Adds what a user deploys to a run's result line: the model file's size in bytes
     * ({@code model_bytes}), training items/s of the last epoch ({@code train_items_per_second}) and,
     * for runs that record their test size, items/s of the last epoch's test evaluation
     * ({@code eval_items_per_second}). Pruned models keep dense shapes, so their files and speeds are
     * the dense model's.
     */
    static void deployment(Path run, Map<String, Object> res) throws IOException {
        Path model = run.resolve(Run.MODEL);
        if (Files.isRegularFile(model)) {
            res.put("model_bytes", Files.size(model));
        }
        Object train = lastMetric(run, "items_per_second");
        if (train instanceof Number n) {
            res.put("train_items_per_second", n.doubleValue());
        }
        Object items = lastMetric(run, Run.TEST_ITEMS), secs = lastMetric(run, "eval_seconds");
        if (items instanceof Number i && secs instanceof Number e && e.doubleValue() > 0) {
            res.put("eval_items_per_second", i.doubleValue() / e.doubleValue());
        }
    }

    /** The value of {@code key} in the last line of a run's metrics, or null when absent. */
    static Object lastMetric(Path run, String key) throws IOException {
        Path f = run.resolve(Run.METRICS);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        List<Map<String, Object>> rows = MetricsLog.read(f);
        return rows.isEmpty() ? null : rows.get(rows.size() - 1).get(key);
    }

    /** The result line of a finished run, rebuilt from its model file and metrics. */
    private static Map<String, Object> finished(Path run) throws Exception {
        Model m = Model.load(run.resolve(Run.MODEL));
        List<Map<String, Object>> rows = MetricsLog.read(run.resolve(Run.METRICS));
        Map<String, Object> last = rows.get(rows.size() - 1);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("test_accuracy", last.get("test_accuracy"));
        res.put("test_loss", last.get("test_loss"));
        res.put("params", m.parameterCount());
        res.put("dense_params", Compression.denseParameterCount(m));
        res.put("epochs", rows.size());
        double secs = 0;
        for (Map<String, Object> r : rows) secs += Plots.num(r.get("epoch_seconds"));
        res.put("train_seconds", secs);
        res.put("out", run.toString());
        return res;
    }

    static String summary(Experiment ex, Map<String, List<Map<String, Object>>> results, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("## fnl experiment ").append(ex.name()).append("\n\n").append(ex.description()).append("\n\n");
        boolean text = ex.model().takesTokens();
        boolean collapsed = ex.collapse();
        sb.append(text ? "| arm | params | % dense | test bits/char (mean ± spread) | test accuracy | runs |\n"
                : collapsed ? "| arm | params | % dense | test accuracy % (mean ± spread) | test loss | collapsed params "
                        + "| collapsed test accuracy % (mean ± spread) | runs |\n"
                : "| arm | params | % dense | test accuracy % (mean ± spread) | test loss | runs | model file bytes "
                        + "| train img/s | test img/s |\n");
        sb.append(collapsed ? "|---|---:|---:|---:|---:|---:|---:|---:|\n" : text ? "|---|---:|---:|---:|---:|---:|\n"
                : "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Map<String, Object>>> e : results.entrySet()) {
            List<Map<String, Object>> rs = e.getValue();
            double[] acc = rs.stream().mapToDouble(r -> Plots.num(r.get("test_accuracy"))).toArray();
            double[] loss = rs.stream().mapToDouble(r -> Plots.num(r.get("test_loss"))).toArray();
            long params = ((Number) rs.get(0).get("params")).longValue();
            long dense = ((Number) rs.get(0).get("dense_params")).longValue();
            if (text) {
                double[] bpc = java.util.Arrays.stream(loss).map(l -> l / Math.log(2)).toArray();
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.4f ± %.4f | %.2f%% | %d |%n", e.getKey(),
                        params, 100.0 * params / dense, mean(bpc), spread(bpc), 100 * mean(acc), rs.size()));
            } else if (collapsed) {
                boolean any = rs.get(0).containsKey("collapsed_params");
                double[] cacc = any ? rs.stream().mapToDouble(r -> Plots.num(r.get("collapsed_test_accuracy"))).toArray()
                        : null;
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.2f ± %.2f | %.4f | %s | %s | %d |%n", e.getKey(),
                        params, 100.0 * params / dense, 100 * mean(acc), 100 * spread(acc), mean(loss),
                        any ? String.format(Locale.ROOT, "%,d", ((Number) rs.get(0).get("collapsed_params")).longValue())
                                : "— (dense)",
                        any ? String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean(cacc), 100 * spread(cacc)) : "—",
                        rs.size()));
            } else {
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.2f ± %.2f | %.4f | %d | %s | %s | %s |%n", e.getKey(),
                        params, 100.0 * params / dense, 100 * mean(acc), 100 * spread(acc), mean(loss), rs.size(),
                        meanOf(rs, "model_bytes", "%,.0f"), meanOf(rs, "train_items_per_second", "%.0f"),
                        meanOf(rs, "eval_items_per_second", "%.0f")));
            }
        }
        sb.append(sweepSelection(ex, results));
        sb.append(String.format(Locale.ROOT, "%nspread = (max − min) / 2 over seeds; wall time %.0f s%n", seconds));
        if (!text && !collapsed) {
            sb.append("img/s: the last epoch's training and test-evaluation speed as measured, mean over seeds (runs that "
                    + "shared the cores are not comparable); pruned models keep dense shapes, files and speed\n");
        }
        return sb.toString();
    }

    /**
     * For the λ-sweep arms among {@code results}: per family, the λ whose runs have the lowest mean
     * validation loss, and the test result at that λ (bits per character for text). Empty when no
     * swept arm has a validation loss.
     */
    static String sweepSelection(Experiment ex, Map<String, List<Map<String, Object>>> results) {
        Map<String, List<Arm>> families = new LinkedHashMap<>();
        for (Arm a : ex.arms()) {
            if (a.family() != null && results.containsKey(a.label())
                    && results.get(a.label()).stream().allMatch(r -> r.get(Run.VALID_LOSS) != null)) {
                families.computeIfAbsent(a.family(), k -> new ArrayList<>()).add(a);
            }
        }
        if (families.isEmpty()) {
            return "";
        }
        boolean text = ex.model().takesTokens();
        double unit = text ? Math.log(2) : 1;
        String what = text ? "bits/char" : "loss";
        StringBuilder sb = new StringBuilder("\n### λ chosen on the validation split\n\n");
        sb.append("| family | λ chosen | validation ").append(what).append(" at λ | test ").append(what)
                .append(" at λ (mean ± spread) | runs | validation ").append(what).append(" per λ |\n");
        sb.append("|---|---:|---:|---:|---:|---|\n");
        for (Map.Entry<String, List<Arm>> f : families.entrySet()) {
            Arm best = null;
            double bestValid = Double.POSITIVE_INFINITY;
            List<String> perLambda = new ArrayList<>();
            for (Arm a : f.getValue()) {
                double v = mean(results.get(a.label()).stream().mapToDouble(r -> Plots.num(r.get(Run.VALID_LOSS)) / unit)
                        .toArray());
                perLambda.add(String.format(Locale.ROOT, "%s: %.4f", lambdaId(a.lambda()), v));
                if (v < bestValid) {
                    bestValid = v;
                    best = a;
                }
            }
            double[] test = results.get(best.label()).stream().mapToDouble(r -> Plots.num(r.get("test_loss")) / unit)
                    .toArray();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f ± %.4f | %d | %s |%n", f.getKey(),
                    lambdaId(best.lambda()), bestValid, mean(test), spread(test), test.length, String.join(", ", perLambda)));
        }
        return sb.toString();
    }

    /** The mean of {@code key} over runs that have it, formatted, or "—" when none has it. */
    static String meanOf(List<Map<String, Object>> rs, String key, String format) {
        double[] v = rs.stream().filter(r -> r.get(key) instanceof Number).mapToDouble(r -> Plots.num(r.get(key))).toArray();
        return v.length == 0 ? "—" : String.format(Locale.ROOT, format, mean(v));
    }

    static double mean(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s / a.length;
    }

    static double spread(double[] a) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : a) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return (hi - lo) / 2;
    }
}
