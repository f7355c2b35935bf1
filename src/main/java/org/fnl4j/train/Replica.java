package org.fnl4j.train;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.data.Seeds;
import org.fnl4j.io.Model;
import org.fnl4j.io.StateDict;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.nn.Dropout;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.OptimizerState;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Tensor;

/**
 * One copy of a run's network with its optimizer, decay and learning-rate schedule, stepped one
 * batch at a time by a caller that owns the data order: the building block of data-parallel
 * training, where several replicas start a round from the same {@link State}, each trains on its own
 * batches, and their states are averaged ({@link #average}) into the next round's start.
 *
 * <p>The network is built exactly as {@link Run} builds it (from the recipe's seed, factorized
 * with SI or default init, Frobenius or weight decay, the recipe's optimizer), so replica 0 before
 * any step holds the same weights as a single-process run of the same recipe. A step is the
 * {@link Trainer}'s step: learning rate from the schedule at the step's global position, zero
 * gradients, forward, loss, backward, decay hook, optimizer step. Pruning, fine-tuning and
 * {@code rescale_to} are not supported (their masks and recorded trajectories are tied to one
 * process's steps), nor are gradient clipping (a replica would clip its own share of the gradient,
 * not the combined batch's) and a validation split.
 */
public final class Replica {
    private final Recipe recipe;
    private final Module model;
    private final ModelSpec spec;
    private final FactorizationSpec factorization;
    private final long denseParams;
    private final Optimizer optimizer;
    private final Regularizer decay;
    private final Schedule.Resolved schedule;
    private final int batchesPerEpoch;
    private final Objective objective = Objectives.crossEntropy(0f);
    private final List<Tensor> tensors;

    private Replica(Recipe recipe, Run.Network net, int batchesPerEpoch) {
        this.recipe = recipe;
        this.model = net.module();
        this.spec = net.spec();
        this.factorization = net.factorization();
        this.denseParams = net.denseParams();
        this.batchesPerEpoch = batchesPerEpoch;
        boolean factorized = factorization != null;
        DecayArms.Setup arm = DecayArms.of(model, recipe.decay().mode(factorized), (float) recipe.lr(),
                (float) recipe.wd(), recipe.optimizer().decayKind());
        this.optimizer = recipe.optimizer().create(arm.groups());
        this.decay = recipe.decay() == Decay.FROBENIUS && factorized ? arm.regularizer() : null;
        this.schedule = recipe.schedule().resolve(recipe.epochs(), batchesPerEpoch);
        this.tensors = new ArrayList<>(StateDict.of(model).values());
    }

    /**
     * Builds the replica of {@code recipe} for data of {@code data}'s shape.
     *
     * @param batchesPerEpoch global steps per epoch (what the learning-rate schedule counts), ≥ 1
     * @throws IllegalArgumentException when the recipe prunes, fine-tunes or rescales (not supported here)
     */
    public static Replica create(Recipe recipe, RunData data, int batchesPerEpoch) throws IOException {
        checkSupported(recipe);
        if (batchesPerEpoch < 1) {
            throw new IllegalArgumentException("Replica: batchesPerEpoch must be >= 1, got " + batchesPerEpoch);
        }
        return new Replica(recipe, Run.network(recipe, data), batchesPerEpoch);
    }

