package org.fnl4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;

/**
 * What a {@link Run} produced.
 *
 * @param recipe        the recipe that was run
 * @param dir           the run directory (holding {@value Run#MODEL})
 * @param description   e.g. "factorized resnet20 (rank 0.111, SI, FD)"
 * @param dataName      the data set, e.g. "fashion-mnist (datasets/fashion-mnist)"
 * @param text          true for a language model (its loss is per character)
 * @param unit          "img" or "tok"
 * @param model         the trained network (in eval mode)
 * @param spec          its architecture
 * @param factorization its factorization, or null when dense
 * @param training      per-epoch metrics, steps and time
 * @param params        parameters holding trained weights (pruned weights excluded)
 * @param denseParams   parameters of the dense network of the same architecture
 * @param prunedParams  weights a pruning mask holds at zero, or null when not pruned
 * @param nonzeroParams parameters that are not zero after training, or null when not pruned
 */
public record RunResult(Recipe recipe, Path dir, String description, String dataName, boolean text, String unit,
                        Module model, ModelSpec spec, FactorizationSpec factorization, TrainResult training, long params,
                        long denseParams, Long prunedParams, Long nonzeroParams) {

    /** @return the test accuracy after the last epoch, in [0, 1]. */
    public double testAccuracy() {
        return training.last().testAccuracy();
    }

    /** @return the mean test loss after the last epoch (nats per item). */
    public double testLoss() {
        return training.last().testLoss();
    }

    /**
     * The result as one JSON object (the line {@code fnl train} prints): test_accuracy, test_loss,
     * test_bits_per_char (text), params, dense_params, pruned_params and nonzero_params (pruned
     * runs), epochs, train_seconds, images_per_second or tokens_per_second, model, data, out.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("test_accuracy", testAccuracy());
        res.put("test_loss", testLoss());
        if (text) {
            res.put("test_bits_per_char", testLoss() / Math.log(2));
        }
        res.put("params", params);
        res.put("dense_params", denseParams);
        if (prunedParams != null) {
            res.put("pruned_params", prunedParams);
            res.put("nonzero_params", nonzeroParams);
        }
        res.put("epochs", training.history().size());
        res.put("train_seconds", Math.round(training.trainSeconds() * 10) / 10.0);
        res.put(text ? "tokens_per_second" : "images_per_second", Math.round(training.itemsPerSecond() * 10) / 10.0);
        res.put("model", description);
        res.put("data", dataName);
        res.put("out", dir.toString());
        return res;
    }
}
