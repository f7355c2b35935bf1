package org.fnl4j.onnx;

/**
 * How {@link OnnxExport} writes a model.
 *
 * @param factors whether factorized layers keep their factors in the graph or are written as the
 *                dense layers they stand for
 */
public record ExportOptions(Factors factors) {
    /** What becomes of a factorized layer in the exported graph. */
    public enum Factors {
        /**
         * Keep the compression: a factorized linear layer is two (three with M) Gemm/MatMul nodes, a
         * paper-scheme conv the 1×kw conv then the kh×1 conv, a channel-scheme conv the kh×kw conv then
         * the 1×1 conv (a middle factor M is a 1×1 conv between them), a Tucker/TT conv its depthwise
         * conv then the 1×1 conv with the reconstructed pointwise weight.
         */
        KEEP,
        /** Write each factorized layer as one dense layer holding the product of its factors. */
        COLLAPSE
    }

    public ExportOptions {
        if (factors == null) {
            throw new IllegalArgumentException("ExportOptions: factors must be KEEP or COLLAPSE, got null");
        }
    }

    /** Factors kept in the graph (the default). */
    public static ExportOptions defaults() {
        return new ExportOptions(Factors.KEEP);
    }

    /** Factorized layers written as dense products. */
    public static ExportOptions collapsed() {
        return new ExportOptions(Factors.COLLAPSE);
    }
}
