package org.fnl4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.AttentionSpectral;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.train.Augment;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Decay;
import org.fnl4j.train.FactorizeLayers;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.PruneTarget;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Schedule;

/** Turns the {@code fnl train} flags into a {@link Recipe}, with errors that name the flag. */
final class RecipeFlags {
    private RecipeFlags() {}

    /** @return "a|b|c", for a flag's list of values. */
    static String alternatives(List<String> ids) {
        return String.join("|", ids);
    }

    static <E extends Enum<E>> List<String> ids(Class<E> type, Function<E, String> id) {
        return Arrays.stream(type.getEnumConstants()).map(id).toList();
    }

    /** @return the value of flag {@code name}, one of the ids of {@code type}'s constants. */
    static <E extends Enum<E>> E choice(Opts o, String name, Class<E> type, Function<E, String> id) {
        String v = o.choice(name, ids(type, id).toArray(String[]::new));
        for (E e : type.getEnumConstants()) {
            if (id.apply(e).equals(v)) return e;
        }
        throw new IllegalStateException("unreachable: " + v);
    }

    static DataRef data(Opts o) {
        String v = o.str("data");
        try {
            return DataRef.parse(v);
        } catch (IllegalArgumentException e) {
            throw o.bad("data", v, "one of " + DataRef.ACCEPTED);
        }
    }

    static Schedule schedule(Opts o) {
        String v = o.str("schedule");
        try {
            return Schedule.parse(v);
        } catch (IllegalArgumentException e) {
            throw o.bad("schedule", v, "one of " + Schedule.ACCEPTED);
        }
    }

    /** The recipe of {@code fnl train}'s flags (all but --out, --resume, --threads, --no-plots). */
    static Recipe fromOptions(Opts o) {
        Recipe.Builder b = Recipe.builder();
        DataRef data = data(o);
        b.data(data);
        Architecture model = choice(o, "model", Architecture.class, Architecture::id);
        if (data.isText() != model.takesTokens()) {
            throw new UsageException("fnl train: --model " + model.id() + " does not fit --data " + data + " (the "
                    + "transformer trains on --data text; image models on fashion-mnist, mnist or cifar10)");
        }
        b.model(model).width(o.number("width", 0, true, 64));
        if (o.has("prune")) {
            if (o.has("params") || (o.has("rank") && !o.str("rank").equals("dense"))) {
                throw new UsageException("fnl train: --prune magnitude-prunes the dense network; it cannot be combined "
                        + "with --params or a --rank ratio (give --rank dense or leave --rank out)");
            }
            b.dense().prune(o.number("prune", 0, true, 1));
        } else if (o.has("params")) {
            if (o.has("rank")) {
                throw new UsageException("fnl train: give either --rank or --params, not both");
            }
            b.params(o.number("params", 0, true, 1));
        } else if (o.str("rank").equals("dense")) {
            b.dense();
        } else {
            b.rank(o.number("rank", 0, true, 16));
        }
        b.convScheme(choice(o, "conv-scheme", ConvScheme.class, ConvScheme::id)).deep(o.bool("deep"))
                .init(choice(o, "init", FactorInit.class, FactorInit::id));
        Decay decay = choice(o, "decay", Decay.class, Decay::id);
        if (o.has("rescale-to") && decay != Decay.NONE) {
            throw new UsageException("fnl train: --rescale-to needs --decay none (the factors get no decay; their "
                    + "products' norms follow the recorded run instead), got --decay " + decay.id());
        }
        b.decay(decay).rescaleTo(o.has("rescale-to") ? Path.of(o.str("rescale-to")).toAbsolutePath() : null);
        b.wd(o.number("wd", 0, false, 1)).epochs(o.integer("epochs", 1, 100_000)).batch(o.integer("batch", 1, 65_536));
        if (o.has("optimizer")) b.optimizer(choice(o, "optimizer", OptimizerKind.class, OptimizerKind::id));
        if (o.has("lr")) b.lr(o.number("lr", 0, true, 100));
        if (o.has("schedule")) b.schedule(schedule(o));
        if (!data.isText()) b.augment(choice(o, "augment", Augment.class, Augment::id));
        b.seed(o.longValue("seed"));
        if (o.has("train-limit")) b.trainLimit(o.integer("train-limit", 1, Integer.MAX_VALUE));
        if (o.has("test-limit")) b.testLimit(o.integer("test-limit", 1, Integer.MAX_VALUE));
        b.context(o.integer("context", 2, 4096)).denseTwin(o.bool("dense-twin"));
        if (o.has("clip")) b.clip(o.number("clip", 0, true, 1e6));
        if (o.has("attention-si")) {
            b.attentionSi(choice(o, "attention-si", AttentionSpectral.class, AttentionSpectral::id));
        }
        if (o.has("prune-target")) b.pruneTarget(choice(o, "prune-target", PruneTarget.class, PruneTarget::id));
        if (o.has("valid-fraction")) b.validFraction(o.number("valid-fraction", 0, true, 0.5));
        if (o.has("factorize")) b.factorize(choice(o, "factorize", FactorizeLayers.class, FactorizeLayers::id));
        return build(b, o.command());
    }

    /** {@link Recipe.Builder#build()}, its validation errors as usage errors of {@code command}. */
    static Recipe build(Recipe.Builder b, String command) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("fnl " + command + ": " + e.getMessage());
        }
    }
}
