package org.fnl4j.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fnl4j.onnx.OnnxModel.Attribute;
import org.fnl4j.onnx.OnnxModel.Node;
import org.fnl4j.onnx.OnnxModel.Tensor;

/**
 * Collects the nodes and initializers of a graph being exported; every value gets a unique name
 * derived from the module path that produced it (e.g. {@code layer2.0.conv1/Conv}).
 */
final class GraphBuilder {
    final List<Node> nodes = new ArrayList<>();
    final List<Tensor> initializers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private String unique(String base) {
        String n = base;
        for (int k = 1; !names.add(n); k++) {
            n = base + "_" + k;
        }
        return n;
    }

    /** Adds a float32 initializer; returns its name. */
    String init(String name, float[] values, long... dims) {
        String n = unique(name);
        initializers.add(Tensor.floats(n, values, dims));
        return n;
    }

    /** Adds an fnl4j tensor as a float32 initializer; returns its name. */
    String init(String name, org.fnl4j.tensor.Tensor t) {
        String n = unique(name);
        initializers.add(Tensor.of(n, t));
        return n;
    }

    /** Adds an int64 initializer; returns its name. */
    String initLongs(String name, long... values) {
        String n = unique(name);
        initializers.add(Tensor.longs(n, values, values.length));
        return n;
    }

    /** Adds a float32 scalar (rank 0) initializer; returns its name. */
    String scalar(String name, float v) {
        String n = unique(name);
        initializers.add(Tensor.floats(n, new float[] {v}));
        return n;
    }

    /** Adds a node with one output named after it; returns the output name. */
    String node(String op, String path, List<String> inputs, Attribute... attributes) {
        String name = unique((path.isEmpty() ? "" : path + "/") + op);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            attrs.put(a.name(), a);
        }
        nodes.add(new Node(name, op, List.copyOf(inputs), List.of(name), attrs));
        return name;
    }

    /** Renames the output of the node that produces {@code value} (used for the graph output). */
    void renameOutput(String value, String newName) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.outputs().get(0).equals(value)) {
                nodes.set(i, new Node(n.name(), n.opType(), n.inputs(), List.of(newName), n.attributes()));
                return;
            }
        }
        throw new IllegalStateException("GraphBuilder: no node produces " + value);
    }
}
