package org.fnl4j.nn.factorized;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a factorized model replaces a dense k×k convolution with weight (out, in, kh, kw):
 * <ul>
 * <li>{@link #PAPER}: U·Vᵀ with rows (out, kh) and columns (in, kw), the paper's layout;</li>
 * <li>{@link #CHANNEL}: U·Vᵀ with rows out and columns (in, kh, kw);</li>
 * <li>{@link #TUCKER} / {@link #TT}: a depthwise k×k conv followed by a Tucker- or
 * tensor-train-decomposed 1×1 conv ({@link TensorConv2d}).</li>
 * </ul>
 * {@link #id()} is the name used in model files, run.json and the {@code --conv-scheme} flag.
 */
public enum ConvScheme {
    PAPER, CHANNEL, TUCKER, TT;

    /** @return the lower-case name stored in files and given on the command line, e.g. "paper". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true for the depthwise + tensor-decomposed schemes (not an SVD of the dense kernel). */
    public boolean isTensor() {
        return this == TUCKER || this == TT;
    }

    /** @return the matrix layout of {@link FactorizedConv2d} (PAPER for the tensor schemes, which do not use it). */
    FactorizedConv2d.Scheme matrixLayout() {
        return this == CHANNEL ? FactorizedConv2d.Scheme.CHANNEL : FactorizedConv2d.Scheme.PAPER;
    }

    /** @return the decomposition of {@link TensorConv2d} (TUCKER for the matrix schemes, which do not use it). */
    TensorConv2d.Format tensorFormat() {
        return this == TT ? TensorConv2d.Format.TT : TensorConv2d.Format.TUCKER;
    }

    /**
     * @param id a name as {@link #id()} gives it (case-insensitive)
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ConvScheme of(String id) {
        for (ConvScheme s : values()) {
            if (s.id().equalsIgnoreCase(id)) return s;
        }
        throw new IllegalArgumentException("conv scheme must be one of " + Arrays.stream(values()).map(ConvScheme::id)
                .toList() + ", got '" + id + "'");
    }
}