    /**
     * Checks that replicas can train {@code recipe}, before any work is done.
     *
     * @throws IllegalArgumentException naming the settings replicas do not support (prune, finetune_from,
     *         rescale_to, clip, valid_fraction)
     */
    public static void checkSupported(Recipe recipe) {
        List<String> unsupported = new ArrayList<>();
        if (recipe.prune() != null) unsupported.add("prune");
        if (recipe.finetuneFrom() != null) unsupported.add("finetune_from");
        if (recipe.rescaleTo() != null) unsupported.add("rescale_to");
        // Each replica would clip its own share of the gradient, not the combined batch's gradient.
        if (recipe.clip() != null) unsupported.add("clip");
        if (recipe.validFraction() != null) unsupported.add("valid_fraction");
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("recipe: " + String.join(", ", unsupported) + " cannot be trained by "
                    + "replicas (data-parallel training supports dense and factorized networks from the seed); leave "
                    + (unsupported.size() == 1 ? "it" : "them") + " unset");
        }
    }

    /** The loss, correct predictions and items of one step. */
    public record StepResult(double loss, long correct, int items) {}

    /**
     * One training step on {@code batch}, at global position ({@code epoch}, {@code index}) after
     * {@code step} earlier steps (the learning-rate schedule's position).
     *
     * @throws TrainingDivergedException when the loss is not finite
     */
    public StepResult step(Batch batch, int epoch, int index, long step) {
        schedule.schedule().apply(optimizer, schedule.unit().position(epoch, index, batchesPerEpoch, step));
        model.train(true);
        model.zeroGrad();
        Tensor out = model.forward(batch.inputs());
        Tensor loss = objective.loss(out, batch);
        double lv = loss.item();
        if (!Double.isFinite(lv)) {
            throw new TrainingDivergedException("training diverged: training loss is " + lv + " at epoch " + (epoch + 1)
                    + ", batch " + (index + 1) + "/" + batchesPerEpoch + ", step " + (step + 1)
                    + " (try a lower learning rate)", step + 1);
        }
        Autograd.backward(loss);
        if (decay != null) {
            decay.apply();
        }
        optimizer.step();
        return new StepResult(lv, objective.correct(out, batch), batch.items());
    }

    /**
     * Sets the model's own generators (dropout) from (seed, a, b), e.g. (seed, global step,
     * replica index), so a replica recomputed elsewhere draws the same masks.
     */
    public void reseedGenerators(long seed, long a, long b) {
        int k = 0;
        for (Module m : model.namedModules().values()) {
            if (m instanceof Dropout d) {
                d.rng().setState(Seeds.derive(Seeds.derive(seed, a, b), 7, k++));
            }
        }
    }

    /**
     * A replica's complete training state as plain arrays.
     *
     * @param tensors    the model's parameters then buffers, in {@link StateDict#of(Module)} order, each flat
     * @param slots      the optimizer's per-parameter buffers by slot (null entries: not allocated yet)
     * @param paramSteps the optimizer's per-parameter step counts
     * @param steps      the optimizer's step count
     * @param groupLrs   the optimizer's group learning rates
     */
    public record State(float[][] tensors, Map<String, float[][]> slots, long[] paramSteps, long steps,
                        float[] groupLrs) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** @return the number of floats in tensors and slots (4 bytes each on the wire). */
        public long floats() {
            long n = 0;
            for (float[] t : tensors) n += t.length;
            for (float[][] s : slots.values()) {
                for (float[] b : s) if (b != null) n += b.length;
            }
            return n;
        }
    }

    /** @return a deep copy of the model and optimizer state. */
    public State exportState() {
        float[][] t = new float[tensors.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = tensors.get(i).toArray();
        }
        OptimizerState os = optimizer.exportState();
        return new State(t, os.slots(), os.paramSteps(), os.steps(), os.groupLrs());
    }

    /**
     * Copies {@code s} into the model and optimizer.
     *
     * @throws IllegalArgumentException naming the first tensor or slot whose size does not match
     */
    public void importState(State s) {
        if (s.tensors().length != tensors.size()) {
            throw new IllegalArgumentException("Replica.importState: state has " + s.tensors().length + " tensors, the "
                    + "model has " + tensors.size() + " parameters and buffers");
        }
        for (int i = 0; i < tensors.size(); i++) {
            if (s.tensors()[i].length != tensors.get(i).size()) {
                throw new IllegalArgumentException("Replica.importState: tensor " + i + " has " + s.tensors()[i].length
                        + " values, the model's has " + tensors.get(i).size() + " " + Arrays.toString(tensors.get(i).shape()));
            }
        }
        optimizer.importState(new OptimizerState(optimizer.exportState().type(), s.steps(), s.groupLrs(), s.slots(),
                s.paramSteps()));
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            System.arraycopy(s.tensors()[i], 0, t.data(), t.offset(), t.size());
        }
    }

    /**
     * The weighted average of replica states: every tensor and optimizer buffer is
     * Σ wₚ·xₚ / Σ wₚ, summed in double in list order (so the result is the same bits whatever order
     * the states arrived in, as long as the list is in replica order) and rounded once to float.
     * Values equal in every state come out unchanged. Step counts and learning rates are taken from
     * the first state (replicas of one round take the same number of steps).
     *
     * @param weights one per state, ≥ 0 with a positive sum (e.g. the items each replica trained on)
     * @throws IllegalArgumentException when the states' layouts differ or a buffer is allocated in some states only
     */
    public static State average(List<State> states, long[] weights) {
        if (states.isEmpty() || weights.length != states.size()) {
            throw new IllegalArgumentException("Replica.average: " + states.size() + " states and " + weights.length
                    + " weights; expected at least one state and one weight per state");
        }
        long total = 0;
        for (long w : weights) {
            if (w < 0) throw new IllegalArgumentException("Replica.average: negative weight " + w);
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("Replica.average: the weights sum to 0; expected a positive sum");
        }
        State first = states.get(0);
        float[][] tensors = new float[first.tensors().length][];
        for (int i = 0; i < tensors.length; i++) {
            final int k = i;
            tensors[i] = averageOf(states, weights, total, s -> s.tensors()[k], "tensor " + i);
        }
        Map<String, float[][]> slots = new LinkedHashMap<>();
        for (String name : first.slots().keySet()) {
            float[][] out = new float[first.slots().get(name).length][];
            for (int i = 0; i < out.length; i++) {
                final int k = i;
                out[i] = averageOf(states, weights, total, s -> {
                    float[][] b = s.slots().get(name);
                    if (b == null || b.length != out.length) {
                        throw new IllegalArgumentException("Replica.average: slot '" + name + "' is missing or has a "
                                + "different parameter count in one of the states");
                    }
                    return b[k];
                }, "slot '" + name + "' of parameter " + i);
            }
            slots.put(name, out);
        }
        return new State(tensors, slots, first.paramSteps(), first.steps(), first.groupLrs());
    }

    private interface Pick {
        float[] of(State s);
    }

    private static float[] averageOf(List<State> states, long[] weights, long total, Pick pick, String what) {
        float[] a0 = pick.of(states.get(0));
        for (State s : states) {
            float[] a = pick.of(s);
            if ((a == null) != (a0 == null) || (a != null && a.length != a0.length)) {
                throw new IllegalArgumentException("Replica.average: " + what + " differs in size or allocation between "
                        + "the states (" + (a0 == null ? "null" : a0.length) + " vs " + (a == null ? "null" : a.length) + ")");
            }
        }
        if (a0 == null) {
            return null;
        }
        double[] acc = new double[a0.length];
        for (int p = 0; p < states.size(); p++) {
            float[] a = pick.of(states.get(p));
            double w = weights[p];
            // w·x is exact in double (24-bit mantissa times a count below 2^29), so equal inputs give back x.
            for (int j = 0; j < acc.length; j++) {
                acc[j] += w * a[j];
            }
        }
        float[] out = new float[a0.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (acc[j] / total);
        }
        return out;
    }

    /** @return the live network. */
    public Module model() {
        return model;
    }

    /** @return the live optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** @return the recipe the replica was built from. */
    public Recipe recipe() {
        return recipe;
    }

    /** @return the model spec (architecture) of the network. */
    public ModelSpec spec() {
        return spec;
    }

    /** @return the factorization applied to the network, or null for a dense one. */
    public FactorizationSpec factorization() {
        return factorization;
    }

    /** @return the parameter count of the dense network of the same spec. */
    public long denseParams() {
        return denseParams;
    }

    /** @return the global steps per epoch the schedule counts. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** @return the Frobenius penalty of the current weights, or null without Frobenius decay. */
    public Double frobeniusPenalty() {
        return decay == null ? null : decay.penalty();
    }

    /**
     * @param metadata the {@code metadata} object of the header (the recipe goes under {@code config})
     * @return the model file header of this network: spec, factorization and {@code metadata}
     */
    public Map<String, Object> header(Map<String, Object> metadata) {
        return Model.header(spec, factorization == null ? null : factorization.toMap(), metadata);
    }

    /** Atomically writes the network as a model file that {@link Model#load} and {@code fnl eval} read. */
    public void save(Path file, Map<String, Object> metadata) throws IOException {
        Model.save(file, model, spec, factorization == null ? null : factorization.toMap(), metadata);
    }
}
