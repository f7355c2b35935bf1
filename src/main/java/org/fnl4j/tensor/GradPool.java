package org.fnl4j.tensor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.fnl4j.kernel.Parallel;

/**
 * Recycles the gradient arrays of intermediate tensors from one backward pass to the next. A
 * training step frees the same sizes of gradient it allocates in the next step; handing the freed
 * arrays back (zeroed) instead of allocating new ones keeps small ones warm in the cache and spares
 * the collector. Only arrays the tape owns come here (see {@link TapeAccess#recycleGrad}); the pool
 * holds at most {@link #MAX_FLOATS} floats in all, beyond which freed arrays are left to the GC.
 * Thread-safe.
 */
final class GradPool {
    /** 64 Mi floats (256 MB): a ResNet-20 step at batch 128 frees a few hundred MB of activation gradients. */
    static final long MAX_FLOATS = 1L << 26;
    /** Arrays smaller than this are cheaper to allocate than to look up. */
    static final int MIN_SIZE = 1024;

    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long pooled;

    private GradPool() {}

    /** @return a zeroed array of length {@code size}, recycled when one is free. */
    static float[] take(int size) {
        float[] a = null;
        if (size >= MIN_SIZE) {
            synchronized (FREE) {
                ArrayDeque<float[]> q = FREE.get(size);
                if (q != null) {
                    a = q.pollLast();
                    if (a != null) {
                        pooled -= size;
                    }
                }
            }
        }
        if (a == null) {
            return new float[size];
        }
        zero(a);
        return a;
    }

    /** Elements per chunk when a large array is zeroed on several threads. */
    private static final int ZERO_CHUNK = 1 << 14;

    /** Zeroes {@code a}; arrays of several chunks on the thread pool (a step zeroes hundreds of MB). */
    private static void zero(float[] a) {
        if (a.length < 2 * ZERO_CHUNK) {
            Arrays.fill(a, 0f);
            return;
        }
        Parallel.forChunks((a.length + ZERO_CHUNK - 1) / ZERO_CHUNK,
                c -> Arrays.fill(a, c * ZERO_CHUNK, Math.min(a.length, (c + 1) * ZERO_CHUNK), 0f));
    }

    /** Returns {@code a} to the pool; the caller must hold no other reference to it. */
    static void give(float[] a) {
        if (a.length < MIN_SIZE) {
            return;
        }
        synchronized (FREE) {
            if (pooled + a.length > MAX_FLOATS) {
                return;
            }
            FREE.computeIfAbsent(a.length, s -> new ArrayDeque<>()).addLast(a);
            pooled += a.length;
        }
    }
}
