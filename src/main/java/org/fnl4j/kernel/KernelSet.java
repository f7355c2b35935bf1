package org.fnl4j.kernel;

/**
 * One implementation of every kernel family, chosen together once per JVM by {@link Kernels#active()}:
 * all Vector API twins ({@code org.fnl4j.kernel.simd}) or all scalar twins, so that one JVM never
 * mixes the two.
 *
 * @param gemm        the GEMM micro-kernel ({@link GemmDriver})
 * @param gemmDot     the dot-product GEMM kernel for A·Bᵀ with a small C
 * @param conv        the implicit-GEMM convolution loops ({@link ConvImplicit})
 * @param norm        the batch and layer normalization spans ({@link Norm})
 * @param elementwise the elementwise kernels ({@link Elementwise})
 * @param reduce      the reductions ({@link Reduce})
 * @param softmax     the row softmax kernels ({@link Softmax})
 * @param paramUpdate the optimizer updates ({@link ParamUpdate})
 */
public record KernelSet(GemmMicroKernel gemm, GemmDotKernel gemmDot, ConvKernel conv, NormKernel norm,
                        ElementwiseKernel elementwise, ReduceKernel reduce, SoftmaxKernel softmax,
                        ParamUpdateKernel paramUpdate) {

    /** The scalar twins: plain Java, used without the Vector API and as the parity reference. */
    public static KernelSet scalar() {
        return new KernelSet(new ScalarGemmKernel(), new ScalarGemmDotKernel(), new ScalarConvKernel(), new ScalarNorm(),
                new ScalarElementwise(), new ScalarReduce(), new ScalarSoftmax(), new ScalarParamUpdate());
    }

    /**
     * The Vector API twins, loaded reflectively (only {@code org.fnl4j.kernel.simd} imports the
     * Vector API). Fails, naming the class, when the module {@code jdk.incubator.vector} is absent.
     */
    public static KernelSet simd() {
        String p = "org.fnl4j.kernel.simd.";
        return new KernelSet(
                Kernels.loadSimd(p + "SimdGemmKernel", GemmMicroKernel.class),
                Kernels.loadSimd(p + "SimdGemmDotKernel", GemmDotKernel.class),
                Kernels.loadSimd(p + "SimdConvKernel", ConvKernel.class),
                Kernels.loadSimd(p + "SimdNorm", NormKernel.class),
                Kernels.loadSimd(p + "SimdElementwise", ElementwiseKernel.class),
                Kernels.loadSimd(p + "SimdReduce", ReduceKernel.class),
                Kernels.loadSimd(p + "SimdSoftmax", SoftmaxKernel.class),
                Kernels.loadSimd(p + "SimdParamUpdate", ParamUpdateKernel.class));
    }
}
