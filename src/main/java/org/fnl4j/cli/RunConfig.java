package org.fnl4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.ModelFormatException;
import org.fnl4j.models.ModelSpec;

/**
 * The settings of a {@code fnl train} run as a JSON-compatible map (snake_case keys), built and
 * validated from the flags, stored in run.json, the checkpoint and the model file, and read back by
 * {@code --resume}.
 */
final class RunConfig {
    static final List<String> MODELS = List.of("mlp", "resnet20", "resnet32", "resnet56", "vgg", "transformer");
    static final List<String> DATA = List.of("fashion-mnist", "mnist", "cifar10", "text");

    private RunConfig() {}

    static Map<String, Object> fromOptions(Opts o) {
        Map<String, Object> c = new LinkedHashMap<>();
        String data = o.str("data");
        String dataName = data.contains(":") ? data.substring(0, data.indexOf(':')) : data;
        if (!DATA.contains(dataName)) {
            throw o.bad("data", data, "one of fashion-mnist[:full|:DIR] | mnist:DIR | cifar10:DIR | text[:FILE]");
        }
        if ((dataName.equals("mnist") || dataName.equals("cifar10")) && !data.contains(":")) {
            throw o.bad("data", data, dataName + ":DIR, the directory holding the " + dataName + " files");
        }
        c.put("data", data);
        String model = o.choice("model", MODELS.toArray(String[]::new));
        boolean text = dataName.equals("text");
        if (text != model.equals("transformer")) {
            throw new UsageException("fnl train: --model " + model + " does not fit --data " + data + " (the transformer "
                    + "trains on --data text; image models on fashion-mnist, mnist or cifar10)");
        }
        c.put("model", model);
        c.put("width", o.number("width", 0, true, 64));
        String rank = o.str("rank");
        if (o.has("prune")) {
            if (o.has("params") || (o.has("rank") && !rank.equals("dense"))) {
                throw new UsageException("fnl train: --prune magnitude-prunes the dense network; it cannot be combined "
                        + "with --params or a --rank ratio (give --rank dense or leave --rank out)");
            }
            c.put("rank", "dense");
        } else if (o.has("params")) {
            if (o.has("rank")) {
                throw new UsageException("fnl train: give either --rank or --params, not both");
            }
            c.put("rank", null);
            c.put("params", o.number("params", 0, true, 1));
        } else if (rank.equals("dense")) {
            c.put("rank", "dense");
        } else {
            c.put("rank", o.number("rank", 0, true, 16));
        }
        c.put("prune", o.has("prune") ? o.number("prune", 0, true, 1) : null);
        c.put("conv_scheme", o.choice("conv-scheme", "paper", "channel", "tucker", "tt"));
        c.put("middle", o.bool("deep"));
        c.put("init", o.choice("init", "default", "spectral"));
        c.put("decay", o.choice("decay", "weight", "frobenius", "none"));
        if (o.has("rescale-to") && !"none".equals(c.get("decay"))) {
            throw new UsageException("fnl train: --rescale-to needs --decay none (the factors get no decay; their "
                    + "products' norms follow the recorded run instead), got --decay " + c.get("decay"));
        }
        c.put("rescale_to", o.has("rescale-to") ? Path.of(o.str("rescale-to")).toAbsolutePath().toString() : null);
        c.put("wd", o.number("wd", 0, false, 1));
        int epochs = o.integer("epochs", 1, 100_000);
        c.put("epochs", epochs);
        c.put("batch", o.integer("batch", 1, 65_536));
        String optimizer = o.has("optimizer") ? o.choice("optimizer", "sgd", "momentum", "adamw") : (text ? "adamw" : "sgd");
        c.put("optimizer", optimizer);
        c.put("lr", o.has("lr") ? o.number("lr", 0, true, 100) : (optimizer.equals("adamw") ? 0.001 : 0.1));
        String schedule = o.has("schedule") ? o.str("schedule") : (text ? "warmup-cosine:100" : "cosine");
        Schedules.parse(schedule, epochs, 1000, "schedule");
        c.put("schedule", schedule);
        c.put("augment", text ? "none" : o.choice("augment", "none", "crop", "flip", "crop+flip"));
        c.put("seed", o.longValue("seed"));
        c.put("train_limit", o.has("train-limit") ? o.integer("train-limit", 1, Integer.MAX_VALUE) : null);
        c.put("test_limit", o.has("test-limit") ? o.integer("test-limit", 1, Integer.MAX_VALUE) : null);
        c.put("context", o.integer("context", 2, 4096));
        c.put("dense_twin", o.bool("dense-twin"));
        return c;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fromCheckpoint(Map<String, Object> header, Path file) throws ModelFormatException {
        Object meta = header.get("metadata");
        Object cfg = meta instanceof Map ? ((Map<String, Object>) meta).get("config") : null;
        if (!(cfg instanceof Map)) {
            throw new ModelFormatException(file, "checkpoint has no metadata.config (it was not written by fnl train)");
        }
        return new LinkedHashMap<>((Map<String, Object>) cfg);
    }

    /** The network's spec for the configured model on the loaded data. */
    static ModelSpec modelSpec(Map<String, Object> cfg, DataSetup data) {
        String model = (String) cfg.get("model");
        double width = ((Number) cfg.get("width")).doubleValue();
        Map<String, Object> opts = new LinkedHashMap<>();
        if (model.equals("transformer")) {
            opts.put("vocab", data.vocab);
            opts.put("context", ((Number) cfg.get("context")).intValue());
            opts.put("dModel", (int) Math.round(128 * width));
            opts.put("heads", 4);
            opts.put("layers", 2);
            return new ModelSpec(model, opts);
        }
        opts.put("inChannels", data.shape[0]);
        opts.put("height", data.shape[1]);
        opts.put("width", data.shape[2]);
        opts.put("numClasses", data.numClasses);
        if (model.equals("mlp")) {
            int h = (int) Math.round(512 * width);
            opts.put("hidden", List.of(h, h));
        } else {
            opts.put("widthMultiplier", width);
        }
        return new ModelSpec(model, opts);
    }
}
