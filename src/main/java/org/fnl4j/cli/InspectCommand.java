package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.tensor.Rng;
import org.fnl4j.train.LayerDiagnostics;

/** {@code fnl inspect MODEL}: architecture, parameter counts per layer and spectra of factorized layers. */
final class InspectCommand implements Command {
    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show a model file's architecture, parameters per layer and singular-value spectra";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .flag("json", "print the information as one JSON object on stdout instead of text")
                .opt("top", "K", "5", "how many leading singular values to show per layer")
                .positional("MODEL", "a model file or checkpoint");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl inspect: give exactly one MODEL file, got " + o.positional().size()
                    + " arguments");
        }
        int top = o.integer("top", 0, 10_000);
        Path file = Path.of(o.positional().get(0));
        Model model = Model.load(file);
        Module m = model.module();
        long dense = Models.build(model.spec(), new Rng(0)).parameterCount();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("file", file.toString());
        info.put("bytes", Files.size(file));
        info.put("model", model.spec().toMap());
        info.put("factorization", model.factorization());
        long params = model.parameterCount();
        long pruned = model.prunedParameterCount();
        info.put("params", params);
        if (pruned > 0) {
            info.put("stored_params", m.parameterCount());
            info.put("pruned_params", pruned);
        }
        info.put("dense_params", dense);
        List<Object> layers = new ArrayList<>();
        Map<String, Object> spectra = LayerDiagnostics.spectra(m);
        for (Map.Entry<String, Module> e : m.namedModules().entrySet()) {
            Module mod = e.getValue();
            boolean fact = mod instanceof Factorized;
            if (mod.localParameters().isEmpty() && !fact) continue;
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", e.getKey().isEmpty() ? "(root)" : e.getKey());
            l.put("type", mod.getClass().getSimpleName());
            long n = 0;
            List<Object> shapes = new ArrayList<>();
            for (Map.Entry<String, Parameter> p : mod.localParameters().entrySet()) {
                n += p.getValue().size();
                shapes.add(p.getKey() + java.util.Arrays.toString(p.getValue().shape()));
            }
            l.put("params", n);
            l.put("shapes", shapes);
            if (fact) {
                Factorized f = (Factorized) mod;
                l.put("rank", f.rank());
                l.put("dense_params", f.denseParameterCount());
            }
            Object sv = spectra.get(e.getKey());
            if (sv instanceof List<?> list) {
                l.put("singular_values", list.subList(0, Math.min(top, list.size())));
                l.put("num_singular_values", list.size());
            }
            layers.add(l);
        }
        info.put("layers", layers);
        info.put("metadata", model.metadata());
        if (o.bool("json")) {
            out.println(Json.write(info));
            return 0;
        }
        out.println(file + " (" + String.format(Locale.ROOT, "%,d", Files.size(file)) + " bytes)");
        out.println("architecture:  " + Json.write(model.spec().toMap()));
        out.println("factorization: " + (model.factorization() == null ? "none (dense)" : Json.write(model.factorization())));
        out.printf(Locale.ROOT, "parameters:    %,d (dense model: %,d, %.1f%%)%n", params, dense, 100.0 * params / dense);
        if (pruned > 0) {
            out.printf(Locale.ROOT, "pruned:        %,d of the %,d stored weights are fixed at zero by magnitude pruning%n",
                    pruned, m.parameterCount());
        }
        Object acc = model.metadata().get("test_accuracy");
        if (acc instanceof Number a) {
            out.printf(Locale.ROOT, "test accuracy: %.2f%% (at save time)%n", 100 * a.doubleValue());
        }
        out.println();
        out.printf(Locale.ROOT, "%-28s %-18s %10s %6s  %s%n", "layer", "type", "params", "rank", "top singular values");
        for (Object lo : layers) {
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) lo;
            StringBuilder sv = new StringBuilder();
            if (l.get("singular_values") instanceof List<?> list) {
                for (Object v : list) sv.append(String.format(Locale.ROOT, "%.3g ", ((Number) v).doubleValue()));
                if (((Number) l.get("num_singular_values")).intValue() > list.size()) sv.append("...");
            }
            out.printf(Locale.ROOT, "%-28s %-18s %,10d %6s  %s%n", l.get("name"), l.get("type"),
                    ((Number) l.get("params")).longValue(), l.containsKey("rank") ? l.get("rank") : "", sv);
        }
        out.println();
        out.println(m);
        return 0;
    }
}
