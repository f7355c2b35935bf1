package org.fnl4j.spark;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Idle replicas by recipe and data shape, one per concurrently running task of an executor JVM. */
    private static final Map<String, Queue<Replica>> IDLE = new ConcurrentHashMap<>();

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
        String key = recipeJson + "|" + batchesPerEpoch + "|" + java.util.Arrays.toString(shard.shape().exampleShape());
        Queue<Replica> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        Replica replica = idle.poll();
        if (replica == null) {
            Recipe recipe = Recipe.fromJson(Json.parseObject(recipeJson));
            replica = Replica.create(recipe, shard.shape(), batchesPerEpoch);
        }
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
        idle.add(replica);
        if (fault != null && fault.round() == s.round() && fault.partition() == p
                && TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of the first attempt of partition " + p + " in round "
                    + s.round() + " (SparkTrainer.Builder.failFirstAttempt, for testing retries)");
        }
        return new RoundResult(p, out, items, lossSum, correct, compute, host);
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

    /** The task of the first job: open the partition's data and report how many steps it can serve. */
    static final class Probe implements Function2<Integer, Iterator<Object>, Iterator<int[]>> {
        private static final long serialVersionUID = 1L;
        private final TrainData data;

        Probe(TrainData data) {
            this.data = data;
        }

        @Override
        public Iterator<int[]> call(Integer p, Iterator<Object> rows) {
            try {
                TrainData.Shard s = data.open(p, rows);
                List<int[]> out = new ArrayList<>();
                out.add(new int[] {p, s.batchesPerEpoch(), s.size()});
                return out.iterator();
            } catch (RuntimeException | java.io.IOException e) {
                throw new IllegalStateException(MARK + "partition " + p + " on " + host() + ": " + describe(e), e);
            }
        }
    }
}
