package org.fnl4j.train;

import java.util.List;
import org.fnl4j.optim.AdamW;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.ParamGroup;
import org.fnl4j.optim.Sgd;

/** The optimizer of a run. {@link #id()} is the name in run.json and the {@code --optimizer} flag. */
public enum OptimizerKind {
    /** SGD with Nesterov momentum 0.9, L2 decay added to the gradient. */
    SGD("sgd"),
    /** SGD with plain (heavy-ball) momentum 0.9, L2 decay added to the gradient. */
    MOMENTUM("momentum"),
    /** AdamW with decoupled weight decay. */
    ADAMW("adamw"),
    /**
     * Nesterov's accelerated gradient with momentum 0.99 (fairseq's {@code --optimizer nag} default,
     * the paper's Transformer optimizer), L2 decay added to the gradient.
     */
    NAG("nag"),
    /** SGD without momentum, L2 decay added to the gradient: averaging replicas after every step is synchronous SGD. */
    PLAIN("plain");

    private final String id;

    OptimizerKind(String id) {
        this.id = id;
    }

    /** @return "sgd", "momentum", "adamw", "nag" or "plain". */
    public String id() {
        return id;
    }

    /** @return how this optimizer applies weight decay: decoupled for AdamW, as an L2 gradient term for SGD. */
    public DecayKind decayKind() {
        return this == ADAMW ? DecayKind.DECOUPLED : DecayKind.COUPLED_L2;
    }

    /** @return a new optimizer over {@code groups}. */
    public Optimizer create(List<ParamGroup> groups) {
        return switch (this) {
            case ADAMW -> new AdamW(groups);
            case NAG -> new Sgd(groups, 0.99f, true);
            case PLAIN -> new Sgd(groups, 0f, false);
            case SGD, MOMENTUM -> new Sgd(groups, 0.9f, this == SGD);
        };
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static OptimizerKind of(String id) {
        return Choices.of(OptimizerKind.class, id, OptimizerKind::id, "optimizer");
    }
}
