package org.fnl4j.nn.factorized;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Model surgery: swap dense layers for factorized ones and back. All methods modify the given model
 * in place (the replaced children are dropped) and return it.
 *
 * <ul>
 * <li>{@link #apply} — factorize the eligible layers ({@link RankPolicy}) with spectral or default
 * init. Spectral init decomposes each layer's <i>current</i> dense weight: on a freshly built model
 * that weight is a sample of the layer's standard init, which is exactly SI.</li>
 * <li>{@link #svdCompress} — the same decomposition applied to a trained model's weights: the
 * truncated SVD of every eligible weight, with balanced factors A_r√Σ_r and B_r√Σ_r.</li>
 * <li>{@link #collapse} — multiply the factors of every factorized layer back into a dense layer
 * with the same outputs (used after overcomplete or deep training, or for inference).</li>
 * </ul>
 *
 * <p>Dense biases are carried over unchanged. Each layer gets its own generator split from the
 * given one, in module order, so one seed gives one model.
 */
public final class Factorize {
    private Factorize() {}

    /**
     * Replaces every eligible layer of {@code model} by its factorized version under {@code spec}.
     *
     * @param rng source of the default init, and of the depthwise weights and pointwise samples of
     *        the tensor schemes
     * @return {@code model}
     */
    public static Module apply(Module model, FactorizationSpec spec, Rng rng) {
        return apply(model, spec, AttentionSpectral.REBALANCE, rng);
    }

    /**
     * {@link #apply(Module, FactorizationSpec, Rng)} with a choice of how spectral initialization
     * treats multi-head attention ({@link AttentionSpectral}; ignored with the default init).
     */
    public static Module apply(Module model, FactorizationSpec spec, AttentionSpectral attentionSi, Rng rng) {
        if (attentionSi == null) {
            throw new IllegalArgumentException("Factorize.apply: attentionSi is null; expected REBALANCE or TRUNCATE_DENSE");
        }
        double ratio = RankPolicy.resolveRatio(model, spec);
        Map<String, Module> targets = RankPolicy.eligible(model, spec);
        Map<String, Module> all = model.namedModules();
        for (Map.Entry<String, Module> e : targets.entrySet()) {
            Rng layerRng = rng.split();
            Module replacement = factorizeLayer(e.getValue(), spec, ratio, attentionSi, layerRng);
            replace(all, e.getKey(), replacement);
        }
        return model;
    }

    /**
     * SVD compression of a trained dense model: {@link #apply} with spectral init, i.e. every
     * eligible weight (attention: every head's QK and OV product, {@link AttentionSpectral#TRUNCATE_DENSE})
     * replaced by its truncated SVD. Tensor schemes are not an SVD of the trained
     * k×k kernel and are rejected.
     */
    public static Module svdCompress(Module trainedDense, FactorizationSpec spec) {
        if (RankPolicy.isTensorScheme(spec)) {
            throw new IllegalArgumentException("Factorize.svdCompress: scheme '" + spec.scheme().id() + "' replaces a conv by a "
                    + "depthwise-separable one and cannot compress trained kernels; use paper or channel");
        }
        return apply(trainedDense, spec.withInit(FactorInit.SPECTRAL), AttentionSpectral.TRUNCATE_DENSE, new Rng(0));
    }

    /** Builds the factorized counterpart of one dense layer at ratio s. */
    static Module factorizeLayer(Module dense, FactorizationSpec spec, double ratio, AttentionSpectral attentionSi,
            Rng rng) {
        boolean si = spec.spectral();
        if (dense instanceof Linear l) {
            FactorizedLinear f = new FactorizedLinear(l.inFeatures(), l.outFeatures(),
                    Ranks.linear(ratio, l.outFeatures(), l.inFeatures()), spec.middle(), l.bias() != null,
                    l.weightInit(), rng);
            if (si) {
                f.initSpectral(l.weight().value().toArray());
            }
            copyBias(l.bias(), f.bias());
            return f;
        }
        if (dense instanceof Conv2d c) {
            if (RankPolicy.isTensorScheme(spec)) {
                TensorConv2d.Format fmt = RankPolicy.tensorFormat(spec);
                TensorConv2d t = new TensorConv2d(c.inChannels(), c.outChannels(), c.kernelH(), c.strideH(), c.padH(),
                        c.dilationH(), c.bias() != null, fmt, TensorConv2d.ranksFor(fmt, ratio, c.inChannels(),
                        c.outChannels()), rng);
                if (si) {
                    // The paper's SI analog: decompose a dense N(0, 2/out) pointwise sample.
                    Tensor sample = Tensor.randn(rng, (float) Math.sqrt(2.0 / c.outChannels()), c.outChannels(),
                            c.inChannels());
                    t.initSpectral(sample.data());
                }
                copyBias(c.bias(), t.bias());
                return t;
            }
            FactorizedConv2d.Scheme scheme = RankPolicy.convScheme(spec);
            FactorizedConv2d f = new FactorizedConv2d(c.inChannels(), c.outChannels(), c.geometry(), c.bias() != null,
                    scheme, FactorizedConv2d.rankFor(scheme, ratio, c.inChannels(), c.outChannels(), c.kernelH(), c.kernelW()),
                    spec.middle(), rng);
            if (si) {
                f.initSpectral(c.weight().value().toArray());
            }
            copyBias(c.bias(), f.bias());
            return f;
        }
        if (dense instanceof MultiHeadAttention a) {
            FactorizedAttention f = new FactorizedAttention(a.modelDim(), a.heads(),
                    Ranks.attentionHeadDim(ratio, a.modelDim(), a.heads()), a.headDim(), a.causal(), rng);
            float[] q = a.query().weight().value().toArray(), k = a.key().weight().value().toArray(),
                    v = a.value().weight().value().toArray(), o = a.output().weight().value().toArray();
            if (f.headDim() == a.headDim()) {
                // Not compressed: the layer's own init is the dense layer's, so both inits keep its function.
                f.copyFrom(q, k, v, o);
            }
            if (si) {
                switch (attentionSi) {
                    case REBALANCE -> f.rebalance();
                    case TRUNCATE_DENSE -> f.initSpectral(q, k, v, o);
                }
            }
            return f;
        }
        throw new IllegalArgumentException("Factorize: cannot factorize a " + dense.getClass().getSimpleName()
                + " (expected Linear, Conv2d or MultiHeadAttention)");
    }

    /**
     * Replaces every factorized layer of {@code model} by a dense one computing the same function:
     * {@link FactorizedLinear} → {@link Linear} with weight U·M·Vᵀ; {@link FactorizedConv2d} and
     * {@link TensorConv2d} → {@link Conv2d} with the reassembled kernel; {@link FactorizedAttention}
     * → {@link MultiHeadAttention} with head dimension d_h and the same projections. Biases are
     * kept. To get a lower-rank model instead, follow with {@link #svdCompress}.
     *
     * @return {@code model}
     */
    public static Module collapse(Module model) {
        Map<String, Module> all = model.namedModules();
        for (Map.Entry<String, Module> e : all.entrySet()) {
            if (e.getKey().isEmpty() || !(e.getValue() instanceof Factorized)) {
                continue;
            }
            replace(all, e.getKey(), dense(e.getValue()));
        }
        return model;
    }

    private static Module dense(Module f) {
        Rng unused = new Rng(0);
        if (f instanceof FactorizedLinear l) {
            Linear d = new Linear(l.inFeatures(), l.outFeatures(), l.bias() != null, unused);
            d.weight().copyFrom(l.product().data());
            copyBias(l.bias(), d.bias());
            return d;
        }
        if (f instanceof FactorizedConv2d c) {
            Conv2d d = new Conv2d(c.inChannels(), c.outChannels(), c.geometry(), 1, c.bias() != null, unused);
            d.weight().copyFrom(c.product().data());
            copyBias(c.bias(), d.bias());
            return d;
        }
        if (f instanceof TensorConv2d t) {
            Conv2d d = new Conv2d(t.inChannels(), t.outChannels(), t.geometry(), 1, t.bias() != null, unused);
            d.weight().copyFrom(t.product().data());
            copyBias(t.bias(), d.bias());
            return d;
        }
        if (f instanceof FactorizedAttention a) {
            MultiHeadAttention d = new MultiHeadAttention(a.modelDim(), a.heads(), a.headDim(), a.causal(), unused);
            d.query().weight().copyFrom(a.wq().value().toArray());
            d.key().weight().copyFrom(a.wk().value().toArray());
            d.value().weight().copyFrom(a.wv().value().toArray());
            d.output().weight().copyFrom(a.wo().value().toArray());
            return d;
        }
        throw new IllegalArgumentException("Factorize.collapse: no dense counterpart for " + f.getClass().getSimpleName());
    }

    private static void copyBias(Parameter from, Parameter to) {
        if (from != null && to != null) {
            to.copyFrom(from.value().toArray());
        }
    }

    private static void replace(Map<String, Module> all, String path, Module replacement) {
        int dot = path.lastIndexOf('.');
        Module parent = dot < 0 ? all.get("") : all.get(path.substring(0, dot));
        parent.replaceModule(path.substring(dot + 1), replacement);
    }

    /** @return every {@link Factorized} layer of {@code model}, by dotted path, in module order. */
    public static Map<String, Factorized> layers(Module model) {
        Map<String, Factorized> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Factorized f) {
                out.put(e.getKey(), f);
            }
        }
        return out;
    }

    /** @return all factor parameters of {@code model} (kind FACTOR), in parameter order. */
    public static List<Parameter> factorParameters(Module model) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (p.kind() == Parameter.Kind.FACTOR) {
                out.add(p);
            }
        }
        return out;
    }
}
