package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;

/** Reports the preferred float vector width; loaded reflectively by {@link org.fnl4j.kernel.Kernels}. */
public final class VectorWidth {
    private VectorWidth() {}

    /** @return bits in {@code FloatVector.SPECIES_PREFERRED} (512 on AVX-512 machines). */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
