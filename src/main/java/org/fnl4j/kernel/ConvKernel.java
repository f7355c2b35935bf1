package org.fnl4j.kernel;

/**
 * The register-blocked inner loops of the implicit-GEMM convolution ({@link ConvImplicit}).
 *
 * <p>Both loops work on a <i>source buffer</i>: the input planes laid out so that every kernel tap
 * is a constant shift of a flat output index q. Tap k of the reduction reads
 * {@code src[srcOff + offs[k] + q]}; see {@link ConvImplicit} for how the buffer and the offset table
 * are built. Blocks are {@link #MR} output rows by {@link #NR} vectors of {@link #lanes()} floats.
 *
 * <p>Implementations: {@link ScalarConvKernel} (plain Java, the scalar twin) and
 * {@code org.fnl4j.kernel.simd.SimdConvKernel} (Vector API, loaded through {@link Kernels#active()}).
 */
public interface ConvKernel {
    /** Output rows (output channels, or input channels for the input gradient) per block. */
    int MR = 4;
    /** Vectors per block: of output pixels in {@link #forwardBlock}, of taps in {@link #weightBlock}. */
    int NR = 6;

    /** @return floats per vector; flat pixel extents are rounded up to a multiple of this. */
    int lanes();

    /**
     * Overwrites an MR × (nvec·lanes) block:
     * {@code out[outOff + r*ldo + p] = sum_{k<kCount} w[wOff + k*MR + r] * src[srcOff + offs[k] + p]}
     * for r &lt; MR, p &lt; nvec·lanes, summed in increasing k.
     *
     * @param nvec number of vectors, 1..NR
     */
    void forwardBlock(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                      float[] out, int outOff, int ldo, int nvec);

    /**
     * One row of {@link #forwardBlock}: overwrites
     * {@code out[outOff + p] = sum_{k<kCount} w[wOff + k*MR] * src[srcOff + offs[k] + p]} for
     * p &lt; nvec·lanes, summed in increasing k: the same floats as row 0 of a block, bit for bit. For
     * the last rows when the row count is not a multiple of MR: a factorized layer of rank 5 would
     * otherwise compute 8 rows for 5.
     *
     * @param nvec number of vectors, 1..NR
     */
    void forwardRow(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                    float[] out, int outOff, int nvec);

    /**
     * Accumulates lane-wise partial dot products over qVectors vectors of pixels:
     * {@code acc[accOff + (r*NR + t)*lanes + l] += sum_{v<qVectors} dy[dyOff + r*ldd + v*lanes + l]
     *  * src[srcOff + offs[kOff + t] + v*lanes + l]} for r &lt; MR, t &lt; NR, l &lt; lanes.
     */
    void weightBlock(int qVectors, float[] dy, int dyOff, int ldd, float[] src, int srcOff,
                     int[] offs, int kOff, float[] acc, int accOff);

    /** Most vectors of output channels per tile of {@link #weightTile}. */
    int MAX_CHANNEL_VECTORS = 4;
    /** Tap tables of {@link #weightTile} are padded to a multiple of this (every {@link #tapsPerTile}). */
    int TAP_ROUND = 12;

    /**
     * One row of {@link #weightBlock}: {@code acc[accOff + t*lanes + l] += sum_{v<qVectors}
     * dy[dyOff + v*lanes + l] * src[srcOff + offs[kOff + t] + v*lanes + l]} for t &lt; NR, l &lt; lanes,
     * the same floats as row 0 of a block, bit for bit (for the last rows when the row count is not a
     * multiple of MR).
     */
    void weightRow(int qVectors, float[] dy, int dyOff, float[] src, int srcOff, int[] offs, int kOff,
                   float[] acc, int accOff);

    /**
     * Taps per tile of {@link #weightTile}: 4 with 4 channel vectors (16 accumulators), else 6 (at
     * most 18). With 24 accumulators C2 ran out of vector registers in some JVMs and spilled,
     * which made the 64-channel tile 3× slower.
     */
    static int tapsPerTile(int channelVectors) {
        return switch (channelVectors) {
            case 1 -> 12;
            case 4 -> 4;
            default -> 6;
        };
    }

