package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The build runs the suite three times: with the Vector API module (SIMD must be active), without
 * it, and with the kill switch; each run says what it expects with -Dfnl4j.expectSimd, so a silent
 * fallback to scalar code fails the build.
 */
class KernelSelectionTest {
    @Test
    void simdSelectionMatchesWhatThisRunExpects() {
        String expected = System.getProperty("fnl4j.expectSimd");
        if (expected == null) {
            // Run from an IDE without the build's flags: only check consistency.
            assertEquals(Kernels.implementation().startsWith("simd"), Kernels.simdActive());
            return;
        }
        assertEquals(Boolean.parseBoolean(expected), Kernels.simdActive(),
                "kernel implementation: " + Kernels.implementation());
    }

    @Test
    void implementationExplainsTheChoice() {
        String impl = Kernels.implementation();
        assertTrue(impl.startsWith("simd (") || impl.startsWith("scalar ("), impl);
    }
}
