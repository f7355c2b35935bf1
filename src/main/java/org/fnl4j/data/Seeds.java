package org.fnl4j.data;

/**
 * Derivation of independent seeds from (seed, epoch, index) tuples, so that per-epoch shuffles and
 * per-example augmentations are pure functions of their coordinates: reproducible, resumable from
 * any position, and the same whatever thread computes them or when.
 */
public final class Seeds {
    private Seeds() {}

    /** The SplitMix64 finalizer: a bijective 64-bit mix with full avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for stream {@code a}, sub-stream {@code b} of base seed {@code seed}. */
    public static long derive(long seed, long a, long b) {
        return mix(mix(mix(seed + 0x9E3779B97F4A7C15L) ^ (a * 0xD1B54A32D192ED03L)) ^ (b * 0xABC98388FB8FAC03L));
    }
}
