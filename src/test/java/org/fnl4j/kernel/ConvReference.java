package org.fnl4j.kernel;

/** Direct-loop convolution: the oracle the fast paths are tested against. Same contract as {@link Conv}. */
public final class ConvReference {
    private ConvReference() {}

    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        int oh = s.outH(), ow = s.outW(), cg = s.inPerGroup(), og = s.outPerGroup();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float sum = bias == null ? 0f : bias[bOff + o];
                        for (int c = 0; c < cg; c++) {
                            int ci = g * cg + c;
                            for (int u = 0; u < s.kh(); u++) {
                                int hi = i * s.strideH() - s.padH() + u * s.dilH();
                                if (hi < 0 || hi >= s.inH()) continue;
                                for (int v = 0; v < s.kw(); v++) {
                                    int wi = j * s.strideW() - s.padW() + v * s.dilW();
                                    if (wi < 0 || wi >= s.inW()) continue;
                                    sum += x[xOff + ((n * s.inChannels() + ci) * s.inH() + hi) * s.inW() + wi]
                                            * w[wOff + ((o * cg + c) * s.kh() + u) * s.kw() + v];
                                }
                            }
                        }
                        y[yOff + ((n * s.outChannels() + o) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
    }

    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int oh = s.outH(), ow = s.outW(), cg = s.inPerGroup(), og = s.outPerGroup();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = dy[dyOff + ((n * s.outChannels() + o) * oh + i) * ow + j];
                        for (int c = 0; c < cg; c++) {
                            int ci = g * cg + c;
                            for (int u = 0; u < s.kh(); u++) {
                                int hi = i * s.strideH() - s.padH() + u * s.dilH();
                                if (hi < 0 || hi >= s.inH()) continue;
                                for (int v = 0; v < s.kw(); v++) {
                                    int wi = j * s.strideW() - s.padW() + v * s.dilW();
                                    if (wi < 0 || wi >= s.inW()) continue;
                                    dx[dxOff + ((n * s.inChannels() + ci) * s.inH() + hi) * s.inW() + wi]
                                            += d * w[wOff + ((o * cg + c) * s.kh() + u) * s.kw() + v];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        int oh = s.outH(), ow = s.outW(), cg = s.inPerGroup(), og = s.outPerGroup();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = dy[dyOff + ((n * s.outChannels() + o) * oh + i) * ow + j];
                        for (int c = 0; c < cg; c++) {
                            int ci = g * cg + c;
                            for (int u = 0; u < s.kh(); u++) {
                                int hi = i * s.strideH() - s.padH() + u * s.dilH();
                                if (hi < 0 || hi >= s.inH()) continue;
                                for (int v = 0; v < s.kw(); v++) {
                                    int wi = j * s.strideW() - s.padW() + v * s.dilW();
                                    if (wi < 0 || wi >= s.inW()) continue;
                                    dw[dwOff + ((o * cg + c) * s.kh() + u) * s.kw() + v]
                                            += d * x[xOff + ((n * s.inChannels() + ci) * s.inH() + hi) * s.inW() + wi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
