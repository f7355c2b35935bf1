package org.fnl4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fnl4j.nn.Dropout;
import org.fnl4j.nn.Flatten;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.ReLU;
import org.fnl4j.nn.Sequential;
import org.fnl4j.tensor.Rng;

/**
 * Builds the networks a {@link ModelSpec} describes. Types and their options (defaults in brackets):
 * <ul>
 * <li>every image model: {@code inChannels} [3], {@code height} [32], {@code width} [32],
 *     {@code numClasses} [10]; input (N, C, H, W) → logits (N, numClasses).
 * <li>{@code mlp}: {@code hidden} [[512, 512]] hidden widths, {@code dropout} [0] after each ReLU.
 *     A {@link Sequential}: Flatten, then Linear + ReLU per hidden width, then Linear to the classes
 *     (PyTorch default init). Also accepts (N, F) inputs with F = C·H·W.
 * <li>{@code resnet20}, {@code resnet32}, {@code resnet44}, {@code resnet56}, {@code resnet110}
 *     (any 6n+2): {@code widthMultiplier} [1] scales the first stage's 16 channels (rounded, at
 *     least 1; the later stages are 2× and 4× that). See {@link ResNet}.
 * <li>{@code vgg}: {@code depth} [11] (11/13/16/19), {@code widthMultiplier} [1]. See {@link Vgg}.
 * <li>{@code transformer}: {@code vocab} (required), {@code context} [64], {@code dModel} [128],
 *     {@code heads} [4], {@code layers} [2], {@code mlpRatio} [4], {@code dropout} [0];
 *     token ids (B, T) → logits (B, T, vocab). See {@link TransformerLM}.
 * </ul>
 * Unknown option names are rejected (they are usually typos).
 */
public final class Models {
    private static final Pattern RESNET = Pattern.compile("resnet(\\d+)");
    private static final List<String> IMAGE = List.of("inChannels", "height", "width", "numClasses");

    private Models() {}

    /** @return the type names {@link #build} understands (ResNets: any depth 6n+2; these are the usual ones). */
    public static List<String> types() {
        return Architecture.ids();
    }

    /**
     * Builds the model, drawing every initial weight (and dropout generators) from {@code rng}, so
     * the same spec and seed give the same network.
     */
    public static Module build(ModelSpec spec, Rng rng) {
        String type = spec.type();
        Matcher resnet = RESNET.matcher(type);
        if (type.equals(Architecture.MLP.id())) {
            return mlp(spec, rng);
        } else if (resnet.matches()) {
            int depth = Integer.parseInt(resnet.group(1));
            if (depth < 8 || (depth - 2) % 6 != 0) {
                throw new IllegalArgumentException("Models.build: ResNet depth must be 6n+2 with n >= 1 (20, 32, 44, 56, "
                        + "110, ...), got '" + type + "'");
            }
            allow(spec, "widthMultiplier");
            int width = Math.max(1, (int) Math.round(16 * spec.getDouble("widthMultiplier", 1.0)));
            return new ResNet((depth - 2) / 6, spec.getInt("inChannels", 3), spec.getInt("numClasses", 10), width, rng);
        } else if (type.equals(Architecture.VGG.id())) {
            allow(spec, "depth", "widthMultiplier");
            return new Vgg(spec.getInt("depth", 11), spec.getInt("inChannels", 3), spec.getInt("height", 32),
                    spec.getInt("width", 32), spec.getInt("numClasses", 10), spec.getDouble("widthMultiplier", 1.0), rng);
        } else if (Architecture.isTokenType(type)) {
            checkKeys(spec, List.of("vocab", "context", "dModel", "heads", "layers", "mlpRatio", "dropout"));
            return new TransformerLM(spec.getInt("vocab"), spec.getInt("context", 64), spec.getInt("dModel", 128),
                    spec.getInt("heads", 4), spec.getInt("layers", 2), spec.getInt("mlpRatio", 4),
                    (float) spec.getDouble("dropout", 0), rng);
        }
        throw new IllegalArgumentException("Models.build: unknown model type '" + type + "'; known types are " + types());
    }

    private static Module mlp(ModelSpec spec, Rng rng) {
        allow(spec, "hidden", "dropout");
        int in = spec.getInt("inChannels", 3) * spec.getInt("height", 32) * spec.getInt("width", 32);
        int[] hidden = spec.getIntList("hidden", 512, 512);
        float p = (float) spec.getDouble("dropout", 0);
        Sequential net = new Sequential(new Flatten());
        for (int h : hidden) {
            net.add(new Linear(in, h, rng)).add(new ReLU());
            if (p > 0) {
                net.add(new Dropout(p, rng.split()));
            }
            in = h;
        }
        return net.add(new Linear(in, spec.getInt("numClasses", 10), rng));
    }

    /** Image model: the common image options plus {@code extra}. */
    private static void allow(ModelSpec spec, String... extra) {
        List<String> keys = new ArrayList<>(IMAGE);
        keys.addAll(Arrays.asList(extra));
        checkKeys(spec, keys);
    }

    private static void checkKeys(ModelSpec spec, List<String> allowed) {
        Set<String> unknown = new LinkedHashSet<>(spec.options().keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Models.build: model '" + spec.type() + "' has no option(s) " + unknown
                    + "; its options are " + allowed);
        }
    }
}
