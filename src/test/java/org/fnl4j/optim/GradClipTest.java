package org.fnl4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static Parameter withGrad(float... g) {
        Parameter p = new Parameter(Tensor.zeros(g.length), Parameter.Kind.WEIGHT);
        System.arraycopy(g, 0, TapeAccess.gradBuffer(p.value()), 0, g.length);
        return p;
    }

    @Test
    void scalesEveryGradientByMaxOverTheGlobalNorm() {
        Parameter a = withGrad(3f, 0f), b = withGrad(0f, 4f, 12f); // global norm 13
        Parameter none = new Parameter(Tensor.zeros(2), Parameter.Kind.BIAS); // no gradient: skipped
        double norm = GradClip.clipGlobalNorm(List.of(a, none, b), 0.5);
        assertEquals(13.0, norm, 1e-12);
        float s = (float) (0.5 / 13.0);
        assertArrayEquals(new float[] {3f * s, 0f}, a.value().grad());
        assertArrayEquals(new float[] {0f, 4f * s, 12f * s}, b.value().grad());
        double after = Math.sqrt(Math.pow(a.value().grad()[0], 2) + Math.pow(b.value().grad()[1], 2)
                + Math.pow(b.value().grad()[2], 2));
        assertEquals(0.5, after, 1e-6);
    }

    @Test
    void leavesGradientsWithinTheNormAlone() {
        Parameter a = withGrad(0.3f, -0.4f);
        assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 0.5), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.value().grad());
        assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.value().grad());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(a), 0));
    }
}
