package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Norm#batchNormTrainForward} gives bit for bit {@link Norm#batchStats}, invStd =
 * 1/√(var + eps) and {@link Norm#batchNormForward} called one after the other, with and without
 * gamma, beta, residual and ReLU, at odd sizes.
 */
class BatchNormTrainForwardTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 1021})
    void oneSweepEqualsStatisticsThenNormalization(int size) {
        int[][] shapes = {{2, 1, size}, {3, size, 7}, {size == 1021 ? 2 : 5, 7, size}};
        for (int[] shape : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                check(shape[0], shape[1], shape[2], (variant & 1) != 0, (variant & 2) != 0, size * 31L + variant);
            }
        }
    }

    private static void check(int n, int c, int s, boolean affineAndResidual, boolean relu, long seed) {
        Rng rng = new Rng(seed);
        float eps = 1e-5f;
        int len = n * c * s;
        float[] x = ConvTest.random(len + 3, rng);
        for (int i = 0; i < x.length; i++) {
            x[i] = 3f * x[i] + 0.7f;   // a mean and spread away from 0 and 1, so the statistics matter
        }
        float[] gamma = affineAndResidual ? ConvTest.random(c + 1, rng) : null;
        float[] beta = affineAndResidual ? ConvTest.random(c + 2, rng) : null;
        float[] residual = affineAndResidual ? ConvTest.random(len + 4, rng) : null;

        float[] mean = new float[c], var = new float[c], invStd = new float[c];
        Norm.batchStats(x, 3, n, c, s, mean, var);
        for (int ch = 0; ch < c; ch++) {
            invStd[ch] = (float) (1.0 / Math.sqrt(var[ch] + (double) eps));
        }
        float[] want = new float[len + 1];
        Norm.batchNormForward(x, 3, n, c, s, mean, invStd, gamma, 1, beta, 2, residual, 4, relu, want, 1);

        float[] gotMean = new float[c], gotVar = new float[c], gotInvStd = new float[c], got = new float[len + 1];
        Norm.batchNormTrainForward(x, 3, n, c, s, eps, gamma, 1, beta, 2, residual, 4, relu, got, 1,
                gotMean, gotVar, gotInvStd);
        String what = "n=" + n + " c=" + c + " s=" + s + (affineAndResidual ? " gamma/beta/residual" : "") + (relu ? " relu" : "");
        assertArrayEquals(mean, gotMean, 0f, what + ": mean");
        assertArrayEquals(var, gotVar, 0f, what + ": var");
        assertArrayEquals(invStd, gotInvStd, 0f, what + ": invStd");
        assertArrayEquals(want, got, 0f, what + ": output");
    }
}
