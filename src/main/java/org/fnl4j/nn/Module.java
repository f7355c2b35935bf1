package org.fnl4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A network component in the PyTorch style: it owns named {@link Parameter}s, named buffers
 * (non-trained state such as BatchNorm running statistics) and named child modules, has a
 * train/eval mode, and maps an input tensor to an output tensor with differentiable ops.
 *
 * <p>Names are dotted paths, e.g. {@code layer1.0.conv1.weight}, in registration order.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Runs the module on {@code input}; shapes are documented by each subclass. */
    public abstract Tensor forward(Tensor input);

    /** Registers and returns a parameter under {@code name}. */
    protected Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        params.put(name, p);
        return p;
    }

    /** Registers and returns a buffer under {@code name} (saved with the model, not trained). */
    protected Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers and returns a child module under {@code name}. */
    protected <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    /**
     * Replaces the registered child {@code name} with {@code m} at the same position and returns the
     * old child. Model surgery (e.g. swapping a dense layer for a factorized one) uses this; the
     * modules of this package look their children up by name when they run, so the replacement
     * takes effect in {@link #forward}.
     */
    public Module replaceModule(String name, Module m) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".replaceModule: no child named '" + name
                    + "'; children are " + children.keySet());
        }
        if (m == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".replaceModule: replacement for '" + name
                    + "' is null");
        }
        return children.put(name, m);
    }

    /** @return the registered child {@code name}; fails with the list of children when there is none. */
    protected Module child(String name) {
        Module m = children.get(name);
        if (m == null) {
            throw new IllegalStateException(getClass().getSimpleName() + ": no child named '" + name + "'; children are "
                    + children.keySet());
        }
        return m;
    }

    /**
     * Re-initializes this module's parameters from {@code rng} (and resets buffers such as running
     * statistics). The default resets the children in registration order; layers with parameters
     * override it with their own initializer.
     */
    public void resetParameters(Rng rng) {
        for (Module c : children.values()) {
            c.resetParameters(rng);
        }
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a member name must be non-empty and "
                    + "contain no '.', got '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    /** @return this module's own parameters (not its children's), by name. */
    public Map<String, Parameter> localParameters() {
        return Collections.unmodifiableMap(params);
    }

    /** @return this module's own buffers, by name. */
    public Map<String, Tensor> localBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** @return the direct children, by name. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** @return every parameter in this module and its descendants, by dotted name. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, null);
        return out;
    }

    /** @return every buffer in this module and its descendants, by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", null, out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> ps, Map<String, Tensor> bs) {
        if (ps != null) {
            params.forEach((k, v) -> ps.put(prefix + k, v));
        }
        if (bs != null) {
            buffers.forEach((k, v) -> bs.put(prefix + k, v));
        }
        children.forEach((k, m) -> m.collect(prefix + k + ".", ps, bs));
    }

    /** @return every module in the tree (this first, then depth-first), by dotted name ("" for this). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((k, m) -> m.collectModules(name.isEmpty() ? k : name + "." + k, out));
    }

    /** @return all parameters, in {@link #namedParameters()} order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** @return the number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** Sets training mode on this module and all descendants; returns this. */
    public Module train(boolean on) {
        this.training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /** Shorthand for {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient values (zeroes them in place). */
    public void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            p.value().zeroGrad();
        }
    }

    /** One line describing this module's own configuration, e.g. {@code Linear(784 -> 512, bias)}. */
    protected String describe() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        boolean first = true;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(e.getKey()).append('=').append(Arrays.toString(e.getValue().shape()));
        }
        return sb.append(')').toString();
    }

    /** A PyTorch-style tree of the modules with parameter counts. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        print(sb, "", "");
        sb.append("Total parameters: ").append(String.format("%,d", parameterCount()));
        return sb.toString();
    }

    private void print(StringBuilder sb, String indent, String name) {
        sb.append(indent);
        if (!name.isEmpty()) sb.append('(').append(name).append("): ");
        sb.append(describe());
        if (children.isEmpty()) {
            sb.append('\n');
            return;
        }
        sb.append(" {\n");
        children.forEach((k, m) -> m.print(sb, indent + "  ", k));
        sb.append(indent).append("}\n");
    }
}
