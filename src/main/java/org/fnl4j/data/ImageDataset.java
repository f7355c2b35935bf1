package org.fnl4j.data;

/**
 * An in-memory dataset of 8-bit images, stored as bytes (a quarter of the memory of floats) and
 * converted to floats in [0, 1] (value / 255, rounded as PyTorch's {@code ToTensor}) when copied.
 * Pixels of example i are {@code pixels[i·E .. (i+1)·E)}, E = product of the example shape
 * (C, H, W), row-major.
 */
public final class ImageDataset extends InMemoryDataset {
    private final byte[] pixels;

    /**
     * @param pixels     N·C·H·W unsigned bytes (not copied)
     * @param labels     N labels in [0, numClasses) (not copied)
     * @param shape      the example shape, e.g. {1, 28, 28}
     * @throws IllegalArgumentException when the lengths disagree or a label is out of range
     */
    public ImageDataset(String name, byte[] pixels, int[] labels, int[] shape, int numClasses) {
        super(name, pixels.length, labels, shape, numClasses);
        this.pixels = pixels;
    }

    @Override
    public void copyExample(int i, float[] dst, int offset) {
        int src = i * exampleSize;
        for (int k = 0; k < exampleSize; k++) {
            dst[offset + k] = (pixels[src + k] & 0xFF) / 255f;
        }
    }

    /** @return the raw byte of pixel {@code k} of example {@code i} (0..255). */
    public int pixel(int i, int k) {
        return pixels[i * exampleSize + k] & 0xFF;
    }
}