    /**
     * The channel-vectorized weight-gradient tile: vectors run over output channels, so every
     * accumulator holds finished sums (no lane partials) and stays in a register for a whole image.
     * For t &lt; {@link #tapsPerTile}(channelVectors) and c &lt; channelVectors·lanes, accumulates
     * <pre>
     * acc[accOff + t*lda + c] += sum over i &lt; rows, j &lt; cols (in that order) of
     *     dyT[dyOff + (i*cols + j)*ldd + c] * src[srcOff + offs[tOff + t] + i*ws + j]
     * </pre>
     * dyT is the output gradient of one image transposed to pixel-major, channel-minor layout
     * (rows·cols pixels × ldd floats); src is the image's source buffer, read at tap shifts.
     *
     * @param channelVectors vectors of output channels, 1..{@link #MAX_CHANNEL_VECTORS}
     */
    void weightTile(int channelVectors, int rows, int cols, int ws, float[] dyT, int dyOff, int ldd,
                    float[] src, int srcOff, int[] offs, int tOff, float[] acc, int accOff, int lda);

    /**
     * The pixel counts a tile of {@link #forwardTile} may have with this many channel vectors,
     * ascending: at most 24 vector accumulators. A convolution picks the size that wastes the fewest
     * pixels on its plane (5 for ResNet-20's 7×7 planes). Fewer channel vectors get more pixels, not
     * fewer accumulators: every pixel costs a broadcast load per tap, and 2 vectors by 7 pixels ran
     * 25 % slower than by 12 on 14×14 planes.
     *
     * @param channelVectors 1..{@link #MAX_CHANNEL_VECTORS}
     */
    static int[] tilePixels(int channelVectors) {
        return switch (channelVectors) {
            case 4 -> new int[] {5, 6};
            case 3 -> new int[] {8};
            case 2, 1 -> new int[] {12};
            default -> throw new IllegalArgumentException("tilePixels: channelVectors must be 1.."
                    + MAX_CHANNEL_VECTORS + ", got " + channelVectors);
        };
    }

    /** Most pixels of any tile of {@link #forwardTile}. */
    int MAX_TILE_PIXELS = 12;

    /**
     * The channel-vectorized forward tile: vectors run over output channels and each of
     * {@code pixels} output pixels broadcasts its source value, so only the
     * pixels listed in {@code pix} are computed (the pixel-vectorized {@link #forwardBlock} also
     * computes the padding columns of every row). For t &lt; pixels and
     * c &lt; channelVectors·lanes:
     * <pre>
     * out[outOff + t*ldo + c] = (accumulate ? out[outOff + t*ldo + c] : 0)
     *     + sum over k &lt; kCount (increasing) of w[wOff + k*ldw + c] * src[srcOff + pix[pixOff + t] + offs[kOff + k]]
     * </pre>
     * with one fused multiply-add per term, so an output gets the same bits as from
     * {@link #forwardBlock} with the same weights, and a reduction split into consecutive tap ranges
     * (accumulate after the first) the same bits as one call. w is the weights tap-major
     * (k × ldw, channels minor); out is pixel-major (pixels × ldo).
     *
     * @param channelVectors vectors of output channels, 1..{@link #MAX_CHANNEL_VECTORS}
     * @param pixels one of {@link #tilePixels}(channelVectors)
     */
    void forwardTile(int channelVectors, int pixels, int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff,
                     float[] src, int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo,
                     boolean accumulate);

    /**
     * Transposes a rows × cols block: {@code dst[dstOff + p*ldd + r] = src[srcOff + r*cols + p]} for
     * r &lt; rows, p &lt; cols. The weight gradient's output gradient, channel-major (O × P) per
     * image, becomes pixel-major (P × O) for {@link #weightTile}.
     */
    void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff, int ldd);

    /**
     * Adds a rows × cols block of src into dst: {@code dst[dstOff + r*dstPitch + j] +=
     * src[srcOff + r*srcPitch + j]} for r &lt; rows, j &lt; cols. The input gradient adds its
     * result, held at the source buffer's row pitch, into dx's unpadded rows.
     */
    void addRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols);

    /**
     * Copies a rows × cols block: {@code dst[dstOff + r*dstPitch + j] = src[srcOff + r*srcPitch + j]}
     * for r &lt; rows, j &lt; cols; src and dst must be different arrays. The source buffer's fill
     * copies each unpadded input row into its padded row, and the forward copies its sums back out:
     * rows of 7 to 32 floats, for which a {@code System.arraycopy} call per row can cost more than
     * the copy itself.
     */
    void copyRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols);

    /**
     * Gathers n floats: {@code dst[dstOff + i] = src[srcOff + index[indexOff + i]]} for i &lt; n, every
     * index in bounds. A strided convolution's copy of the input into phase planes reads every
     * stride-th pixel; one index per destination float turns a plane of short strided rows into one
     * run.
     */
    void gather(float[] src, int srcOff, int[] index, int indexOff, float[] dst, int dstOff, int n);
}
