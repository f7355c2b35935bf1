package org.fnl4j.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Tensor;

/**
 * A module's state as named tensors: every parameter and buffer under its dotted name (e.g.
 * {@code layer1.0.conv1.weight}, {@code layer1.0.bn1.running_mean}), the form in which model files
 * and checkpoints store it. Parameters and buffers share one namespace ({@link Module} rejects a
 * name used twice in a module).
 */
public final class StateDict {
    private StateDict() {}

    /**
     * @return the live parameter and buffer tensors of {@code module} (not copies), parameters first,
     *         each group in registration order, keys prefixed with {@code prefix}
     */
    public static Map<String, Tensor> of(Module module, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            out.put(prefix + e.getKey(), e.getValue().value());
        }
        for (Map.Entry<String, Tensor> e : module.namedBuffers().entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        return out;
    }

    /** @return {@link #of(Module, String)} with no prefix. */
    public static Map<String, Tensor> of(Module module) {
        return of(module, "");
    }

    /**
     * Copies stored tensors into {@code module}'s parameters and buffers. Every tensor of the module
     * must be present under {@code prefix + name} with the same shape, and (with {@code strict}) no
     * stored tensor with that prefix may be left unused. Everything is checked before anything is
     * copied, so a mismatch leaves the module unchanged.
     *
     * @param source file name for error messages
     * @throws ModelFormatException listing the missing, unexpected or mis-shaped tensors
     */
    public static void load(Module module, Map<String, Tensor> stored, String prefix, boolean strict, String source)
            throws ModelFormatException {
        Map<String, Tensor> live = of(module, prefix);
        TreeSet<String> missing = new TreeSet<>();
        StringBuilder shapes = new StringBuilder();
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            Tensor s = stored.get(e.getKey());
            if (s == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(s.shape(), e.getValue().shape())) {
                if (shapes.length() > 0) shapes.append("; ");
                shapes.append(e.getKey()).append(" is ").append(Arrays.toString(s.shape())).append(" in the file but ")
                        .append(Arrays.toString(e.getValue().shape())).append(" in the model");
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        if (strict) {
            for (String k : stored.keySet()) {
                if (k.startsWith(prefix) && !live.containsKey(k)) {
                    unexpected.add(k);
                }
            }
        }
        if (!missing.isEmpty() || shapes.length() > 0 || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("the stored weights do not match the architecture:");
            if (!missing.isEmpty()) msg.append(" missing ").append(abbreviate(missing)).append('.');
            if (!unexpected.isEmpty()) msg.append(" unexpected ").append(abbreviate(unexpected)).append('.');
            if (shapes.length() > 0) msg.append(" shape mismatch: ").append(shapes).append('.');
            throw new ModelFormatException(source, msg.toString());
        }
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            Tensor dst = e.getValue();
            Tensor src = stored.get(e.getKey());
            System.arraycopy(src.data(), src.offset(), dst.data(), dst.offset(), dst.size());
        }
    }

    private static String abbreviate(TreeSet<String> names) {
        if (names.size() <= 8) {
            return names.toString();
        }
        return names.stream().limit(8).toList() + " and " + (names.size() - 8) + " more";
    }
}
