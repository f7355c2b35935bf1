package org.fnl4j.models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The named network architectures, the one list every other part of fnl4j (recipes, model files,
 * the command line) takes its model names and input kinds from. {@link #id()} is the
 * {@link ModelSpec#type()} that {@link Models#build} understands ({@code mlp}, {@code resnet20},
 * ..., {@code transformer}); {@link Models#build} also accepts any other ResNet depth 6n+2.
 *
 * <p>Image models take (N, C, H, W) and give logits (N, classes); {@link #TRANSFORMER} takes token
 * ids (N, T) and gives next-token logits (N, T, vocab).
 */
public enum Architecture {
    /** Flatten, two hidden Linear + ReLU layers of 512·width units, Linear to the classes. */
    MLP,
    /** CIFAR-style ResNet-20 (3 stages of 3 basic blocks, 16·width channels first). */
    RESNET20,
    /** ResNet-32 (5 blocks per stage). */
    RESNET32,
    /** ResNet-44 (7 blocks per stage). */
    RESNET44,
    /** ResNet-56 (9 blocks per stage). */
    RESNET56,
    /** ResNet-110 (18 blocks per stage). */
    RESNET110,
    /** VGG-11 with batch normalization, widths scaled by width. */
    VGG,
    /** Character-level Transformer LM: 2 layers, 4 heads, d_model 128·width. */
    TRANSFORMER;

    /** @return the model type name, e.g. "resnet20". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true when the network reads token ids (the Transformer LM), false for image models. */
    public boolean takesTokens() {
        return this == TRANSFORMER;
    }

    /** @return every {@link #id()} in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Architecture::id).toList();
    }

    /**
     * @param id a model type name (case-insensitive), e.g. "resnet20"
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Architecture of(String id) {
        for (Architecture a : values()) {
            if (a.id().equalsIgnoreCase(id)) return a;
        }
        throw new IllegalArgumentException("model must be one of " + ids() + ", got '" + id + "'");
    }

    /** @return true when {@code type} names the token model (the one check of "is this a language model"). */
    static boolean isTokenType(String type) {
        return TRANSFORMER.id().equals(type);
    }

    /**
     * The spec of this image model for images of shape (C, H, W) and {@code classes} classes.
     *
     * @param width multiplier of the hidden widths (MLP) or channels (ResNet, VGG), &gt; 0
     * @throws IllegalArgumentException for the Transformer or a shape that is not (C, H, W)
     */
    public ModelSpec forImages(int[] chw, int classes, double width) {
        if (takesTokens()) {
            throw new IllegalArgumentException("model " + id() + " reads token ids, not images; use forText");
        }
        if (chw.length != 3) {
            throw new IllegalArgumentException("model " + id() + ": images must have shape (C, H, W), got "
                    + Arrays.toString(chw));
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("inChannels", chw[0]);
        opts.put("height", chw[1]);
        opts.put("width", chw[2]);
        opts.put("numClasses", classes);
        if (this == MLP) {
            int h = (int) Math.round(512 * width);
            opts.put("hidden", List.of(h, h));
        } else {
            opts.put("widthMultiplier", width);
        }
        return new ModelSpec(id(), opts);
    }

    /**
     * The spec of the Transformer LM: 2 layers, 4 heads, d_model = round(128·width).
     *
     * @throws IllegalArgumentException for an image model
     */
    public ModelSpec forText(int vocab, int context, double width) {
        if (!takesTokens()) {
            throw new IllegalArgumentException("model " + id() + " reads images, not token ids; use forImages");
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("vocab", vocab);
        opts.put("context", context);
        opts.put("dModel", (int) Math.round(128 * width));
        opts.put("heads", 4);
        opts.put("layers", 2);
        return new ModelSpec(id(), opts);
    }
}
