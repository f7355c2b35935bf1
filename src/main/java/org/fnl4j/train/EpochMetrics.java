package org.fnl4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one finished epoch. Test metrics are NaN when the trainer has no test data.
 *
 * @param epoch          1-based epoch number
 * @param step           global optimizer step count at the end of the epoch
 * @param trainLoss      mean training loss over the epoch's items
 * @param trainAccuracy  fraction of training items predicted correctly (while training)
 * @param testLoss       mean test loss
 * @param testAccuracy   test accuracy
 * @param lr             learning rate of the epoch's last step (group 0)
 * @param itemsPerSecond training items per second of this epoch (evaluation excluded)
 * @param epochSeconds   seconds spent training this epoch (evaluation excluded)
 * @param evalSeconds    seconds spent evaluating
 * @param extra          additional named values (e.g. per-layer diagnostics), JSON-compatible
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double trainAccuracy, double testLoss,
        double testAccuracy, double lr, double itemsPerSecond, double epochSeconds, double evalSeconds,
        Map<String, Object> extra) {

    public EpochMetrics {
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** @return the metrics as a JSON-compatible map (non-finite values become null). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("step", step);
        m.put("train_loss", finite(trainLoss));
        m.put("train_accuracy", finite(trainAccuracy));
        m.put("test_loss", finite(testLoss));
        m.put("test_accuracy", finite(testAccuracy));
        m.put("lr", finite(lr));
        m.put("items_per_second", finite(itemsPerSecond));
        m.put("epoch_seconds", finite(epochSeconds));
        m.put("eval_seconds", finite(evalSeconds));
        m.putAll(extra);
        return m;
    }

    /** Rebuilds metrics from {@link #toJson()} (null → NaN); unknown keys go to {@link #extra()}. */
    public static EpochMetrics fromJson(Map<String, Object> m) {
        Map<String, Object> extra = new LinkedHashMap<>(m);
        for (String k : new String[] {"epoch", "step", "train_loss", "train_accuracy", "test_loss", "test_accuracy",
                "lr", "items_per_second", "epoch_seconds", "eval_seconds"}) {
            extra.remove(k);
        }
        return new EpochMetrics(((Number) m.get("epoch")).intValue(), ((Number) m.get("step")).longValue(),
                num(m.get("train_loss")), num(m.get("train_accuracy")), num(m.get("test_loss")),
                num(m.get("test_accuracy")), num(m.get("lr")), num(m.get("items_per_second")),
                num(m.get("epoch_seconds")), num(m.get("eval_seconds")), extra);
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
