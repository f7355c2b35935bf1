package org.fnl4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.linalg.Svd;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.tensor.Tensor;

/**
 * The paper's per-layer diagnostics: the Frobenius norm of each layer's (effective) weight, ‖UVᵀ‖_F
 * for factorized layers and ‖W‖_F for dense ones, the effective step size η/‖W‖²_F, and the
 * singular-value spectra.
 */
public final class LayerDiagnostics {
    private LayerDiagnostics() {}

    /** @return {layer: {"fro": ‖W‖_F, "eta_eff": lr / ‖W‖²_F, "factorized": bool}} for every weight layer. */
    public static Map<String, Object> layerStats(Module model, double lr) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights(model).entrySet()) {
            double sq = 0;
            Tensor w = e.getValue();
            float[] d = w.data();
            for (int i = w.offset(), end = w.offset() + w.size(); i < end; i++) {
                sq += (double) d[i] * d[i];
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("fro", Math.sqrt(sq));
            s.put("eta_eff", sq > 0 ? lr / sq : null);
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** @return {layer: [singular values, descending]} of every weight layer's matrix form (out × rest). */
    public static Map<String, Object> spectra(Module model) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Factorized f) {
                out.put(e.getKey(), toList(f.singularValues()));
            }
        }
        for (Map.Entry<String, Tensor> e : weights(model).entrySet()) {
            if (out.containsKey(e.getKey())) continue;
            Tensor w = e.getValue();
            int m = w.shape(0);
            int n = w.size() / m;
            out.put(e.getKey(), toList(Svd.singularValues(w.toArray(), m, n)));
        }
        return out;
    }

    /**
     * @return the effective weight of every layer by module name: the factor product of factorized
     *         layers, the WEIGHT parameter (≥ 2-d) of the others
     */
    public static Map<String, Tensor> weights(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> factorizedPrefixes = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Factorized f) {
                out.put(e.getKey(), f.product());
                factorizedPrefixes.add(e.getKey().isEmpty() ? "" : e.getKey() + ".");
            }
        }
        outer:
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (p.kind() != Parameter.Kind.WEIGHT || p.value().dim() < 2) continue;
            for (String pre : factorizedPrefixes) {
                if (e.getKey().startsWith(pre)) continue outer;
            }
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            out.put(dot < 0 ? name : name.substring(0, dot), p.value());
        }
        return out;
    }

    private static List<Object> toList(float[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (float x : a) l.add((double) x);
        return l;
    }
}
