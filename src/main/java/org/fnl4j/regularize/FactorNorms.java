package org.fnl4j.regularize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorProduct;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.nn.factorized.MatrixView;
import org.fnl4j.tensor.Tensor;

/**
 * The Frobenius norms ‖W‖_F of a model's factorized products W = U·Vᵀ (or U·M·Vᵀ), and rescaling
 * the factors to given norms: the machinery of the paper's normalization experiment (no decay, but
 * the factors rescaled after every step so that ‖UVᵀ‖_F follows a Frobenius-decay run's trajectory).
 *
 * <p>The products are those of {@link Factorized#factorProducts()} of every factorized layer, in
 * module order, one entry per matrix: a layer with a batch of B products (attention: one per head,
 * for QKᵀ and for OVᵀ) gives B entries per product. Layers without matrix products (Tucker /
 * tensor-train cores) have no entries. Norms come from r×r Gram matrices,
 * ‖UVᵀ‖²_F = tr((UᵀU)(VᵀV)) ({@link FrobeniusDecay#squaredNorms}), never forming the m×n product.
 *
 * <p>Entry names: the layer's dotted module path, then {@code /k} for its k-th product when it has
 * more than one, then {@code [b]} for batch entry b when the batch has more than one matrix, e.g.
 * {@code layer1.0.conv1}, {@code blocks.0.attn/1[3]}.
 */
public final class FactorNorms {
    private record Entry(String name, FactorProduct product, int index) {}

    private final List<Entry> entries;

    /** The products of every factorized layer of {@code model} (none for a dense model). */
    public FactorNorms(Module model) {
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (!(e.getValue() instanceof Factorized f)) {
                continue;
            }
            List<FactorProduct> products = f.factorProducts();
            for (int k = 0; k < products.size(); k++) {
                FactorProduct p = products.get(k);
                String base = e.getKey() + (products.size() > 1 ? "/" + k : "");
                for (int b = 0; b < p.batch(); b++) {
                    list.add(new Entry(base + (p.batch() > 1 ? "[" + b + "]" : ""), p, b));
                }
            }
        }
        this.entries = Collections.unmodifiableList(list);
    }

    /** @return the number of product matrices. */
    public int size() {
        return entries.size();
    }

    /** @return the entries' names (see the class comment), in order. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** @return ‖W_i‖_F of every entry i, in order (length {@link #size()}). */
    public double[] norms() {
        double[] out = new double[entries.size()];
        int i = 0;
        FactorProduct last = null;
        double[] sq = null;
        for (Entry e : entries) {
            if (e.product() != last) {
                last = e.product();
                sq = FrobeniusDecay.squaredNorms(last);
            }
            out[i++] = Math.sqrt(Math.max(0, sq[e.index()]));
        }
        return out;
    }

    /**
     * Scales the factors of every entry i so that its product's norm becomes {@code targets[i]}:
     * with c = the current ‖W_i‖_F and s = targets[i]/c, U and Vᵀ are each multiplied by √s (two
     * factors), or U, M and Vᵀ each by ∛s (three factors), so the product is multiplied by s and the
     * factors stay balanced. Acts on the values in place, outside autograd.
     *
     * @param targets length {@link #size()}, finite and ≥ 0
     * @throws IllegalArgumentException for a wrong length or a bad target, or when a product is 0 but
     *                                  its target is not (no scaling reaches it); names the entry
     */
    public void rescaleTo(double[] targets) {
        if (targets.length != entries.size()) {
            throw new IllegalArgumentException("FactorNorms.rescaleTo: " + targets.length + " targets for "
                    + entries.size() + " factorized products");
        }
        double[] now = norms();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            double t = targets[i];
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("FactorNorms.rescaleTo: target norm of " + e.name() + " is " + t
                        + "; expected a finite value >= 0");
            }
            if (now[i] == 0) {
                if (t == 0) {
                    continue;
                }
                throw new IllegalArgumentException("FactorNorms.rescaleTo: the product " + e.name() + " is 0, so no "
                        + "scaling of its factors reaches the target norm " + t);
            }
            double s = t / now[i];
            FactorProduct p = e.product();
            if (p.middle() == null) {
                float f = (float) Math.sqrt(s);
                scale(p.u(), e.index(), p.m(), p.r(), f);
                scale(p.vt(), e.index(), p.r(), p.n(), f);
            } else {
                float f = (float) Math.cbrt(s);
                scale(p.u(), e.index(), p.m(), p.r(), f);
                scale(p.middle(), e.index(), p.r(), p.r(), f);
                scale(p.vt(), e.index(), p.r(), p.n(), f);
            }
        }
    }

    /** Multiplies matrix {@code b} (logical rows×cols) of {@code v} by {@code f}, honouring its storage layout. */
    private static void scale(MatrixView v, int b, int rows, int cols, float f) {
        int storedRows = v.transposed() ? cols : rows;
        int storedCols = v.transposed() ? rows : cols;
        Tensor t = v.tensor();
        float[] d = t.data();
        int base = t.offset() + v.offset() + b * v.batchStride();
        for (int i = 0; i < storedRows; i++) {
            int row = base + i * v.ld();
            for (int j = 0; j < storedCols; j++) {
                d[row + j] *= f;
            }
        }
    }
}
