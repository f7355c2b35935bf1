package org.fnl4j.data;

import java.util.Arrays;

/**
 * Per-channel normalization x ← (x − mean[c]) / std[c] of a (C, ...) example, as torchvision's
 * {@code Normalize}. One channel's values are the contiguous block of (product of the remaining
 * dimensions) floats.
 */
public final class Normalization {
    private final float[] mean;
    private final float[] invStd;
    private final float[] std;

    /** @param mean per-channel means; @param std per-channel standard deviations (&gt; 0), same length */
    public Normalization(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalization: mean has " + mean.length + " channels and std "
                    + std.length + "; expected the same non-zero count");
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.invStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || Float.isInfinite(std[c])) {
                throw new IllegalArgumentException("Normalization: std[" + c + "] = " + std[c] + "; expected finite and > 0");
            }
            invStd[c] = 1f / std[c];
        }
    }

    /** Fashion-MNIST training-set statistics (pixel/255): mean 0.2860, std 0.3530. */
    public static Normalization fashionMnist() {
        return new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
    }

    /** MNIST training-set statistics: mean 0.1307, std 0.3081. */
    public static Normalization mnist() {
        return new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
    }

    /** CIFAR-10 training-set statistics per RGB channel. */
    public static Normalization cifar10() {
        return new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    }

    /**
     * Computes per-channel mean and (population) standard deviation over a dataset whose example
     * shape is (C, ...), summing in double in example order.
     */
    public static Normalization fit(Dataset ds) {
        int[] shape = ds.exampleShape();
        int c = shape.length >= 3 ? shape[0] : 1;
        int e = ds.exampleSize();
        int per = e / c;
        double[] sum = new double[c];
        double[] sq = new double[c];
        float[] buf = new float[e];
        for (int i = 0; i < ds.size(); i++) {
            ds.copyExample(i, buf, 0);
            for (int ch = 0; ch < c; ch++) {
                for (int k = ch * per; k < (ch + 1) * per; k++) {
                    sum[ch] += buf[k];
                    sq[ch] += (double) buf[k] * buf[k];
                }
            }
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        double n = (double) ds.size() * per;
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / n;
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(Math.max(sq[ch] / n - m * m, 1e-12));
        }
        return new Normalization(mean, std);
    }

    public int channels() { return mean.length; }

    public float[] mean() { return mean.clone(); }

    public float[] std() { return std.clone(); }

    /**
     * Normalizes one example in place.
     *
     * @param x     {@code size} floats at {@code x[off ..]} forming {@link #channels()} equal blocks
     */
    public void apply(float[] x, int off, int size) {
        int c = mean.length;
        if (size % c != 0) {
            throw new IllegalArgumentException("Normalization: example of " + size + " values does not split into "
                    + c + " channels");
        }
        int per = size / c;
        for (int ch = 0; ch < c; ch++) {
            float m = mean[ch], s = invStd[ch];
            for (int k = off + ch * per, end = k + per; k < end; k++) {
                x[k] = (x[k] - m) * s;
            }
        }
    }

    @Override
    public String toString() {
        return "Normalization(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
