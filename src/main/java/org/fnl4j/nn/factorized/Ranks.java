package org.fnl4j.nn.factorized;

/**
 * Rank rules shared by the factorized layers.
 *
 * <p>Rounding: {@code r = max(1, rint(s·x))}, where {@code rint} rounds half to even — the
 * behaviour of Python 3's {@code round}, which the paper's reference code uses, so ranks (and
 * parameter counts) match it exactly, e.g. ResNet-20 at s = 0.111 gets 5, 11 and 21.
 */
public final class Ranks {
    private Ranks() {}

    /** @return max(1, rint(ratio·size)). */
    public static int fromRatio(double ratio, int size) {
        if (!(ratio > 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("rank ratio must be a positive finite number, got " + ratio);
        }
        return Math.max(1, (int) Math.rint(ratio * size));
    }

    /** Linear layer: max(1, rint(s·min(out, in))). */
    public static int linear(double ratio, int out, int in) {
        return fromRatio(ratio, Math.min(out, in));
    }

    /** Conv, paper scheme: max(1, rint(s·out·kh)) (the number of rows of the (out,kh)×(in,kw) matrix). */
    public static int convPaper(double ratio, int out, int kh) {
        return fromRatio(ratio, out * kh);
    }

    /** Conv, channel scheme: max(1, rint(s·min(out, in·kh·kw))). */
    public static int convChannel(double ratio, int out, int in, int kh, int kw) {
        return fromRatio(ratio, Math.min(out, in * kh * kw));
    }

    /** Attention head dimension: max(1, floor(s·d/H)), the reference code's {@code int(s·d/H)}. */
    public static int attentionHeadDim(double ratio, int d, int heads) {
        if (!(ratio > 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("attention rank ratio must be a positive finite number, got " + ratio);
        }
        return Math.max(1, (int) (ratio * d / heads));
    }
}
