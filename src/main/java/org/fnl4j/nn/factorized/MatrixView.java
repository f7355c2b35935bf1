package org.fnl4j.nn.factorized;

import org.fnl4j.tensor.Tensor;

/**
 * A batch of equally shaped matrices stored inside a parameter tensor, described in BLAS terms so
 * that regularizers can run Gram-matrix arithmetic on the values and gradients in place.
 *
 * <p>Matrix b of the batch (logical shape rows×cols, given by the {@link FactorProduct} that owns
 * this view) starts at element {@code offset + b·batchStride} of the tensor's values (relative to
 * {@link Tensor#offset()}) and of its gradient buffer (which starts at 0). It is stored row-major
 * as rows×cols with leading dimension {@code ld} when {@code transposed} is false, and as its
 * transpose (cols×rows, leading dimension {@code ld}) when true.
 *
 * @param tensor the parameter tensor holding the values
 * @param offset first element of matrix 0, relative to the tensor's own offset
 * @param batchStride elements between consecutive matrices of the batch
 * @param ld leading dimension (row stride) of the stored matrix
 * @param transposed whether the stored matrix is the transpose of the logical one
 */
public record MatrixView(Tensor tensor, int offset, int batchStride, int ld, boolean transposed) {

    /** A single contiguous row-major matrix with {@code cols} columns occupying the whole tensor. */
    public static MatrixView whole(Tensor t, int cols) {
        return new MatrixView(t, 0, 0, cols, false);
    }

    /** A single contiguous matrix stored transposed: the tensor holds the cols×rows transpose row-major. */
    public static MatrixView wholeTransposed(Tensor t, int rows) {
        return new MatrixView(t, 0, 0, rows, true);
    }
}
