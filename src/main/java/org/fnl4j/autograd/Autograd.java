package org.fnl4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import org.fnl4j.tensor.GradFn;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * The define-by-run tape. An op computes its output, then calls {@link #record} with the backward
 * closure that sits beside its forward; {@link #backward(Tensor)} runs those closures in reverse
 * topological order. After a backward, every node reached is released (closure and inputs
 * dropped, non-leaf gradients freed) so that a training step's activations become garbage at once
 * and memory does not grow step after step. The freed gradient arrays are recycled by the next
 * backward's {@link TapeAccess#gradBuffer} calls (zeroed), so a step allocates few new ones.
 *
 * <p>Backward closures <b>accumulate</b> into their inputs' gradients ({@link TapeAccess#gradBuffer})
 * and must skip inputs with {@code requiresGrad() == false}.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** @return true unless the current thread is inside a {@link #noGrad()} scope. */
    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Opens a scope in which no op is recorded (evaluation, inference, parameter updates):
     * {@code try (var scope = Autograd.noGrad()) { ... }}. Scopes nest.
     */
    public static Scope noGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        depth[0]++;
        return new Scope(depth);
    }

    /** A {@link #noGrad()} scope; closing it restores the previous mode. */
    public static final class Scope implements AutoCloseable {
        private final int[] depth;
        private boolean closed;

        private Scope(int[] depth) {
            this.depth = depth;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
            }
        }
    }

    /** @return true when an op on these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records {@code out} as produced by op {@code name} from {@code inputs}, if any input needs a
     * gradient and grad mode is on; otherwise does nothing. Returns {@code out}.
     *
     * @param backward reads {@code out.grad()} and accumulates into the inputs' gradient buffers
     */
    public static Tensor record(String name, Tensor out, Runnable backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            TapeAccess.setGradFn(out, new Node(name, inputs, backward));
        }
        return out;
    }

    /** Backpropagates from a one-element tensor (the loss), seeding its gradient with 1. */
    public static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new IllegalArgumentException("backward: expected a one-element loss, got shape "
                    + Arrays.toString(root.shape()) + "; pass a seed gradient for non-scalar outputs");
        }
        backward(root, new float[] {1f});
    }

    /** Backpropagates from {@code root} with the given seed gradient (length {@code root.size()}). */
    public static void backward(Tensor root, float[] seed) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("backward: the tensor does not require a gradient "
                    + "(no input had requiresGrad, or it was computed under noGrad)");
        }
        if (seed.length != root.size()) {
            throw new IllegalArgumentException("backward: seed has " + seed.length + " values, tensor "
                    + Arrays.toString(root.shape()) + " has " + root.size());
        }
        float[] g = TapeAccess.gradBuffer(root);
        for (int i = 0; i < seed.length; i++) {
            g[i] += seed[i];
        }
        List<Tensor> order = topologicalOrder(root);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            GradFn fn = t.gradFn();
            if (t.grad() != null) {
                fn.backward();
            }
            if (fn instanceof Node node) {
                node.release();
            }
            if (!t.retainsGrad()) {
                TapeAccess.recycleGrad(t);
            }
            TapeAccess.setGradFn(t, null);
        }
    }

    /** Non-leaf tensors reachable from root, each after all tensors it depends on. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        if (root.gradFn() == null) {
            return order;
        }
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn().inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.gradFn() != null && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
