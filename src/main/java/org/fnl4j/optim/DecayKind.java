package org.fnl4j.optim;

/**
 * How a {@link ParamGroup}'s weight decay λ enters an update.
 *
 * <ul>
 *   <li>{@link #COUPLED_L2}: the gradient of (λ/2)‖p‖² is added to the gradient, {@code g += λ·p},
 *       before momentum or Adam moments see it (PyTorch's {@code weight_decay} argument of
 *       {@code SGD} and {@code Adam}).</li>
 *   <li>{@link #DECOUPLED}: the parameter shrinks directly, {@code p *= 1 − lr·λ}, before the
 *       gradient step (PyTorch's {@code AdamW}; for SGD this is "SGDW").</li>
 *   <li>{@link #NONE}: no decay, e.g. for factors that a Frobenius-decay regularizer handles.</li>
 * </ul>
 */
public enum DecayKind {
    COUPLED_L2,
    DECOUPLED,
    NONE
}
