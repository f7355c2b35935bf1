package org.fnl4j.train;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.nn.BatchNorm;
import org.fnl4j.nn.Module;

/**
 * Re-estimates the running statistics of a model's BatchNorm layers from training batches, as
 * PyTorch's {@code torch.optim.swa_utils.update_bn}: the statistics are reset, then N batches are
 * run forward in training mode without recording gradients, with momentum 1/k on the k-th batch, so
 * that each layer's running mean and (unbiased) variance end as the plain average of its N batch
 * statistics under the final weights (dropout, if the model has any, is active as in training).
 * Parameters are not touched; the layers' momenta and the model's
 * training/eval mode are restored afterwards. Used to tell whether a model's test accuracy suffers
 * from running statistics that lag behind its weights.
 */
public final class BatchNormStats {
    private BatchNormStats() {}

    /**
     * @param model   any model; inputs of (N, C, H, W) images or whatever its batches hold
     * @param train   training batches; batches 0, 1, … of epoch 0, continuing into later epochs when
     *                {@code batches} exceeds one epoch
     * @param batches N ≥ 1
     * @return the number of BatchNorm layers re-estimated (0: the model has none and is unchanged)
     */
    public static int recompute(Module model, BatchSource train, int batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("BatchNormStats.recompute: batches must be >= 1, got " + batches);
        }
        List<BatchNorm> norms = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm bn) {
                norms.add(bn);
            }
        }
        if (norms.isEmpty()) {
            return 0;
        }
        float[] momenta = new float[norms.size()];
        for (int i = 0; i < norms.size(); i++) {
            momenta[i] = norms.get(i).momentum();
            norms.get(i).resetRunningStats();
        }
        boolean was = model.isTraining();
        int perEpoch = train.batchesPerEpoch();
        try (Autograd.Scope s = Autograd.noGrad()) {
            model.train(true);
            for (int k = 0; k < batches; k++) {
                float m = 1f / (k + 1);
                norms.forEach(bn -> bn.setMomentum(m));
                model.forward(train.batch(k / perEpoch, k % perEpoch).inputs());
            }
        } finally {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).setMomentum(momenta[i]);
            }
            model.train(was);
        }
        return norms.size();
    }
}
