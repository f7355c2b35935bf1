package org.fnl4j.kernel;

import java.util.Arrays;

/**
 * Implicit-GEMM convolution: no im2col matrix, the taps are read as shifted windows of one
 * rearranged copy of each input image. Same contract and shapes as {@link Conv}: x (N, C, H, W),
 * w (O, C/g, kh, kw), y and dy (N, O, outH, outW).
 *
 * <h2>Layout</h2>
 * Per image and group the source planes are copied once into a buffer holding, per channel,
 * {@code sh·sw} zero-padded <i>phase planes</i> of hs × ws floats (phase (a,b) holds padded pixel
 * (r·sh + a, t·sw + b) at (r, t); for stride 1 it is just the zero-padded plane). An output
 * pixel (i, j) gets the flat index q = i·ws + j, and tap (c, u, v) reads the buffer at
 * {@code offs[(c·kh + u)·kw + v] + q}, a constant shift. The output is computed over all q in
 * {@code [0, outH·ws)} rounded up to whole vectors; the columns j ≥ outW are discarded. So the
 * convolution is a GEMM whose "B panel" is the source buffer itself: the micro-kernel
 * ({@link ConvKernel}) broadcasts one weight and FMAs it into vectors of output pixels.
 *
 * <ul>
 *   <li>forward: out(O × q) = W(O × C·kh·kw) · shifted source, any stride/padding/dilation/groups;
 *   <li>input gradient: the same loop on the output gradient upsampled by the stride (zeros in
 *       between) and padded by {@code (k-1)·dil - pad} (cropped when negative), with the weights
 *       flipped and transposed;
 *   <li>weight gradient: dW(O × C·kh·kw) = dY · shifted sourceᵀ, lane-wise partial sums, reduced
 *       once per fixed chunk of images; chunk partials are added in chunk order, so the result does
 *       not depend on the thread count.
 * </ul>
 * The copy costs one pass over the input per image (im2col costs kh·kw passes plus a GEMM re-read).
 */
public final class ConvImplicit {
    /** The micro-kernel in use: the Vector API one when SIMD is active, otherwise the scalar twin. */
    static final ConvKernel KERNEL = Kernels.active().conv();

    private static final int MR = ConvKernel.MR, NR = ConvKernel.NR;

    /**
     * Most images stacked into one source buffer by the weight gradient: stacking amortizes the
     * accumulator loads and stores over more pixels, until the stack falls out of L2
     * ({@link #STACK_BYTES}). Measured on Zen 5 at 28×28: 32 channels gain ~20% from a stack of 4.
     */
    static final int STACK = Integer.getInteger("fnl4j.conv.stack", 4);
    /** Source-buffer budget of one weight-gradient stack. */
    static final int STACK_BYTES = Integer.getInteger("fnl4j.conv.stackBytes", 512 * 1024);
    /** Output blocks of the weight gradient that share a tap block's source windows. */
    static final int OUT_BLOCK_GROUP = 4;

    /** At most this many image chunks in a weight gradient. */
    static final int WEIGHT_CHUNKS = Integer.getInteger("fnl4j.conv.chunks", 16);
    /** At least this many images per weight-gradient chunk (when the batch allows): each chunk ends
     *  with a reduction of its partial sums, which must stay small next to the chunk's work. */
    static final int IMAGES_PER_WEIGHT_CHUNK = 4;

    private ConvImplicit() {}

