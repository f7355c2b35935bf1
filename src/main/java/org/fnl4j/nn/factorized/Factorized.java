package org.fnl4j.nn.factorized;

import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Tensor;

/**
 * A layer whose weight is stored as a product of factors (low-rank U·Vᵀ, deep U·M·Vᵀ, per-head
 * attention products, or tensor-decomposition cores).
 *
 * <p>Frobenius decay acts on {@link #factorProducts()} (matrix products, Gram-matrix gradients)
 * and, for layers implementing {@link TensorFactorized}, through the layer's own reconstruction.
 */
public interface Factorized {
    /** @return the trainable factor parameters (kind {@link Parameter.Kind#FACTOR}); biases are not factors. */
    List<Parameter> factors();

    /** @return the inner rank r (for attention: the head dimension d_h; for tensor layers: the largest core rank). */
    int rank();

    /**
     * @return the dense weight the factors stand for, as a new tensor with no autograd history, in
     *         the dense layer's own weight layout (each implementation documents its shape)
     */
    Tensor product();

    /**
     * @return the singular values of the dense product's matrix form, descending (each implementation
     *         documents which matrix; for batched products the values of product 0, then 1, ...)
     */
    float[] singularValues();

    /** @return the parameter count of the dense layer this replaces (weight plus bias). */
    long denseParameterCount();

    /** @return the parameter count of this layer (factors plus bias). */
    long parameterCount();

    /**
     * @return the matrix products penalized by Frobenius decay, described over the factor tensors;
     *         empty for layers that are not matrix products (see {@link TensorFactorized})
     */
    List<FactorProduct> factorProducts();
}
