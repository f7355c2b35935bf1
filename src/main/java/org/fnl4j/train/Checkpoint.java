package org.fnl4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.ModelFile;
import org.fnl4j.io.ModelFormatException;
import org.fnl4j.io.StateDict;
import org.fnl4j.nn.Module;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.optim.OptimizerState;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A training checkpoint in the fnl4j container format ({@link ModelFile}, {@code docs/format.md}):
 * the model's parameters and buffers under {@code model/<name>}, the optimizer's buffers under
 * {@code optim/<slot>/<index>} and its group learning rates as {@code optim/lrs}, and in the JSON
 * header the architecture (so {@code Model.load} can open a checkpoint too), the optimizer's step
 * counts, the training position (epoch, batch, global step), the seed from which every data order
 * and augmentation is derived, the states of the model's own generators (dropout), the partial
 * epoch's running sums and the metrics history. Restoring all of it makes a resumed run
 * bit-identical to an uninterrupted one.
 */
public final class Checkpoint {
    /** The kind written in the header. */
    public static final String KIND = "checkpoint";
    static final String MODEL_PREFIX = "model/";
    static final String OPTIM_PREFIX = "optim/";

    private Checkpoint() {}

    /**
     * The training position and running state saved with a checkpoint.
     *
     * @param epoch        0-based epoch to continue with
     * @param batch        0-based batch within {@code epoch} to continue with (0 = epoch start)
     * @param step         optimizer steps taken so far
     * @param seed         the run's seed
     * @param batchesPerEpoch training batches per epoch (must match on resume)
     * @param trainSize    number of training examples (must match on resume)
     * @param lossSum      sum over the partial epoch of loss × items
     * @param correct      correct predictions in the partial epoch
     * @param seen         items in the partial epoch
     * @param epochSeconds training seconds of the partial epoch
     * @param trainSeconds training seconds of the whole run so far
     * @param items        training items of the whole run so far
     * @param history      metrics of the finished epochs
     * @param rngStates    states of the model's own generators by module name
     */
    public record State(int epoch, int batch, long step, long seed, int batchesPerEpoch, int trainSize, double lossSum,
            long correct, long seen, double epochSeconds, double trainSeconds, long items, List<EpochMetrics> history,
            Map<String, Long> rngStates) {
        public State {
            history = List.copyOf(history);
            rngStates = Map.copyOf(rngStates);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("batch", batch);
            m.put("step", step);
            m.put("seed", seed);
            m.put("batches_per_epoch", batchesPerEpoch);
            m.put("train_size", trainSize);
            m.put("loss_sum", lossSum);
            m.put("correct", correct);
            m.put("seen", seen);
            m.put("epoch_seconds", epochSeconds);
            m.put("train_seconds", trainSeconds);
            m.put("items", items);
            List<Object> h = new ArrayList<>();
            for (EpochMetrics e : history) {
                h.add(e.toJson());
            }
            m.put("history", h);
            m.put("rng_states", new LinkedHashMap<>(rngStates));
            return m;
        }

        @SuppressWarnings("unchecked")
        static State fromJson(Map<String, Object> m, String source) throws ModelFormatException {
            try {
                List<EpochMetrics> history = new ArrayList<>();
                for (Object o : (List<Object>) m.get("history")) {
                    history.add(EpochMetrics.fromJson((Map<String, Object>) o));
                }
                Map<String, Long> rngs = new LinkedHashMap<>();
                ((Map<String, Object>) m.get("rng_states")).forEach((k, v) -> rngs.put(k, ((Number) v).longValue()));
                return new State(intOf(m, "epoch"), intOf(m, "batch"), longOf(m, "step"), longOf(m, "seed"),
                        intOf(m, "batches_per_epoch"), intOf(m, "train_size"), ((Number) m.get("loss_sum")).doubleValue(),
                        longOf(m, "correct"), longOf(m, "seen"), ((Number) m.get("epoch_seconds")).doubleValue(),
                        ((Number) m.get("train_seconds")).doubleValue(), longOf(m, "items"), history, rngs);
            } catch (ClassCastException | NullPointerException | ArithmeticException e) {
                throw new ModelFormatException(source, "checkpoint header field 'training' is incomplete or has a wrong "
                        + "type (" + e.getMessage() + ")");
            }
        }
    }

    private static int intOf(Map<String, Object> m, String key) {
        return Math.toIntExact(((Number) m.get(key)).longValue());
    }

