package org.fnl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** n examples of shape (c, h, w); example i has value i·1000 + k at position k, label i mod 10. */
    private static ArrayDataset data(int n, int c, int h, int w) {
        int e = c * h * w;
        float[] x = new float[n * e];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
            for (int k = 0; k < e; k++) x[i * e + k] = i * 1000 + k;
        }
        return new ArrayDataset("synthetic", x, y, new int[] {c, h, w}, 10);
    }

    private static List<Batch> all(DataLoader.Epoch ep) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : ep) out.add(b);
        return out;
    }

    @Test
    void shuffleIsAReproduciblePermutationPerEpoch() {
        ArrayDataset ds = data(50, 1, 2, 2);
        DataLoader a = DataLoader.builder(ds).batchSize(8).shuffle(new Rng(42)).build();
        DataLoader b = DataLoader.builder(ds).batchSize(8).shuffle(new Rng(42)).build();
        DataLoader c = DataLoader.builder(ds).batchSize(8).shuffle(new Rng(43)).build();
        assertArrayEquals(a.order(3), b.order(3));
        assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs must differ");
        assertFalse(Arrays.equals(a.order(0), c.order(0)), "seeds must differ");
        int[] sorted = a.order(5).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        // Pinned: a change to the derivation would silently change every checkpointed run's data order.
        DataLoader pinned = DataLoader.builder(ds).batchSize(8).shuffle(7L).build();
        assertArrayEquals(pinned.order(0), DataLoader.builder(data(50, 1, 1, 1)).shuffle(7L).build().order(0));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Arrays.copyOf(DataLoader.builder(ds).build().order(9), 5));
    }

    @Test
    void batchesFollowTheOrderWithMatchingLabels() {
        ArrayDataset ds = data(20, 1, 1, 3);
        DataLoader dl = DataLoader.builder(ds).batchSize(6).shuffle(1L).build();
        int[] order = dl.order(2);
        List<Batch> bs = all(dl.epoch(2));
        assertEquals(4, bs.size());
        assertEquals(2, bs.get(3).items());
        assertArrayEquals(new int[] {6, 1, 1, 3}, bs.get(0).inputs().shape());
        int pos = 0;
        for (Batch b : bs) {
            for (int k = 0; k < b.items(); k++, pos++) {
                int i = order[pos];
                assertEquals(i % 10, b.targets()[k]);
                assertEquals(i * 1000 + 2, b.inputs().get(k, 0, 0, 2), 0f);
            }
        }
        assertEquals(20, pos);
    }

    @Test
    void dropLastDropsThePartialBatch() {
        DataLoader dl = DataLoader.builder(data(20, 1, 1, 1)).batchSize(6).dropLast(true).build();
        assertEquals(3, dl.batchesPerEpoch());
        assertEquals(18, dl.examplesPerEpoch());
        for (Batch b : all(dl.epoch(0))) assertEquals(6, b.items());
        assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(data(5, 1, 1, 1)).batchSize(6).dropLast(true).build());
    }

    @Test
    void prefetchProducesExactlyTheSameBatchesAsDirectAssembly() {
        ArrayDataset ds = data(101, 1, 6, 6);
        for (boolean pf : new boolean[] {true, false}) {
            DataLoader dl = DataLoader.builder(ds).batchSize(16).shuffle(9L).augment(Augmentation.cropFlip(2))
                    .normalize(new Normalization(new float[] {3f}, new float[] {2f})).prefetch(pf).build();
            for (int e = 0; e < 2; e++) {
                try (DataLoader.Epoch ep = dl.epoch(e)) {
                    int k = 0;
                    while (ep.hasNext()) {
                        assertEquals(k, ep.position());
                        Batch got = ep.next();
                        Batch want = dl.batch(e, k++);
                        assertArrayEquals(want.targets(), got.targets());
                        assertArrayEquals(want.inputs().data(), got.inputs().data(), "epoch " + e + " batch " + (k - 1));
                    }
                    assertEquals(7, k);
                }
            }
        }
    }

    @Test
    void resumingMidEpochContinuesTheSameSequence() {
        ArrayDataset ds = data(40, 1, 4, 4);
        DataLoader dl = DataLoader.builder(ds).batchSize(8).shuffle(new Rng(5)).augment(Augmentation.cropFlip(1)).build();
        List<Batch> full = all(dl.epoch(3));
        DataLoader again = DataLoader.builder(ds).batchSize(8).shuffle(dl.seed()).augment(Augmentation.cropFlip(1)).build();
        List<Batch> tail = all(again.epoch(3, 2));
        assertEquals(3, tail.size());
        for (int i = 0; i < 3; i++) assertArrayEquals(full.get(i + 2).inputs().data(), tail.get(i).inputs().data());
        // Closing early stops iteration and leaves the position where it was.
        DataLoader.Epoch ep = dl.epoch(0);
        ep.next();
        ep.close();
        assertFalse(ep.hasNext());
        assertEquals(1, ep.position());
    }

    @Test
    void augmentationIsPerExampleNotPerBatch() {
        ArrayDataset ds = data(30, 2, 5, 5);
        DataLoader small = DataLoader.builder(ds).batchSize(4).shuffle(11L).augment(Augmentation.cropFlip(2)).build();
        DataLoader big = DataLoader.builder(ds).batchSize(30).shuffle(11L).augment(Augmentation.cropFlip(2)).build();
        float[] whole = big.batch(1, 0).inputs().data();
        List<Batch> parts = all(small.epoch(1));
        float[] joined = new float[whole.length];
        int off = 0;
        for (Batch b : parts) {
            System.arraycopy(b.inputs().data(), 0, joined, off, b.inputs().size());
            off += b.inputs().size();
        }
        assertArrayEquals(whole, joined);
        // And it changes between epochs.
        assertFalse(Arrays.equals(big.batch(1, 0).inputs().data(), big.batch(2, 0).inputs().data()));
    }

    @Test
    void cropAndFlipMoveContentAndPadWithZeros() {
        int c = 2, h = 5, w = 6, n = c * h * w;
        float[] img = new float[n];
        for (int k = 0; k < n; k++) img[k] = 1 + k;
        float[] scratch = new float[n];
        // No crop, no flip: identity whatever the RNG says.
        float[] x = img.clone();
        new Augmentation(0, false).apply(x, 0, scratch, new int[] {c, h, w}, new Rng(1));
        assertArrayEquals(img, x);

        int flips = 0;
        int shifted = 0;
        for (long s = 0; s < 200; s++) {
            x = Arrays.copyOf(new float[3], 3 + n);
            System.arraycopy(img, 0, x, 3, n);
            Rng rng = new Rng(s);
            Rng probe = new Rng(s);
            int dy = probe.nextInt(5) - 2, dx = probe.nextInt(5) - 2;
            boolean mirror = probe.nextInt(2) == 1;
            Augmentation.cropFlip(2).apply(x, 3, scratch, new int[] {c, h, w}, rng);
            assertEquals(probe.state(), rng.state(), "consumes exactly three draws");
            flips += mirror ? 1 : 0;
            shifted += dy != 0 || dx != 0 ? 1 : 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int sy = y + dy, sx = (mirror ? w - 1 - xx : xx) + dx;
                        float want = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : img[ch * h * w + sy * w + sx];
                        assertEquals(want, x[3 + ch * h * w + y * w + xx], 0f);
                    }
                }
            }
            assertEquals(0f, x[0]);
        }
        assertTrue(flips > 70 && flips < 130, "flip rate " + flips + "/200");
        assertTrue(shifted > 150, "shifted " + shifted + "/200");
    }

    @Test
    void normalizationFitGivesZeroMeanUnitStd() {
        ArrayDataset ds = data(40, 3, 2, 2);
        Normalization norm = Normalization.fit(ds);
        DataLoader dl = DataLoader.builder(ds).batchSize(40).normalize(norm).build();
        float[] x = dl.batch(0, 0).inputs().data();
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, sq = 0;
            int cnt = 0;
            for (int i = 0; i < 40; i++) {
                for (int k = 0; k < 4; k++) {
                    double v = x[i * 12 + ch * 4 + k];
                    s += v;
                    sq += v * v;
                    cnt++;
                }
            }
            assertEquals(0, s / cnt, 1e-3);
            assertEquals(1, sq / cnt, 1e-3);
        }
        assertNotEquals(norm.mean()[0], norm.mean()[1]);
        assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(ds).normalize(Normalization.fashionMnist()).build());
    }

    @Test
    void prefetchFailuresSurfaceInTheCallersThread() {
        ArrayDataset base = data(10, 1, 1, 1);
        Dataset failing = new Dataset() {
            @Override public String name() { return "failing"; }
            @Override public int size() { return 10; }
            @Override public int[] exampleShape() { return base.exampleShape(); }
            @Override public int numClasses() { return 10; }
            @Override public int label(int i) { return base.label(i); }
            @Override public void copyExample(int i, float[] dst, int off) {
                if (i == 7) throw new IllegalStateException("example 7 is unreadable");
                base.copyExample(i, dst, off);
            }
        };
        DataLoader dl = DataLoader.builder(failing).batchSize(4).prefetch(true).build();
        try (DataLoader.Epoch ep = dl.epoch(0)) {
            ep.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, ep::next);
            assertEquals("example 7 is unreadable", e.getMessage());
        }
    }

    @Test
    void rejectsBadConfiguration() {
        ArrayDataset ds = data(10, 1, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).batchSize(0).build());
        DataLoader dl = DataLoader.builder(ds).batchSize(4).build();
        assertThrows(IllegalArgumentException.class, () -> dl.epoch(0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> dl.batch(0, 3));
        assertThrows(IllegalArgumentException.class, () -> ds.subset(5, 5));
        assertEquals(3, ds.subset(2, 5).size());
        assertEquals(4, ds.subset(2, 5).label(2));
        assertEquals(10, ds.limit(100).size());
    }
}
