package org.fnl4j.tensor;

/**
 * A small, seedable, splittable random generator (SplitMix64) whose whole state is one
 * {@code long}, so that checkpoints can save and restore it exactly. fnl4j has no global RNG:
 * every initializer, shuffler and dropout takes one of these, created from an explicit seed.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** @return the generator's state, for {@link #setState(long)} after a restore. */
    public long state() {
        return state;
    }

    /** Restores a state saved with {@link #state()}. */
    public void setState(long s) {
        this.state = s;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return a uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("Rng.nextInt: bound must be > 0, got " + bound);
        }
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** @return a uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** @return a uniform float in [0, 1). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * @return a standard normal sample (Marsaglia polar method). The second sample of each pair is
     *         dropped so that the generator's state is only {@link #state()}.
     */
    public double nextGaussian() {
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** @return an independent generator derived from this one's next output. */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** Fisher–Yates shuffle of {@code a} in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