    /** y = conv(x, w) + bias (overwrites y), with the kernel selected at class init. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        forward(KERNEL, s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /** y = epilogue(conv(x, w) + bias) (overwrites y; a null epilogue is none), see {@link ConvEpilogue}. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff, ConvEpilogue epilogue) {
        forward(KERNEL, s, x, xOff, w, wOff, bias, bOff, y, yOff, epilogue);
    }

    /**
     * dx += conv_transpose(dy, w). A stride s is handled by upsampling dy with zeros, which costs
     * s_h·s_w times the useful multiply-adds; {@link Conv} sends only stride 1 here
     * ({@link Conv#MAX_UPSAMPLED_STRIDE}); larger strides are supported and tested.
     */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        backwardInput(KERNEL, s, dy, dyOff, w, wOff, dx, dxOff);
    }

    /** dw += correlation of x with dy, on the path {@link #channelVectorized} picks for the shape. */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        if (channelVectorized(s)) {
            backwardWeightChannels(KERNEL, s, x, xOff, dy, dyOff, dw, dwOff);
        } else {
            backwardWeight(KERNEL, s, x, xOff, dy, dyOff, dw, dwOff);
        }
    }

    /**
     * Fewest output channels per group for which the weight gradient runs channel-vectorized
     * ({@link #backwardWeightChannels}); {@code -Dfnl4j.conv.channelWgradMin=0} switches it off.
     * Below 16 a vector of output channels is mostly padding lanes (a factorized layer of rank 5
     * uses 5 of 16), and the pixel-vectorized path was as fast or faster. Measured in ResNet-20's
     * layers (2 threads, batch 128): 16 channels 2.2 vs 4.4 ms, 64 channels 2.0 vs 15 ms.
     */
    static final int CHANNEL_WGRAD_MIN = Integer.getInteger("fnl4j.conv.channelWgradMin", 16);

    /** Whether {@link #backwardWeight} takes the channel-vectorized path for this shape. */
    static boolean channelVectorized(ConvShape s) {
        return CHANNEL_WGRAD_MIN > 0 && s.outPerGroup() >= CHANNEL_WGRAD_MIN;
    }

    /**
     * dw += correlation of x with dy, channel-vectorized: per image, dy is transposed to
     * pixel-major (P × oPad, P = outH·outW, oPad = og rounded up to whole vectors) and each tile of
     * {@link ConvKernel#tapsPerTile} taps × up to four vectors of output channels is accumulated over the
     * image's valid pixels only, in registers ({@link ConvKernel#weightTile}). The pixel-vectorized
     * path instead keeps lanes·O·K partial sums in memory, which outgrows L2 at 64 channels
     * (2.4 MB for a 64→64 3×3 conv), and computes the discarded padding columns.
     * Images are split into the same fixed chunks as the other path, each with its own partial sums
     * (tap-major, kRound × oPad per group), added in chunk order: bit-identical at any thread count.
     */
    static void backwardWeightChannels(ConvKernel kern, ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                                       float[] dw, int dwOff) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup();
        int oh = s.outH(), ow = s.outW(), pixels = oh * ow;
        int lanes = kern.lanes();
        Plan plan = new Plan(cg, s.inH(), s.inW(), s.padH(), s.padW(), s.kh(), s.kw(),
                s.strideH(), s.strideW(), s.dilH(), s.dilW(), oh, ow, lanes);
        int k = plan.k, kRound = (k + ConvKernel.TAP_ROUND - 1) / ConvKernel.TAP_ROUND * ConvKernel.TAP_ROUND;
        int[] offs = Arrays.copyOf(plan.offs, kRound);   // padding taps read the buffer's start; their sums are dropped
        int oVecs = (og + lanes - 1) / lanes, oPad = oVecs * lanes;
        int groupLen = kRound * oPad;
        int chunks = weightChunks(s.batch());
        float[][] partial = new float[chunks][groups * groupLen];
        int inPlane = s.inH() * s.inW();
        int imageIn = s.inChannels() * inPlane, imageOut = s.outChannels() * pixels;
        Parallel.forChunks(chunks, chunk -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(plan.bufLen);
            float[] dyT = sc.out(pixels * oPad);
            if (oPad != og) {
                Arrays.fill(dyT, 0, pixels * oPad, 0f);   // the padding channels stay zero
            }
            float[] part = partial[chunk];
            int n0 = Parallel.chunkStart(s.batch(), chunks, chunk), n1 = Parallel.chunkStart(s.batch(), chunks, chunk + 1);
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    plan.fill(x, xOff + n * imageIn + g * cg * inPlane, buf, sc.adopt(plan));
                    kern.transpose(dy, dyOff + n * imageOut + g * og * pixels, og, pixels, dyT, 0, oPad);
                    for (int v = 0; v < oVecs; v += ConvKernel.MAX_CHANNEL_VECTORS) {
                        int nv = Math.min(ConvKernel.MAX_CHANNEL_VECTORS, oVecs - v), taps = ConvKernel.tapsPerTile(nv);
                        for (int t = 0; t < kRound; t += taps) {
                            kern.weightTile(nv, oh, ow, plan.ws, dyT, v * lanes, oPad, buf, 0, offs, t,
                                    part, g * groupLen + t * oPad + v * lanes, oPad);
                        }
                    }
                }
            }
        });
        // Then transposed from tap-major into dw.
        float[] total = sumPartials(partial);
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < og; o++) {
                int dst = dwOff + (g * og + o) * k;
                int src = g * groupLen + o;
                for (int t = 0; t < k; t++) {
                    dw[dst + t] += total[src + t * oPad];
                }
            }
        }
    }

    /** Floats per range of {@link #sumPartials}. */
    private static final int REDUCE_RANGE = 1 << 12;

    /**
     * How much more of the pixel-vectorized forward's multiply-adds must be wasted on padding
     * (columns past outW, lanes past the last pixel) than the channel-vectorized forward's (pixels
     * past the last tile) before {@link #forward} takes the channel path, as a fraction of the
     * useful work; {@code -Dfnl4j.conv.channelForwardMargin=-1} takes it whenever the shape allows,
     * a large value never. The channel path pays a transpose of each output plane and loads one
     * weight vector per channel vector and tap.
     */
    static final double CHANNEL_FORWARD_MARGIN =
            Double.parseDouble(System.getProperty("fnl4j.conv.channelForwardMargin", "0.15"));
    /** Bytes of tap-major weights per tap range of the channel-vectorized forward: kept in L1 while a whole image's pixels pass. */
    static final int CHANNEL_FORWARD_WEIGHT_BYTES = Integer.getInteger("fnl4j.conv.channelForwardWeightBytes", 32 * 1024);

    /**
     * Whether {@link #forward} runs channel-vectorized ({@link ConvKernel#forwardTile}) for this
     * shape: output channels per group a multiple of the vector, and the pixel path's padding waste
     * above the channel path's by more than {@link #CHANNEL_FORWARD_MARGIN}. ResNet-20's 7×7 layers
     * compute 64 lanes for 49 pixels per plane on the pixel path (63 of them at a row pitch of 9).
     */
    static boolean channelForward(ConvShape s, Plan plan, int lanes) {
        return channelVectorized(s.outPerGroup(), s.outH() * s.outW(), plan, lanes);
    }

    /**
     * Whether {@code rows} sums per pixel over {@code pixels} pixels laid out by {@code plan} run
     * channel-vectorized: rows in whole vectors, and the pixel path wasting more than
     * {@link #CHANNEL_FORWARD_MARGIN} of the useful work beyond what the channel path wastes.
     */
    static boolean channelVectorized(int rows, int pixels, Plan plan, int lanes) {
        if (rows % lanes != 0) {
            return false;
        }
        int tile = tileFor(Math.min(rows / lanes, ConvKernel.MAX_CHANNEL_VECTORS), pixels);
        double pixelPathWork = plan.qRound, channelPathWork = (pixels + tile - 1) / tile * tile;
        return (pixelPathWork - channelPathWork) / pixels > CHANNEL_FORWARD_MARGIN;
    }

    /** The tile size of {@link ConvKernel#tilePixels} that rounds {@code pixels} up the least (the larger on a tie). */
    static int tileFor(int channelVectors, int pixels) {
        int best = 0, bestWork = Integer.MAX_VALUE;
        for (int p : ConvKernel.tilePixels(channelVectors)) {
            int work = (pixels + p - 1) / p * p;
            if (work <= bestWork) {
                best = p;
                bestWork = work;
            }
        }
        return best;
    }

    static void forward(ConvKernel kern, ConvShape s, float[] x, int xOff, float[] w, int wOff,
                        float[] bias, int bOff, float[] y, int yOff, ConvEpilogue epilogue) {
        Plan plan = forwardPlan(s, kern.lanes());
        if (channelForward(s, plan, kern.lanes())) {
            forwardChannels(kern, s, plan, x, xOff, w, wOff, bias, bOff, y, yOff, epilogue);
        } else {
            forwardPixels(kern, s, plan, x, xOff, w, wOff, bias, bOff, y, yOff, epilogue);
        }
    }

    /** The source-buffer layout of the forward for a kernel of {@code lanes} floats per vector. */
    static Plan forwardPlan(ConvShape s, int lanes) {
        return new Plan(s.inPerGroup(), s.inH(), s.inW(), s.padH(), s.padW(), s.kh(), s.kw(),
                s.strideH(), s.strideW(), s.dilH(), s.dilW(), s.outH(), s.outW(), lanes);
    }

    /** The forward with vectors over output pixels: {@link Plan#run} on each image's source buffer. */
    static void forwardPixels(ConvKernel kern, ConvShape s, Plan plan, float[] x, int xOff, float[] w, int wOff,
                              float[] bias, int bOff, float[] y, int yOff, ConvEpilogue epilogue) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup();
        int oh = s.outH(), ow = s.outW();
        int blocks = (og + MR - 1) / MR;
        float[] packed = new float[groups * blocks * plan.k * MR];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < og; o++) {
                int dst = (g * blocks + o / MR) * plan.k * MR + o % MR;
                int src = wOff + (g * og + o) * plan.k;
                for (int k = 0; k < plan.k; k++) {
                    packed[dst + k * MR] = w[src + k];
                }
            }
        }
        int inPlane = s.inH() * s.inW(), outPlane = oh * ow;
        Parallel.forChunks(s.batch(), n -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(plan.bufLen);
            float[] out = sc.out(blocks * MR * plan.qRound);
            for (int g = 0; g < groups; g++) {
                plan.fill(x, xOff + (n * s.inChannels() + g * cg) * inPlane, buf, sc.adopt(plan));
                plan.run(kern, packed, g * blocks * plan.k * MR, og, buf, out);
                for (int o = 0; o < og; o++) {
                    int oc = g * og + o;
                    int yb = yOff + (n * s.outChannels() + oc) * outPlane;
                    int ob = o * plan.qRound;
                    if (bias == null && plan.ws == ow) {
                        // No discarded columns (k×1 and 1×1 convolutions): the plane is one run of out.
                        if (epilogue != null) {
                            epilogue.applyPlane(out, ob, y, yb, yOff, oc, outPlane);
                            continue;
                        }
                        System.arraycopy(out, ob, y, yb, outPlane);
                    } else if (bias == null) {
                        // A row copy, not "+ 0f": the sums are never -0 (they start from +0), so the bits are the same.
                        kern.copyRows(out, ob, plan.ws, y, yb, ow, oh, ow);
                    } else {
                        float b = bias[bOff + oc];
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) {
                                y[yb + i * ow + j] = out[ob + i * plan.ws + j] + b;
                            }
                        }
                    }
                    if (epilogue != null) {
                        // While the plane is in L1: a separate pass would read the whole output back from memory.
                        epilogue.applyPlane(y, yb, yOff, oc, outPlane);
                    }
                }
            }
        });
    }

    /**
     * The forward with vectors over output channels ({@link #channelForward} picks it): per image
     * and group, pixel-major sums over only the valid output pixels ({@link ChannelRun}), then
     * transposed into y's channel planes. Every sum is the same chain of fused multiply-adds as on
     * the pixel path: the bits do not depend on the path.
     */
    static void forwardChannels(ConvKernel kern, ConvShape s, Plan plan, float[] x, int xOff, float[] w, int wOff,
                                float[] bias, int bOff, float[] y, int yOff, ConvEpilogue epilogue) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup(), k = plan.k;
        int pixels = s.outH() * s.outW();
        // Tap-major weights: tapMajor[g][t][o] = w[g·og + o][t].
        float[] tapMajor = new float[groups * k * og];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < og; o++) {
                int src = wOff + (g * og + o) * k, dst = g * k * og + o;
                for (int t = 0; t < k; t++) {
                    tapMajor[dst + t * og] = w[src + t];
                }
            }
        }
        ChannelRun run = new ChannelRun(plan, og, s.outH(), s.outW(), kern.lanes());
        int inPlane = s.inH() * s.inW();
        Parallel.forChunks(s.batch(), n -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(plan.bufLen);
            float[] out = sc.out(run.outLen());
            for (int g = 0; g < groups; g++) {
                plan.fill(x, xOff + (n * s.inChannels() + g * cg) * inPlane, buf, sc.adopt(plan));
                run.run(kern, tapMajor, g * k * og, buf, out);
                int yb = yOff + (n * s.outChannels() + g * og) * pixels;
                kern.transpose(out, 0, pixels, og, y, yb, pixels);
                for (int o = 0; o < og; o++) {
                    int oc = g * og + o, plane = yb + o * pixels;
                    if (bias != null) {
                        float b = bias[bOff + oc];
                        for (int p = 0; p < pixels; p++) {
                            y[plane + p] += b;
                        }
                    }
                    if (epilogue != null) {
                        epilogue.applyPlane(y, plane, yOff, oc, pixels);
                    }
                }
            }
        });
    }

    /**
     * The channel-vectorized sums of one source buffer: out[p·rows + r] = Σ_t tapMajor[t·rows + r] ·
     * src[offs[t] + pixel p's flat index], for the rows × (outH·outW) valid pixels only, in tiles of
     * {@link ConvKernel#forwardTile}, tap range by tap range so each range's weights stay in L1.
     */
    static final class ChannelRun {
        private final Plan plan;
        private final int rows, pixels, lanes, tapsPerRange;
        /** Source offset of each pixel; those past the last repeat it (their sums are dropped). */
        private final int[] pix;

        ChannelRun(Plan plan, int rows, int outH, int outW, int lanes) {
            this.plan = plan;
            this.rows = rows;
            this.pixels = outH * outW;
            this.lanes = lanes;
            this.tapsPerRange = Math.max(1, CHANNEL_FORWARD_WEIGHT_BYTES / (Float.BYTES * rows));
            pix = new int[pixels + ConvKernel.MAX_TILE_PIXELS];
            for (int p = 0; p < pix.length; p++) {
                int q = Math.min(p, pixels - 1);
                pix[p] = q / outW * plan.ws + q % outW;
            }
        }

        /** Floats of the pixel-major output, with room for the last tile's overrun. */
        int outLen() {
            return pix.length * rows;
        }

        void run(ConvKernel kern, float[] tapMajor, int wOff, float[] buf, float[] out) {
            int k = plan.k, vectors = rows / lanes;
            for (int t0 = 0; t0 < k; t0 += tapsPerRange) {
                int taps = Math.min(tapsPerRange, k - t0);
                for (int v = 0; v < vectors; v += ConvKernel.MAX_CHANNEL_VECTORS) {
                    int nv = Math.min(ConvKernel.MAX_CHANNEL_VECTORS, vectors - v);
                    int tile = tileFor(nv, pixels);
                    for (int p = 0; p < pixels; p += tile) {
                        kern.forwardTile(nv, tile, taps, tapMajor, wOff + t0 * rows + v * lanes, rows, plan.offs, t0,
                                buf, 0, pix, p, out, p * rows + v * lanes, rows, t0 > 0);
                    }
                }
            }
        }
    }

    static void backwardInput(ConvKernel kern, ConvShape s, float[] dy, int dyOff, float[] w, int wOff,
                              float[] dx, int dxOff) {
        int cg = s.inPerGroup(), ih = s.inH(), iw = s.inW();
        Plan plan = backwardInputPlan(s, kern.lanes());
        if (channelVectorized(cg, ih * iw, plan, kern.lanes())) {
            backwardInputChannels(kern, s, plan, dy, dyOff, w, wOff, dx, dxOff);
        } else {
            backwardInputPixels(kern, s, plan, dy, dyOff, w, wOff, dx, dxOff);
        }
    }

    /**
     * The source-buffer layout of the input gradient: dx is the stride-1 correlation of dy,
     * upsampled by the stride (zeros between its pixels) and padded by (k-1)*dil - pad, with w
     * flipped in space and transposed in channels.
     */
    static Plan backwardInputPlan(ConvShape s, int lanes) {
        int kh = s.kh(), kw = s.kw();
        return new Plan(s.outPerGroup(), s.outH(), s.outW(), (kh - 1) * s.dilH() - s.padH(), (kw - 1) * s.dilW() - s.padW(),
                kh, kw, 1, 1, s.dilH(), s.dilW(), s.inH(), s.inW(), lanes, 1, s.strideH(), s.strideW());
    }

    /** The input gradient with vectors over pixels: {@link Plan#run}, then added into dx's rows. */
    static void backwardInputPixels(ConvKernel kern, ConvShape s, Plan plan, float[] dy, int dyOff, float[] w, int wOff,
                                    float[] dx, int dxOff) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup();
        int khw = s.kh() * s.kw();
        int oh = s.outH(), ow = s.outW(), ih = s.inH(), iw = s.inW();
        int blocks = (cg + MR - 1) / MR;
        float[] packed = new float[groups * blocks * plan.k * MR];
        for (int g = 0; g < groups; g++) {
            for (int c = 0; c < cg; c++) {
                int dst = (g * blocks + c / MR) * plan.k * MR + c % MR;
                for (int o = 0; o < og; o++) {
                    int src = wOff + ((g * og + o) * cg + c) * khw;
                    for (int t = 0; t < khw; t++) {
                        packed[dst + (o * khw + t) * MR] = w[src + khw - 1 - t];
                    }
                }
            }
        }
        int inPlane = ih * iw, outPlane = oh * ow;
        Parallel.forChunks(s.batch(), n -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(plan.bufLen);
            float[] out = sc.out(blocks * MR * plan.qRound);
            for (int g = 0; g < groups; g++) {
                plan.fill(dy, dyOff + (n * s.outChannels() + g * og) * outPlane, buf, sc.adopt(plan));
                plan.run(kern, packed, g * blocks * plan.k * MR, cg, buf, out);
                for (int c = 0; c < cg; c++) {
                    int xb = dxOff + (n * s.inChannels() + g * cg + c) * inPlane;
                    kern.addRows(out, c * plan.qRound, plan.ws, dx, xb, iw, ih, iw);
                }
            }
        });
    }

    /**
     * The input gradient with vectors over input channels ({@link #channelVectorized}, as the
     * forward's channel path): pixel-major sums of the upsampled, padded output gradient against the
     * flipped, transposed weights, transposed and added into dx. Same bits as the pixel path.
     */
    static void backwardInputChannels(ConvKernel kern, ConvShape s, Plan plan, float[] dy, int dyOff, float[] w, int wOff,
                                      float[] dx, int dxOff) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup(), khw = s.kh() * s.kw(), k = plan.k;
        int ih = s.inH(), iw = s.inW(), inPlane = ih * iw, outPlane = s.outH() * s.outW();
        // tapMajor[g][o·khw + t][c] = w[g·og + o][c][khw-1-t]: flipped in space, transposed in channels.
        float[] tapMajor = new float[groups * k * cg];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < og; o++) {
                for (int c = 0; c < cg; c++) {
                    int src = wOff + ((g * og + o) * cg + c) * khw, dst = g * k * cg + o * khw * cg + c;
                    for (int t = 0; t < khw; t++) {
                        tapMajor[dst + t * cg] = w[src + khw - 1 - t];
                    }
                }
            }
        }
        ChannelRun run = new ChannelRun(plan, cg, ih, iw, kern.lanes());
        Parallel.forChunks(s.batch(), n -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(plan.bufLen);
            float[] out = sc.out(run.outLen());
            float[] planes = sc.acc(cg * inPlane);
            for (int g = 0; g < groups; g++) {
                plan.fill(dy, dyOff + (n * s.outChannels() + g * og) * outPlane, buf, sc.adopt(plan));
                run.run(kern, tapMajor, g * k * cg, buf, out);
                kern.transpose(out, 0, inPlane, cg, planes, 0, inPlane);
                kern.addRows(planes, 0, inPlane, dx, dxOff + (n * s.inChannels() + g * cg) * inPlane, inPlane, cg, inPlane);
            }
        });
    }

    static void backwardWeight(ConvKernel kern, ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                               float[] dw, int dwOff) {
        int groups = s.groups(), cg = s.inPerGroup(), og = s.outPerGroup();
        int oh = s.outH(), ow = s.outW();
        int lanes = kern.lanes();
        int chunks = weightChunks(s.batch());
        int maxChunk = (s.batch() + chunks - 1) / chunks;
        long imageBytes = 4L * cg * (s.inH() + 2L * s.padH()) * (s.inW() + 2L * s.padW());
        int stack = (int) Math.max(1, Math.min(Math.min(STACK, maxChunk), STACK_BYTES / imageBytes));
        // plans[p] stacks p images; a chunk runs stacks of `stack` images and one shorter remainder.
        Plan[] plans = new Plan[stack + 1];
        for (int p = 1; p < plans.length; p++) {
            plans[p] = new Plan(cg, s.inH(), s.inW(), s.padH(), s.padW(), s.kh(), s.kw(),
                    s.strideH(), s.strideW(), s.dilH(), s.dilW(), oh, ow, lanes, p, 1, 1);
        }
        Plan big = plans[plans.length - 1];
        int k = big.k, oBlocks = (og + MR - 1) / MR, kBlocks = big.kRound / NR;
        int blockSize = MR * NR * lanes;
        int accLen = groups * oBlocks * kBlocks * blockSize;
        float[][] partial = new float[chunks][s.outChannels() * k];
        int inPlane = s.inH() * s.inW(), outPlane = oh * ow;
        int imageIn = s.inChannels() * inPlane, imageOut = s.outChannels() * outPlane;
        Parallel.forChunks(chunks, chunk -> {
            Scratch sc = Scratch.get();
            float[] buf = sc.src(big.bufLen);
            float[] dyq = sc.out(oBlocks * MR * big.qRound);
            float[] acc = sc.acc(accLen);
            Arrays.fill(acc, 0, accLen, 0f);
            int n0 = Parallel.chunkStart(s.batch(), chunks, chunk), n1 = Parallel.chunkStart(s.batch(), chunks, chunk + 1);
            for (int n = n0; n < n1; n += stack) {
                Plan plan = plans[Math.min(stack, n1 - n)];
                int qr = plan.qRound;
                for (int g = 0; g < groups; g++) {
                    plan.fill(x, xOff + n * imageIn + g * cg * inPlane, imageIn, buf, sc.adopt(plan));
                    // dY in the flat layout of the stacked output, zero in the discarded positions.
                    Arrays.fill(dyq, 0, oBlocks * MR * qr, 0f);
                    for (int p = 0; p < plan.images; p++) {
                        for (int o = 0; o < og; o++) {
                            int src = dyOff + (n + p) * imageOut + (g * og + o) * outPlane;
                            int dst = o * qr + p * plan.hsImage * plan.ws;
                            kern.copyRows(dy, src, ow, dyq, dst, plan.ws, oh, ow);
                        }
                    }
                    // Groups of output blocks share each tap block's source windows while they are in L1.
                    for (int ob0 = 0; ob0 < oBlocks; ob0 += OUT_BLOCK_GROUP) {
                        int ob1 = Math.min(oBlocks, ob0 + OUT_BLOCK_GROUP);
                        for (int kb = 0; kb < kBlocks; kb++) {
                            for (int ob = ob0; ob < ob1; ob++) {
                                int accOff = ((g * oBlocks + ob) * kBlocks + kb) * blockSize;
                                int rowsHere = Math.min(MR, og - ob * MR);
                                if (rowsHere == MR) {
                                    kern.weightBlock(plan.qData, dyq, ob * MR * qr, qr, buf, 0, plan.offs, kb * NR,
                                            acc, accOff);
                                    continue;
                                }
                                // The last 1-3 rows one at a time; the block's other rows would be all padding.
                                for (int r = 0; r < rowsHere; r++) {
                                    kern.weightRow(plan.qData, dyq, (ob * MR + r) * qr, buf, 0, plan.offs, kb * NR,
                                            acc, accOff + r * NR * lanes);
                                }
                            }
                        }
                    }
                }
            }
            float[] part = partial[chunk];
            for (int g = 0; g < groups; g++) {
                for (int o = 0; o < og; o++) {
                    for (int t = 0; t < k; t++) {
                        int a = ((g * oBlocks + o / MR) * kBlocks + t / NR) * blockSize
                                + ((o % MR) * NR + t % NR) * lanes;
                        part[(g * og + o) * k + t] = sumLanes(acc, a, lanes);
                    }
                }
            }
        });
        addPartials(partial, dw, dwOff);
    }

    /** Sum of a[off .. off+n) in a fixed order, with four independent chains (n is 16 or 8 in practice). */
    static float sumLanes(float[] a, int off, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int l = 0;
        for (; l + 4 <= n; l += 4) {
            s0 += a[off + l];
            s1 += a[off + l + 1];
            s2 += a[off + l + 2];
            s3 += a[off + l + 3];
        }
        for (; l < n; l++) {
            s0 += a[off + l];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** dst[off + i] += partial[0][i] + partial[1][i] + ..., summed in chunk order (partial[0] is overwritten). */
    static void addPartials(float[][] partial, float[] dst, int off) {
        float[] total = sumPartials(partial);
        for (int i = 0; i < total.length; i++) {
            dst[off + i] += total[i];
        }
    }

    /**
     * partial[0][i] = partial[0][i] + partial[1][i] + ..., summed in chunk order over contiguous
     * ranges on the pool (the partials of a 64 → 64 3×3 conv are 2.4 MB: a serial, strided pass
     * over them took as long as the whole gradient).
     *
     * @return partial[0], now holding the sums
     */
    static float[] sumPartials(float[][] partial) {
        float[] total = partial[0];
        int len = total.length, ranges = (len + REDUCE_RANGE - 1) / REDUCE_RANGE;
        Parallel.forChunks(ranges, r -> {
            int from = r * REDUCE_RANGE, to = Math.min(len, from + REDUCE_RANGE);
            for (int c = 1; c < partial.length; c++) {
                float[] part = partial[c];
                for (int i = from; i < to; i++) {
                    total[i] += part[i];
                }
            }
        });
        return total;
    }

    /**
     * Number of image chunks of a weight gradient: depends on the batch only, never on the thread
     * count, so the summation order (and so the result) is the same at any thread count.
     */
    static int weightChunks(int batch) {
        return Math.max(1, Math.min(WEIGHT_CHUNKS, batch / IMAGES_PER_WEIGHT_CHUNK));
    }

    /**
     * The geometry of one shifted-window correlation: {@code channels} source planes of
     * srcH × srcW, placed at (padT, padL) in a zero canvas (negative: cropped), read with the given
     * kernel, stride and dilation into an outH × outW output.
     */
    static final class Plan {
        final int channels, srcH, srcW, padT, padL, sh, sw, images;
        /** Source upsampling: source pixel (r, t) sits at canvas (padT + r·upH, padL + t·upW), zeros between. */
        final int upH, upW;
        /** Padded canvas of one image; rows of one image in a phase plane; phase plane rows × cols. */
        final int hp, wp, hsImage, hs, ws, phasePlane, chanStride;
        /**
         * Flat output extent outH·ws; the vectors that cover it; the vectors computed by the forward
         * loop (possibly rounded up to whole register blocks) and their extent in floats.
         */
        final int q, qData, qVecs, qRound;
        /** Reduction length channels·kh·kw and its rounding up to a multiple of NR. */
        final int k, kRound;
        /** Source-buffer shift of each tap (c, u, v) at index (c·kh + u)·kw + v; padding entries are 0. */
        final int[] offs;
        final int bufLen;
        /** Everything that decides which buffer positions {@link #fill} writes pixels to. */
        final Layout layout;
        /**
         * Strided column reads (sw &gt; 1, no column upsampling), per phase a·sw + b: for every position of one
         * image's phase plane (hsImage × ws) the source pixel's offset in its channel plane (0 at
         * padding), and the padding positions. Null otherwise. Per strided row the copy is a few
         * floats long; one gather per plane replaces a loop per row.
         */
        final int[][] gatherIndex, gatherPadding;

        /** See {@link Plan#layout}. */
        record Layout(int channels, int srcH, int srcW, int padT, int padL, int sh, int sw, int upH, int upW,
                      int images, int hp, int wp, int hsImage, int ws, int bufLen) {
            /** Field by field: compared once per image, where the generated record equals showed in profiles. */
            boolean sameAs(Layout o) {
                return o != null && channels == o.channels && srcH == o.srcH && srcW == o.srcW && padT == o.padT
                        && padL == o.padL && sh == o.sh && sw == o.sw && upH == o.upH && upW == o.upW
                        && images == o.images && hp == o.hp && wp == o.wp && hsImage == o.hsImage && ws == o.ws
                        && bufLen == o.bufLen;
            }
        }

        Plan(int channels, int srcH, int srcW, int padT, int padL, int kh, int kw, int sh, int sw,
             int dh, int dw, int outH, int outW, int lanes) {
            this(channels, srcH, srcW, padT, padL, kh, kw, sh, sw, dh, dw, outH, outW, lanes, 1, 1, 1);
        }

        /**
         * With {@code images > 1} the images are stacked vertically in each phase plane, each
         * occupying hsImage rows, so one pass over q covers them all (the rows between two images
         * produce discarded outputs).
         */
        Plan(int channels, int srcH, int srcW, int padT, int padL, int kh, int kw, int sh, int sw,
             int dh, int dw, int outH, int outW, int lanes, int images, int upH, int upW) {
            this.images = images;
            this.upH = upH;
            this.upW = upW;
            this.channels = channels;
            this.srcH = srcH;
            this.srcW = srcW;
            this.padT = padT;
            this.padL = padL;
            this.sh = sh;
            this.sw = sw;
            hp = (outH - 1) * sh + (kh - 1) * dh + 1;
            wp = (outW - 1) * sw + (kw - 1) * dw + 1;
            hsImage = (hp + sh - 1) / sh;
            hs = images * hsImage;
            ws = (wp + sw - 1) / sw;
            phasePlane = hs * ws;
            chanStride = sh * sw * phasePlane;
            q = ((images - 1) * hsImage + outH) * ws;
            qData = (q + lanes - 1) / lanes;
            // A short last pixel block runs on a 4 × (1..5)-vector tail kernel, not padded to a whole block.
            qVecs = qData;
            qRound = qVecs * lanes;
            k = channels * kh * kw;
            kRound = (k + NR - 1) / NR * NR;
            offs = new int[kRound];
            int maxOff = 0;
            for (int c = 0; c < channels; c++) {
                for (int u = 0; u < kh; u++) {
                    for (int v = 0; v < kw; v++) {
                        int ru = u * dh, rv = v * dw;
                        int off = c * chanStride + ((ru % sh) * sw + rv % sw) * phasePlane + (ru / sh) * ws + rv / sw;
                        offs[(c * kh + u) * kw + v] = off;
                        maxOff = Math.max(maxOff, off);
                    }
                }
            }
            long len = Math.max((long) channels * chanStride, (long) maxOff + qRound);
            if (len > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("conv2d: one image of " + channels + " channels of "
                        + hp + "x" + wp + " (padded) is too large for a float[] buffer");
            }
            bufLen = (int) len;
            layout = new Layout(channels, srcH, srcW, padT, padL, sh, sw, upH, upW, images, hp, wp, hsImage, ws, bufLen);
            if (sw > 1 && upW == 1) {
                gatherIndex = new int[sh * sw][];
                gatherPadding = new int[sh * sw][];
                for (int a = 0; a < sh; a++) {
                    for (int b = 0; b < sw; b++) {
                        int[] index = new int[hsImage * ws], padding = new int[hsImage * ws];
                        int pads = 0;
                        for (int r = 0; r < hsImage; r++) {
                            int prow = r * sh + a, rel = prow - padT;
                            boolean rowInside = prow < hp && rel >= 0 && rel % upH == 0 && rel / upH < srcH;
                            for (int t = 0; t < ws; t++) {
                                int pcol = t * sw + b, cr = pcol - padL;
                                if (rowInside && pcol < wp && cr >= 0 && cr < srcW) {
                                    index[r * ws + t] = rel / upH * srcW + cr;
                                } else {
                                    padding[pads++] = r * ws + t;
                                }
                            }
                        }
                        gatherIndex[a * sw + b] = index;
                        gatherPadding[a * sw + b] = Arrays.copyOf(padding, pads);
                    }
                }
            } else {
                gatherIndex = null;
                gatherPadding = null;
            }
        }

        /** Stride 1, no upsampling, no column padding and rows exactly as wide as the source's. */
        private boolean unpaddedRows() {
            return sh == 1 && sw == 1 && upH == 1 && upW == 1 && padL == 0 && ws == srcW && padT >= 0;
        }

        /** buf[from..to) = 0; the padding runs are mostly a float or two, too short for Arrays.fill's setup. */
        private static void zero(float[] buf, int from, int to) {
            if (to - from > 32) {
                Arrays.fill(buf, from, to, 0f);
                return;
            }
            for (int i = from; i < to; i++) {
                buf[i] = 0f;
            }
        }

        /** Copies the planes starting at in[inOff] (channel-major, srcH × srcW each) into buf. */
        void fill(float[] in, int inOff, float[] buf, boolean padsClean) {
            fill(in, inOff, 0, buf, padsClean);
        }

        /**
         * Copies {@code images} images, the p-th starting at in[inOff + p·imageStride], into buf.
         * With {@code padsClean} the buffer's last fill had this {@link #layout}, so every position
         * outside the copied pixels is already zero and only the pixels are written: the padding
         * runs are a float or two per row, and zeroing them cost as much as copying the rows.
         */
        void fill(float[] in, int inOff, int imageStride, float[] buf, boolean padsClean) {
            for (int c = 0; c < channels; c++) {
                for (int a = 0; a < sh; a++) {
                    for (int b = 0; b < sw; b++) {
                        int phase = c * chanStride + (a * sw + b) * phasePlane;
                        for (int p = 0; p < images; p++) {
                            int plane = inOff + p * imageStride + c * srcH * srcW;
                            int base = phase + p * hsImage * ws;
                            if (unpaddedRows()) {
                                // Rows as wide as the source (a k×1 conv): the source plane is one block.
                                int top = Math.min(hsImage, padT), rows = Math.min(srcH, hsImage - top);
                                if (!padsClean) {
                                    zero(buf, base, base + top * ws);
                                }
                                System.arraycopy(in, plane, buf, base + top * ws, rows * ws);
                                if (!padsClean) {
                                    zero(buf, base + (top + rows) * ws, base + hsImage * ws);
                                }
                                continue;
                            }
                            if (sh == 1 && sw == 1 && upH == 1 && upW == 1) {
                                fillRowsStride1(in, plane, buf, base, padsClean);
                                continue;
                            }
                            if (gatherIndex != null) {
                                // The gather writes every position; the padding ones then get their zeros back.
                                int[] index = gatherIndex[a * sw + b];
                                KERNEL.gather(in, plane, index, 0, buf, base, index.length);
                                for (int z : gatherPadding[a * sw + b]) {
                                    buf[base + z] = 0f;
                                }
                                continue;
                            }
                            for (int r = 0; r < hsImage; r++) {
                                int prow = r * sh + a, rel = prow - padT, dst = base + r * ws;
                                boolean outside = upH == 1 ? rel < 0 || rel >= srcH   // no division on the common path
                                        : rel < 0 || rel % upH != 0 || rel / upH >= srcH;
                                if (prow >= hp || outside) {
                                    if (!padsClean) {
                                        zero(buf, dst, dst + ws);
                                    }
                                    continue;
                                }
                                int rowStart = plane + (upH == 1 ? rel : rel / upH) * srcW;
                                if (sw == 1 && upW == 1) {
                                    int lo = Math.min(ws, Math.max(0, padL));
                                    int hi = Math.max(lo, Math.min(ws, padL + srcW));
                                    if (!padsClean) {
                                        zero(buf, dst, dst + lo);
                                    }
                                    System.arraycopy(in, rowStart + lo - padL, buf, dst + lo, hi - lo);
                                    if (!padsClean) {
                                        zero(buf, dst + hi, dst + ws);
                                    }
                                } else {
                                    for (int t = 0; t < ws; t++) {
                                        int pcol = t * sw + b, cr = pcol - padL;
                                        buf[dst + t] = pcol < wp && cr >= 0 && cr % upW == 0 && cr / upW < srcW
                                                ? in[rowStart + cr / upW] : 0f;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Reads past the planes only feed discarded columns, but must not be stale NaNs.
            if (!padsClean) {
                Arrays.fill(buf, channels * chanStride, bufLen, 0f);
            }
        }

        /**
         * The stride-1 case of {@link #fill} for one plane: the general loop's divisions by the
         * upsampling factors cost more than the short row copies themselves.
         */
        private void fillRowsStride1(float[] in, int plane, float[] buf, int base, boolean padsClean) {
            int lo = Math.min(ws, Math.max(0, padL));
            int hi = Math.max(lo, Math.min(ws, padL + srcW));
            int srcCol = lo - padL, width = hi - lo;
            // Rows r0 until r1 hold pixels: one block copy; the rest is padding.
            int r0 = Math.min(hsImage, Math.max(0, padT)), r1 = Math.max(r0, Math.min(Math.min(hsImage, hp), padT + srcH));
            if (!padsClean) {
                zero(buf, base, base + r0 * ws);
                for (int r = r0; r < r1; r++) {
                    int dst = base + r * ws;
                    zero(buf, dst, dst + lo);
                    zero(buf, dst + hi, dst + ws);
                }
                zero(buf, base + r1 * ws, base + hsImage * ws);
            }
            KERNEL.copyRows(in, plane + (r0 - padT) * srcW + srcCol, srcW, buf, base + r0 * ws + lo, ws, r1 - r0, width);
        }

        /**
         * out[r·qRound + q] for r &lt; rows = packed weights (⌈rows/MR⌉ blocks × k × MR at wOff) applied
         * to the source buffer; pixel blocks outermost so a block's source window stays in L1. Rows
         * past the last whole block run one at a time ({@link ConvKernel#forwardRow}); out's rows
         * from {@code rows} to the next multiple of MR are left as they were.
         */
        void run(ConvKernel kern, float[] packed, int wOff, int rows, float[] buf, float[] out) {
            int lanes = kern.lanes();
            int fullBlocks = rows / MR, rest = rows % MR;
            for (int qb = 0; qb < qVecs; qb += NR) {
                int nvec = Math.min(NR, qVecs - qb);
                for (int b = 0; b < fullBlocks; b++) {
                    kern.forwardBlock(k, packed, wOff + b * k * MR, offs, buf, qb * lanes,
                            out, b * MR * qRound + qb * lanes, qRound, nvec);
                }
                // The last rows one at a time: a 4-row block for 1-3 rows is mostly multiplications by padding.
                for (int r = 0; r < rest; r++) {
                    kern.forwardRow(k, packed, wOff + fullBlocks * k * MR + r, offs, buf, qb * lanes,
                            out, (fullBlocks * MR + r) * qRound + qb * lanes, nvec);
                }
            }
        }
    }

    /** Per-thread scratch buffers, grown on demand and reused across calls. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        private float[] src = new float[0], out = new float[0], acc = new float[0];
        /** The layout of the last fill of {@link #src}; null when its padding is not known to be zero. */
        private Plan.Layout srcLayout;

        static Scratch get() {
            return LOCAL.get();
        }

        float[] src(int n) {
            if (src.length < n) {
                src = new float[n];
                srcLayout = null;
            }
            return src;
        }

        /** The source buffer for a use other than {@link Plan#fill} (im2col columns): its padding is then unknown. */
        float[] columns(int n) {
            float[] a = src(n);
            srcLayout = null;
            return a;
        }

        /**
         * Records that the source buffer is about to be filled with {@code plan}'s layout.
         * @return true when the previous fill had the same layout, so its padding is still zero
         */
        boolean adopt(Plan plan) {
            boolean same = plan.layout == srcLayout || plan.layout.sameAs(srcLayout);
            srcLayout = plan.layout;
            return same;
        }

        float[] out(int n) {
            if (out.length < n) {
                out = new float[n];
            }
            return out;
        }

        float[] acc(int n) {
            if (acc.length < n) {
                acc = new float[n];
            }
            return acc;
        }
    }
}
