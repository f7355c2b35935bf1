package org.fnl4j.kernel;

/**
 * What a convolution's output goes through as the kernel writes it, for inference:
 * {@code y = act(scale[o]·conv(x)[o] + shift[o] + residual)} per output channel o, where act is
 * max(·, 0) when {@code relu}. This is an eval-mode BatchNorm (scale = γ/√(var+ε), shift =
 * β − mean·scale, see {@link Norm#affineOf}), the residual sum and the ReLU of a residual block. The
 * values are bit for bit those of {@link Conv#forward} followed by {@link Norm#batchNormForward}: the
 * same span arithmetic on the same planes, run on each output plane while it is still in cache
 * instead of in a second pass over the whole output.
 *
 * @param scale       (O) per output channel
 * @param shift       (O) per output channel
 * @param residual    (N, O, outH, outW) at {@code residualOff}, added after the affine map, or null
 * @param residualOff offset of the residual's first element
 * @param relu        whether max(·, 0) follows
 */
public record ConvEpilogue(float[] scale, float[] shift, float[] residual, int residualOff, boolean relu) {
    public ConvEpilogue {
        if (scale == null || shift == null || scale.length != shift.length) {
            throw new IllegalArgumentException("ConvEpilogue: scale and shift must be two arrays of the same length (one "
                    + "value per output channel), got " + (scale == null ? "null" : scale.length + " floats") + " and "
                    + (shift == null ? "null" : shift.length + " floats"));
        }
    }

    /**
     * Applies the epilogue in place to {@code plane} floats of y at yOff, output channel {@code channel},
     * whose residual sits at {@code residualOff + (yOff - outputOff)}.
     */
    void applyPlane(float[] y, int yOff, int outputOff, int channel, int plane) {
        applyPlane(y, yOff, y, yOff, outputOff, channel, plane);
    }

    /** The same, reading the convolution's plane from {@code src} at srcOff and writing y at yOff. */
    void applyPlane(float[] src, int srcOff, float[] y, int yOff, int outputOff, int channel, int plane) {
        Norm.affineAddRelu(src, srcOff, residual, residual == null ? 0 : residualOff + (yOff - outputOff), relu, y, yOff,
                plane, scale[channel], shift[channel]);
    }
}
