package org.fnl4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A trained network loaded from an fnl4j model file, for applications: the file carries its own
 * architecture (model spec and factorization spec as JSON), so {@link #load(Path)} needs no code
 * that knows the network. Training checkpoints load too (their model part).
 *
 * <p>Inference is thread-safe: the network is put in eval mode once at load time and never
 * switched back, {@link #predict} runs under {@link Autograd#noGrad()} (a per-thread scope), and
 * every forward allocates its own activations, so concurrent callers share only read-only weights.
 * Nothing from the training machinery (optimizer, tape, data loaders) is involved, and no
 * {@code --add-modules} flag is needed (the kernels then run on their scalar implementations).
 *
 * <p>Shapes: image models take (N, C, H, W) and return logits (N, classes); the Transformer takes
 * token ids (N, T) as floats, T ≤ context, and returns logits (N, T, vocab).
 */
public final class Model {
    /** The header kind of a model file. */
    public static final String KIND = "model";
    /** The metadata key under which a magnitude-pruned model records how many stored weights its mask zeroed. */
    public static final String PRUNED_PARAMS = "pruned_params";

    private final Module module;
    private final ModelSpec spec;
    private final Map<String, Object> factorization;
    private final Map<String, Object> metadata;
    private final int[] exampleShape;
    private final String source;

    private Model(Module module, ModelSpec spec, Map<String, Object> factorization, Map<String, Object> metadata,
            String source) {
        this.module = module;
        this.spec = spec;
        this.factorization = factorization;
        this.metadata = metadata;
        this.source = source;
        this.exampleShape = spec.exampleShape();
        module.eval();
    }

    /**
     * The header of a model file: kind, model spec, factorization spec (null for a dense model)
     * and free-form JSON metadata (training settings, accuracy, ...).
     */
    public static Map<String, Object> header(ModelSpec spec, Map<String, Object> factorization,
            Map<String, Object> metadata) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kind", KIND);
        h.put("model", spec.toMap());
        h.put("factorization", factorization);
        h.put("metadata", metadata == null ? Map.of() : metadata);
        return h;
    }

    /**
     * Atomically writes {@code module}'s parameters and buffers with the architecture that rebuilds it.
     *
     * @param factorization the factorization spec that was applied to {@code Models.build(spec)} to get
     *                      {@code module}'s structure, or null when it is the dense model
     */
    public static void save(Path file, Module module, ModelSpec spec, Map<String, Object> factorization,
            Map<String, Object> metadata) throws IOException {
        ModelFile.write(file, header(spec, factorization, metadata), StateDict.of(module));
    }

    /**
     * Loads a model file (or a training checkpoint) and rebuilds its network.
     *
     * @throws ModelFormatException naming the file when it is not a valid model, its architecture is
     *                              unknown, or the weights do not match the architecture
     */
    public static Model load(Path file) throws IOException {
        return from(ModelFile.read(file), String.valueOf(file));
    }

    /** Rebuilds a model from already-read file contents ({@code source} names it in errors). */
    @SuppressWarnings("unchecked")
    public static Model from(ModelFile.Contents c, String source) throws ModelFormatException {
        Map<String, Object> h = c.header();
        Object kind = h.get("kind");
        String prefix;
        if (KIND.equals(kind)) {
            prefix = "";
        } else if ("checkpoint".equals(kind)) {
            prefix = "model/";
        } else {
            throw new ModelFormatException(source, "header kind is '" + kind + "', expected 'model' or 'checkpoint'");
        }
        if (!(h.get("model") instanceof Map)) {
            throw new ModelFormatException(source, "header has no 'model' object (the architecture)");
        }
        ModelSpec spec;
        Module module;
        Object fz = h.get("factorization");
        if (fz != null && !(fz instanceof Map)) {
            throw new ModelFormatException(source, "header field 'factorization' must be an object or null, got "
                    + Json.typeName(fz));
        }
        Map<String, Object> factorization = (Map<String, Object>) fz;
        try {
            spec = ModelSpec.fromMap((Map<String, Object>) h.get("model"));
            // Initial values are overwritten by the stored weights; the seed only has to be valid.
            Rng rng = new Rng(0);
            module = Models.build(spec, rng);
            if (factorization != null) {
                // Only the structure matters here (weights come from the file), so skip the SVDs of spectral init.
                Factorize.apply(module, FactorizationSpec.fromMap(factorization).withInit(org.fnl4j.nn.factorized.FactorInit.DEFAULT), rng);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelFormatException(source, "cannot rebuild the architecture: " + e.getMessage());
        }
        StateDict.load(module, c.tensors(), prefix, true, source);
        Object meta = h.get("metadata");
        return new Model(module, spec, factorization, meta instanceof Map ? (Map<String, Object>) meta : Map.of(), source);
    }

    /**
     * Runs the network on a batch (thread-safe, no gradients). Convolutional networks (ResNet, VGG)
     * split a batch larger than {@value #DEFAULT_MICRO_BATCH} examples (or the system property
     * {@value #MICRO_BATCH_PROPERTY}; 0 never splits) into micro-batches that the kernel threads
     * run in parallel, one whole network pass per thread; the logits are the same as one pass over
     * the whole batch, up to float rounding of the GEMMs' blocking.
     *
     * @param input (N, C, H, W) images or (N, T) token ids, as the model expects
     * @return logits (N, classes), or (N, T, vocab) for the Transformer; a new tensor owned by the caller
     */
    public Tensor predict(Tensor input) {
        int n = input.dim() == 0 ? 0 : input.shape(0);
        int micro = microBatch();
        if (micro <= 0 || n <= micro) {
            return forwardNoGrad(input.detach());
        }
        // Micro-batches, each run through the whole network by one thread: a few images' activations
        // stay in the core's L2 from one layer to the next, where a whole batch's go out to memory
        // and back at every layer. Each image's logits do not depend on the split.
        int per = input.size() / n, chunks = (n + micro - 1) / micro;
        int[] rest = input.shape();
        Tensor[] outs = new Tensor[chunks];
        Tensor whole = input.detach();
        Parallel.forChunks(chunks, c -> {
            int from = c * micro, count = Math.min(micro, n - from);
            int[] shape = rest.clone();
            shape[0] = count;
            outs[c] = forwardNoGrad(Tensor.wrap(whole.data(), whole.offset() + from * per, shape));
        });
        int[] outShape = outs[0].shape();
        outShape[0] = n;
        int outPer = outs[0].size() / outs[0].shape(0);
        float[] logits = new float[n * outPer];
        for (int c = 0; c < chunks; c++) {
            Tensor o = outs[c];
            System.arraycopy(o.data(), o.offset(), logits, c * micro * outPer, o.size());
        }
        return Tensor.of(logits, outShape);
    }

    private Tensor forwardNoGrad(Tensor input) {
        try (Autograd.Scope scope = Autograd.noGrad()) {
            return module.forward(input).detach();
        }
    }

    /**
     * Examples per micro-batch of {@link #predict}: convolutional networks only; fully connected
     * networks and the Transformer run the batch whole, since their GEMMs pack each weight matrix
     * once per call and a split would repeat that.
     */
    private int microBatch() {
        return spec.convolutional() ? MICRO_BATCH : 0;
    }

    /** System property: examples per micro-batch of {@link #predict} for convolutional networks (0 = never split). */
    public static final String MICRO_BATCH_PROPERTY = "fnl4j.predict.microBatch";
    /** Examples per micro-batch when {@value #MICRO_BATCH_PROPERTY} is not set. */
    public static final int DEFAULT_MICRO_BATCH = 8;
    private static final int MICRO_BATCH = Integer.getInteger(MICRO_BATCH_PROPERTY, DEFAULT_MICRO_BATCH);

    /**
     * Runs the network on {@code n} examples laid out row-major in {@code batch}
     * (n × {@link #exampleShape()} floats).
     *
     * @return the logits, n × {@link #outputSize()} floats, row-major
     * @throws IllegalArgumentException when the array length does not match n examples
     */
    public float[] predict(float[] batch, int n) {
        int per = 1;
        for (int d : exampleShape) per *= d;
        if (n <= 0 || batch == null || (long) n * per != batch.length) {
            throw new IllegalArgumentException("Model.predict (" + source + "): expected " + n + " examples of shape "
                    + Arrays.toString(exampleShape) + " = " + ((long) n * per) + " floats, got "
                    + (batch == null ? "null" : batch.length + " floats"));
        }
        int[] shape = new int[exampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return predict(Tensor.of(batch, shape)).toArray();
    }

    /** @return the shape of one input example: (C, H, W) for image models, (context) for the Transformer. */
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /** @return the number of logits per example: classes, or context × vocab for the Transformer. */
    public int outputSize() {
        return spec.outputSize();
    }

    /** @return the architecture. */
    public ModelSpec spec() {
        return spec;
    }

    /** @return the factorization spec applied to the architecture, or null for a dense model. */
    public Map<String, Object> factorization() {
        return factorization == null ? null : Collections.unmodifiableMap(factorization);
    }

    /** @return the file's free-form metadata (training settings, accuracy, ...). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The parameters that hold trained weights: every stored parameter except those a magnitude-pruning
     * mask fixed at zero (the file's {@code pruned_params} metadata, written by {@code fnl train --prune}
     * and {@code fnl compress --prune}). A pruned model is stored at its dense shapes, so this is the
     * count to compare against a budget, not {@code module().parameterCount()}.
     *
     * @return stored parameters minus {@link #prunedParameterCount()}
     */
    public long parameterCount() {
        return module.parameterCount() - prunedParameterCount();
    }

    /** @return how many stored weights a pruning mask fixed at zero, 0 for a model that was not pruned. */
    public long prunedParameterCount() {
        return metadata.get(PRUNED_PARAMS) instanceof Number n ? n.longValue() : 0;
    }

    /**
     * @return the network, in eval mode. For inspection; switching it to training mode or changing
     *         its weights while other threads call {@link #predict} is not thread-safe.
     */
    public Module module() {
        return module;
    }
}
