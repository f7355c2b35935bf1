package org.fnl4j.kernel;

import java.util.logging.Logger;

/**
 * Chooses, once per JVM, whether the kernels run on the Vector API ({@code org.fnl4j.kernel.simd})
 * or on their scalar twins, and loads the SIMD classes reflectively so that an application that
 * does not pass {@code --add-modules jdk.incubator.vector} still runs (on the scalar twins).
 *
 * <p>The SIMD path is chosen when all of these hold: the system property {@code fnl4j.simd} is not
 * {@code false} (the kill switch), the module {@code jdk.incubator.vector} is in the boot layer,
 * the JIT is C2 (the Vector API is slower than scalar code when it is interpreted or compiled by C1
 * only), and the preferred float vector is at least 256 bits wide. The choice is logged once at
 * level INFO and exposed by {@link #implementation()}.
 */
public final class Kernels {
    private static final Logger LOG = Logger.getLogger("org.fnl4j.kernel");

    /** Name of the system property that turns the SIMD kernels off when set to {@code false}. */
    public static final String SIMD_PROPERTY = "fnl4j.simd";

    private static final String REASON;
    private static final boolean SIMD;

    static {
        String reason;
        boolean simd = false;
        if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY, "true"))) {
            reason = "scalar (disabled by -D" + SIMD_PROPERTY + "=false)";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            reason = "scalar (module jdk.incubator.vector not present; pass --add-modules jdk.incubator.vector)";
        } else if (!c2Available()) {
            reason = "scalar (C2 JIT not active; the Vector API needs C2)";
        } else {
            int bits = probeVectorBits();
            if (bits < 256) {
                reason = "scalar (preferred vector width " + bits + " bits < 256)";
            } else {
                simd = true;
                reason = "simd (Vector API, " + bits + "-bit float vectors)";
            }
        }
        SIMD = simd;
        REASON = reason;
        LOG.info("fnl4j kernels: " + REASON);
    }

    private Kernels() {}

    /** @return true when the Vector API kernels are in use. */
    public static boolean simdActive() {
        return SIMD;
    }

    /** @return a one-line description of the kernel implementation in use and why it was chosen. */
    public static String implementation() {
        return REASON;
    }

    /**
     * @return the kernels of every family this JVM uses: all SIMD twins when {@link #simdActive()},
     *     else all scalar twins; loaded once, on first use
     */
    public static KernelSet active() {
        return Active.SET;
    }

    /** Holds the chosen set; a nested class so that it loads only when a kernel first runs. */
    private static final class Active {
        static final KernelSet SET = SIMD ? KernelSet.simd() : KernelSet.scalar();
    }

    /**
     * Loads the SIMD implementation regardless of the selection (for parity tests); fails if the
     * Vector API module is absent.
     */
    public static <T> T loadSimd(String className, Class<T> type) {
        try {
            Class<?> c = Class.forName(className, true, Kernels.class.getClassLoader());
            return type.cast(c.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load SIMD kernel " + className
                    + " (expected the module jdk.incubator.vector to be present): " + e, e);
        }
    }

    private static boolean c2Available() {
        String vmName = System.getProperty("java.vm.name", "");
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return false;
        }
        // -XX:TieredStopAtLevel=1 (C1 only) shows up in the input arguments.
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
                return false;
            }
            if (arg.equals("-Xint") || arg.equals("-XX:-UseCompiler")) {
                return false;
            }
        }
        return vmName.contains("Server") || vmName.contains("HotSpot") || vmName.contains("OpenJDK");
    }

    private static int probeVectorBits() {
        try {
            Class<?> c = Class.forName("org.fnl4j.kernel.simd.VectorWidth", true, Kernels.class.getClassLoader());
            return (Integer) c.getMethod("preferredBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }
}
