package org.fnl4j.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.fnl4j.data.Batch;
import org.fnl4j.io.Json;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.RunData;

/**
 * Training data read on every executor from the recipe's {@code data} (IDX, CIFAR binary or text
 * files at a path every node sees): each executor loads the set as {@code fnl train} does, and
 * partition p of P takes rows [⌊p·b/P⌋, ⌊(p+1)·b/P⌋) of the single-process run's global batch of b
 * examples. So the P partitions of a step together see exactly the examples, order and
 * augmentation of that step of {@code fnl train} with the same recipe.
 */
final class PathData implements TrainData {
    private static final long serialVersionUID = 1L;
    /**
     * Data sets loaded by this executor JVM, by training run: loaded by a run's first task, reused by
     * its later rounds, and dropped when newer runs have loaded theirs (a new run reads the files again).
     */
    private static final Map<String, RunData> LOADED = ExecutorCache.create(2);

    private final String recipeJson;
    private final int partitions;
    private final String run;

    /** @param run a name unique to the training run (its cache key on the executors) */
    PathData(Recipe recipe, int partitions, String run) {
        this.recipeJson = Json.write(recipe.toJson());
        this.partitions = partitions;
        this.run = run;
    }

    @Override
    public Shard open(int partition, Iterator<?> rows) throws IOException {
        Recipe r = Recipe.fromJson(Json.parseObject(recipeJson));
        RunData data = ExecutorCache.get(LOADED, run, () -> RunData.load(r));
        return new Shard() {
            @Override
            public int batchesPerEpoch() {
                return data.train().batchesPerEpoch();
            }

            @Override
            public int size() {
                return data.train().size();
            }

            @Override
            public Batch batch(int epoch, int index) {
                return slice(data.train().batch(epoch, index), partition, partitions);
            }

            @Override
            public RunData shape() {
                return data;
            }
        };
    }

    /**
     * @return rows [⌊p·b/P⌋, ⌊(p+1)·b/P⌋) of a batch of b rows (inputs (b, ...), targets b·t), or null when empty
     */
    static Batch slice(Batch batch, int p, int parts) {
        Tensor x = batch.inputs();
        int[] shape = x.shape();
        int rows = shape[0];
        int from = (int) ((long) p * rows / parts);
        int to = (int) ((long) (p + 1) * rows / parts);
        if (to <= from) {
            return null;
        }
        int rowSize = x.size() / rows;
        int targetsPerRow = batch.targets().length / rows;
        int itemsPerRow = batch.items() / rows;
        float[] data = Arrays.copyOfRange(x.data(), x.offset() + from * rowSize, x.offset() + to * rowSize);
        int[] s = shape.clone();
        s[0] = to - from;
        int[] targets = Arrays.copyOfRange(batch.targets(), from * targetsPerRow, to * targetsPerRow);
        return new Batch(Tensor.of(data, s), targets, (to - from) * itemsPerRow);
    }
}
