package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fnl4j.data.Batch;
import org.fnl4j.nn.BatchNorm2d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Sequential;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BatchNormStatsTest {
    /** Three fixed batches of (4, 2, 3, 3) images with different means and scales per batch. */
    private static final BatchSource BATCHES = new BatchSource() {
        @Override
        public int batchesPerEpoch() {
            return 3;
        }

        @Override
        public Batch batch(int epoch, int index) {
            Tensor x = Tensor.randn(new Rng(100 + index), 1f + index, 4, 2, 3, 3);
            float[] d = x.data();
            for (int i = 0; i < x.size(); i++) d[x.offset() + i] += index - 1.5f;
            return Batch.labelled(x, new int[4]);
        }

        @Override
        public int size() {
            return 12;
        }
    };

    /** The running statistics become the plain average of the batch statistics (unbiased variance). */
    @Test
    void runningStatisticsBecomeTheAverageOfTheBatchStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Sequential model = new Sequential(bn);
        model.train(false);
        assertEquals(1, BatchNormStats.recompute(model, BATCHES, 3), "one BatchNorm layer");
        for (int c = 0; c < 2; c++) {
            double meanSum = 0, varSum = 0;
            for (int b = 0; b < 3; b++) {
                Tensor x = BATCHES.batch(0, b).inputs();
                double s = 0, ss = 0;
                int n = 0;
                for (int i = 0; i < 4; i++)
                    for (int p = 0; p < 9; p++) {
                        double v = x.data()[x.offset() + (i * 2 + c) * 9 + p];
                        s += v;
                        ss += v * v;
                        n++;
                    }
                double mean = s / n;
                meanSum += mean;
                varSum += (ss - n * mean * mean) / (n - 1);
            }
            assertEquals(meanSum / 3, bn.runningMean().data()[bn.runningMean().offset() + c], 1e-5);
            assertEquals(varSum / 3, bn.runningVar().data()[bn.runningVar().offset() + c], 1e-4);
        }
        assertFalse(model.isTraining(), "mode restored");
        assertEquals(0.1f, bn.momentum(), "momentum restored");
    }

    /** Five batches from a source of three continue into epoch 1; a model without BatchNorm is left alone. */
    @Test
    void moreBatchesThanAnEpochAndModelsWithoutBatchNorm() {
        BatchNorm2d bn = new BatchNorm2d(2);
        assertEquals(1, BatchNormStats.recompute(bn, BATCHES, 5));
        Linear l = new Linear(3, 2, new Rng(0));
        assertEquals(0, BatchNormStats.recompute(l, BATCHES, 2));
        assertThrows(IllegalArgumentException.class, () -> BatchNormStats.recompute(bn, BATCHES, 0));
    }
}
