package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math built only from IEEE add/mul/fma, comparisons and bit operations, so that a result
 * has the same bits whether the code runs interpreted, in C1 or in C2. The Vector API's own
 * EXP/TANH (and reduceLanes(ADD), whose order "may vary over time") do not promise that: the
 * compiled intrinsic and the interpreted fallback round differently, which made a kernel's output
 * depend on when the JIT got to it.
 */
final class VMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this e^x is under the smallest normal float: flushed to 0. */
    private static final float EXP_LO = -86.0f;
    /** Above this e^x overflows float. */
    private static final float EXP_HI = 88.72283f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude < 2²² to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    private VMath() {}

    /**
     * e^x with a relative error of about 2 ulp (Cephes expf polynomial on x - n·ln 2,
     * |x - n·ln 2| ≤ ln2/2); results for x < -86 (below about 4.4e-38) flush to 0, above float range
     * give +∞, NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(bc(-LN2_HI), xc);
        r = n.fma(bc(-LN2_LO), r);
        FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
        p = p.fma(r, bc(8.3334519073E-3f));
        p = p.fma(r, bc(4.1665795894E-2f));
        p = p.fma(r, bc(1.6666665459E-1f));
        p = p.fma(r, bc(5.0000001201E-1f));
        p = p.fma(r.mul(r), r).add(1f);
        // 2^n built as 2^(n-1)·2 so that n = 128 (just below overflow) still has a valid exponent field.
        // t = ROUND + n exactly, so its low mantissa bits hold n: no float-to-int conversion, which
        // JDK 17 does not intrinsify for 512-bit vectors.
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUND_BITS - 126).lanewise(VectorOperators.LSHL, 23);
        FloatVector scaled = p.mul(bits.reinterpretAsFloats()).mul(2f);
        scaled = scaled.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
        return scaled.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
    }

    /**
     * tanh x: for |x| < 0.625 the Cephes tanhf odd polynomial (no cancellation near 0), otherwise
     * sign(x)·(1 - 2/(e^{2|x|} + 1)).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(ax.mul(2f)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(-5.70498872745E-3f, 2.06390887954E-2f);
        p = p.fma(z, bc(-5.37397155531E-2f));
        p = p.fma(z, bc(1.33314422036E-1f));
        p = p.fma(z, bc(-3.33332819422E-1f));
        FloatVector small = p.mul(z).fma(x, x);
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** Σ of the lanes in lane order (a fixed order, unlike reduceLanes(ADD)). */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