    private static long longOf(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /** What {@link #read} found: the header, the training state and the tensors. */
    public record Loaded(Map<String, Object> header, State state, Map<String, Tensor> tensors, String source) {}

    /**
     * Atomically writes a checkpoint.
     *
     * @param architecture the model file header fields describing the network (may be empty)
     */
    public static void save(Path file, Module model, Optimizer optimizer, State state, Map<String, Object> architecture)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>(architecture);
        header.put("kind", KIND);
        OptimizerState os = optimizer.exportState();
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("type", os.type());
        opt.put("steps", os.steps());
        opt.put("param_steps", os.paramSteps());
        opt.put("slots", new ArrayList<>(os.slots().keySet()));
        opt.put("params", optimizer.parameters().size());
        header.put("optimizer", opt);
        header.put("training", state.toJson());

        Map<String, Tensor> tensors = new LinkedHashMap<>(StateDict.of(model, MODEL_PREFIX));
        // Learning rates as raw float32 so the restored value is the same float, not a decimal round trip.
        tensors.put(OPTIM_PREFIX + "lrs", Tensor.of(os.groupLrs(), os.groupLrs().length));
        os.slots().forEach((slot, bufs) -> {
            for (int i = 0; i < bufs.length; i++) {
                if (bufs[i] != null) {
                    tensors.put(OPTIM_PREFIX + slot + "/" + i, Tensor.of(bufs[i], bufs[i].length));
                }
            }
        });
        ModelFile.write(file, header, tensors);
    }

    /** Reads and validates a checkpoint file (format, kind, training header). */
    @SuppressWarnings("unchecked")
    public static Loaded read(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        String source = String.valueOf(file);
        Object kind = c.header().get("kind");
        if (!KIND.equals(kind)) {
            throw new ModelFormatException(source, "is a '" + kind + "' file, expected a training checkpoint (kind '"
                    + KIND + "')");
        }
        if (!(c.header().get("training") instanceof Map) || !(c.header().get("optimizer") instanceof Map)) {
            throw new ModelFormatException(source, "checkpoint header lacks the 'training' or 'optimizer' object");
        }
        State st = State.fromJson((Map<String, Object>) c.header().get("training"), source);
        return new Loaded(c.header(), st, c.tensors(), source);
    }

    /**
     * Copies a checkpoint's model weights and optimizer state into {@code model} and {@code optimizer}
     * (which must have the checkpoint's architecture and optimizer type) and restores the model's
     * generator states.
     *
     * @throws ModelFormatException naming what does not match
     */
    @SuppressWarnings("unchecked")
    public static void restore(Loaded ck, Module model, Optimizer optimizer) throws ModelFormatException {
        Map<String, Object> opt = (Map<String, Object>) ck.header().get("optimizer");
        OptimizerState os;
        try {
            List<Object> slotNames = (List<Object>) opt.get("slots");
            int n = ((Number) opt.get("params")).intValue();
            List<Object> ps = (List<Object>) opt.get("param_steps");
            long[] paramSteps = new long[ps.size()];
            for (int i = 0; i < paramSteps.length; i++) {
                paramSteps[i] = ((Number) ps.get(i)).longValue();
            }
            Map<String, float[][]> slots = new LinkedHashMap<>();
            for (Object s : slotNames) {
                float[][] bufs = new float[n][];
                for (int i = 0; i < n; i++) {
                    Tensor t = ck.tensors().get(OPTIM_PREFIX + s + "/" + i);
                    bufs[i] = t == null ? null : t.toArray();
                }
                slots.put((String) s, bufs);
            }
            Tensor lrs = ck.tensors().get(OPTIM_PREFIX + "lrs");
            if (lrs == null) {
                throw new ModelFormatException(ck.source(), "checkpoint lacks tensor '" + OPTIM_PREFIX + "lrs'");
            }
            os = new OptimizerState((String) opt.get("type"), ((Number) opt.get("steps")).longValue(), lrs.toArray(),
                    slots, paramSteps);
        } catch (ClassCastException | NullPointerException e) {
            throw new ModelFormatException(ck.source(), "checkpoint header field 'optimizer' is incomplete or has a "
                    + "wrong type (" + e.getMessage() + ")");
        }
        StateDict.load(model, ck.tensors(), MODEL_PREFIX, true, ck.source());
        try {
            optimizer.importState(os);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(ck.source(), "optimizer state does not fit this run: " + e.getMessage());
        }
        Map<String, Rng> rngs = ModelRngs.of(model);
        for (Map.Entry<String, Long> e : ck.state().rngStates().entrySet()) {
            Rng r = rngs.get(e.getKey());
            if (r == null) {
                throw new ModelFormatException(ck.source(), "checkpoint has a generator state for module '" + e.getKey()
                        + "', which this model does not have (modules with generators: " + rngs.keySet() + ")");
            }
            r.setState(e.getValue());
        }
    }
}
