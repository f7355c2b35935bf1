package org.fnl4j.spark;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.fnl4j.data.Batch;
import org.fnl4j.io.Json;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Replica;

/**
 * The task of one partition in one round, run on an executor: take a replica (built once per
 * executor JVM and concurrent task, then reused), load the round's start state into it, train it
 * on the partition's batches of the round's global steps, and return its state. Everything the
 * task computes is a function of the broadcast state and (seed, epoch, batch, partition), so a
 * retried task returns the same bits. Failures are rethrown with {@link #MARK}, the partition and
 * the host, which the driver reports.
 */
final class RoundTask implements Function2<Integer, Iterator<Object>, Iterator<RoundResult>> {
    private static final long serialVersionUID = 1L;
    /** Prefix of the messages of task failures, so the driver can find them in Spark's report. */
    static final String MARK = "[fnl4j-spark] ";
    /**
     * Idle replicas by recipe and data shape, one per concurrently running task of an executor JVM;
     * the replicas of the few most recent recipes are kept.
     */
    private static final Map<String, Queue<Replica>> IDLE = ExecutorCache.create(4);

    private final TrainData data;
    private final String recipeJson;
    private final int batchesPerEpoch;
    private final int threads;
    private final Broadcast<RoundStart> start;
    private final SparkTrainer.FailFirstAttempt fault;

    RoundTask(TrainData data, Recipe recipe, int batchesPerEpoch, int threads, Broadcast<RoundStart> start,
              SparkTrainer.FailFirstAttempt fault) {
        this.data = data;
        this.recipeJson = Json.write(recipe.toJson());
        this.batchesPerEpoch = batchesPerEpoch;
        this.threads = threads;
        this.start = start;
        this.fault = fault;
    }

    @Override
    public Iterator<RoundResult> call(Integer partition, Iterator<Object> rows) {
        String host = host();
        try {
            return List.of(run(partition, rows, host)).iterator();
        } catch (RuntimeException | java.io.IOException e) {
            throw new IllegalStateException(MARK + "partition " + partition + " on " + host + ": " + describe(e), e);
        }
    }

    private RoundResult run(int p, Iterator<Object> rows, String host) throws java.io.IOException {
        long t0 = System.nanoTime();
        if (threads > 0) {
            Parallel.setThreads(threads);
        }
        RoundStart s = start.value();
        TrainData.Shard shard = data.open(p, rows);
        Replica replica = take(recipeJson, shard, batchesPerEpoch);
        replica.importState(s.state());
        long items = 0;
        long correct = 0;
        double lossSum = 0;
        long seed = replica.recipe().seed();
        for (int i = 0; i < s.steps(); i++) {
            int b = s.batch() + i;
            Batch batch = shard.batch(s.epoch(), b);
            if (batch == null) {
                continue;
            }
            replica.reseedGenerators(seed, s.step() + i, p);
            Replica.StepResult r = replica.step(batch, s.epoch(), b, s.step() + i);
            items += r.items();
            correct += r.correct();
            lossSum += r.loss() * r.items();
        }
        Replica.State out = replica.exportState();
        long compute = System.nanoTime() - t0;
        // The replica goes back only after a complete round, so a failed task never leaves a half-trained one.
        give(recipeJson, shard, batchesPerEpoch, replica);
        if (fault != null && fault.round() == s.round() && fault.partition() == p
                && TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of the first attempt of partition " + p + " in round "
                    + s.round() + " (SparkTrainer.Builder.failFirstAttempt, for testing retries)");
        }
        return new RoundResult(p, out, items, lossSum, correct, compute, host);
    }

    private static String key(String recipeJson, TrainData.Shard shard, int batchesPerEpoch) {
        return recipeJson + "|" + batchesPerEpoch + "|" + java.util.Arrays.toString(shard.shape().exampleShape());
    }

    /** @return an idle replica of the recipe for this data, or a new one (built from the recipe's seed). */
    static Replica take(String recipeJson, TrainData.Shard shard, int batchesPerEpoch) throws java.io.IOException {
        Queue<Replica> idle = IDLE.computeIfAbsent(key(recipeJson, shard, batchesPerEpoch),
                k -> new ConcurrentLinkedQueue<>());
        Replica replica = idle.poll();
        return replica != null ? replica
                : Replica.create(Recipe.fromJson(Json.parseObject(recipeJson)), shard.shape(), batchesPerEpoch);
    }

    /** Returns a replica to the executor's idle pool. */
    static void give(String recipeJson, TrainData.Shard shard, int batchesPerEpoch, Replica replica) {
        IDLE.computeIfAbsent(key(recipeJson, shard, batchesPerEpoch), k -> new ConcurrentLinkedQueue<>()).add(replica);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown host";
        }
    }

    /**
     * The task of the first job: open the partition's data, build a replica of the recipe (so a
     * recipe an executor cannot build fails here, named, and the rounds do not pay for loading and
     * building), and report how many steps the partition can serve.
     */
    static final class Probe implements Function2<Integer, Iterator<Object>, Iterator<int[]>> {
        private static final long serialVersionUID = 1L;
        private final TrainData data;
        private final String recipeJson;

        Probe(TrainData data, Recipe recipe) {
            this.data = data;
            this.recipeJson = Json.write(recipe.toJson());
        }

        @Override
        public Iterator<int[]> call(Integer p, Iterator<Object> rows) {
            try {
                TrainData.Shard s = data.open(p, rows);
                // With files every partition knows the epoch's steps; with tables the driver takes the smallest
                // partition's, and a replica built for another count is simply not reused.
                give(recipeJson, s, s.batchesPerEpoch(), take(recipeJson, s, s.batchesPerEpoch()));
                List<int[]> out = new ArrayList<>();
                out.add(new int[] {p, s.batchesPerEpoch(), s.size()});
                return out.iterator();
            } catch (RuntimeException | java.io.IOException e) {
                throw new IllegalStateException(MARK + "partition " + p + " on " + host() + ": " + describe(e), e);
            }
        }
    }
}
