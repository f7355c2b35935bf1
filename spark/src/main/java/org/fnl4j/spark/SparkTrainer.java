package org.fnl4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.train.BatchSource;
import org.fnl4j.train.Checkpoint;
import org.fnl4j.train.EpochMetrics;
import org.fnl4j.train.Evaluation;
import org.fnl4j.train.MetricsLog;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Replica;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunData;
import org.fnl4j.train.Sources;
import org.fnl4j.train.Trainer;
import scala.Tuple2;

/**
 * Trains a {@link Recipe} on a Spark cluster by synchronous data parallelism with periodic
 * parameter averaging, into a run directory holding the same files as {@code fnl train}'s
 * ({@value Run#RECIPE}, {@value Run#METRICS}, {@value Run#CHECKPOINT}, {@value Run#MODEL}) plus
 * {@value #ROUNDS} (one line per round: loss, images/s, compute and synchronization time, bytes).
 *
 * <pre>{@code
 * JavaSparkContext sc = new JavaSparkContext(SparkSession.builder().getOrCreate().sparkContext());
 * Recipe recipe = Recipe.builder().data(DataRef.parse("fashion-mnist:full")).rank(0.111).build();
 * SparkResult r = SparkTrainer.builder(sc, recipe, Path.of("runs/spark")).partitions(8).syncEvery(10).build().fit();
 * Model m = Model.load(r.modelFile());
 * }</pre>
 *
 * <p><b>A round.</b> The driver broadcasts the state (parameters, BatchNorm statistics, optimizer
 * buffers); each of the P partitions loads it into its replica and takes K optimizer steps on its
 * own batches (b/P examples of each global batch of b = the recipe's batch); the driver collects
 * the P states and averages them in partition order, weighted by the examples each trained on
 * ({@link Replica#average}); that is the next round's start. A round never spans two epochs (the
 * last round of an epoch is shorter), so test accuracy is measured at the same points as by
 * {@code fnl train}. K = 1 with {@code --optimizer plain} is synchronous SGD on the combined batch.
 *
 * <p><b>Optimizer state, schedule, BatchNorm.</b> Momentum buffers (and AdamW's moments) are
 * averaged with the weights: they are linear in the gradients for SGD, so at K = 1 averaging them
 * gives exactly the momentum of single-process SGD on the combined batch, and for K &gt; 1 every
 * replica starts its round from one shared velocity instead of a stale private one (a task can run
 * on any executor, so per-partition state would also have to travel). The learning rate of every
 * step comes from the recipe's schedule at the step's global position (epoch, batch, step), as in
 * {@code fnl train}. BatchNorm normalizes each replica's batch with that batch's statistics
 * (b/P examples, as data-parallel PyTorch without SyncBatchNorm), and the running statistics are
 * averaged like the weights.
 *
 * <p><b>Determinism.</b> A replica's batches are a pure function of (seed, epoch, batch,
 * partition) and its start state is the broadcast one, so a task that Spark retries or reruns
 * after losing an executor returns the same bits; the driver sums in partition order, whatever
 * order the results arrive in. Same recipe, P, K and threads per task: the same model, bit for bit.
 * After each round the driver writes the checkpoint atomically (the single-machine format, with
 * the round counter, K and P under {@code spark} in its header); {@link #resume} continues from it
 * with the same bits as an uninterrupted job.
 */
public final class SparkTrainer {
    /** Per-round statistics, one JSON object per line. */
    public static final String ROUNDS = "rounds.jsonl";

    /**
     * A test hook: the first attempt of partition {@code partition}'s task in round {@code round}
     * throws after computing, so that Spark retries it (needs {@code spark.task.maxFailures} ≥ 2,
     * e.g. master {@code local[2,2]}).
     */
    public record FailFirstAttempt(long round, int partition) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * What one round did.
     *
     * @param round          0-based round
     * @param epoch          1-based epoch
     * @param steps          optimizer steps each replica took
     * @param loss           mean training loss over the round's items
     * @param items          examples trained on, all partitions
     * @param seconds        wall time of the round on the driver, from the broadcast to the averaged state (the
     *                       checkpoint write after it is not included)
     * @param computeSeconds the slowest partition's time loading batches and stepping
     * @param syncSeconds    {@code seconds − computeSeconds}: broadcasting, scheduling, collecting and averaging
     * @param bytes          floats moved × 4: the state broadcast to P replicas plus the P states collected
     */
    public record RoundStats(long round, int epoch, int steps, double loss, long items, double seconds,
                             double computeSeconds, double syncSeconds, long bytes) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("round", round);
            m.put("epoch", epoch);
            m.put("steps", steps);
            m.put("loss", loss);
            m.put("items", items);
            m.put("seconds", seconds);
            m.put("compute_seconds", computeSeconds);
            m.put("sync_seconds", syncSeconds);
            m.put("bytes", bytes);
            m.put("items_per_second", items / Math.max(seconds, 1e-9));
            return m;
        }
    }

    /**
     * The result of {@link #fit()}.
     *
     * @param dir          the run directory
     * @param modelFile    the trained model ({@code model.fnl}), readable by {@code Model.load} and {@code fnl eval}
     * @param replica      the driver's copy of the trained network
     * @param history      metrics per epoch (test accuracy when test data was given)
     * @param rounds       statistics of the rounds run by this call
     */
    public record SparkResult(Path dir, Path modelFile, Replica replica, List<EpochMetrics> history,
                              List<RoundStats> rounds) {
        /** @return the last epoch's test accuracy (NaN without test data). */
        public double testAccuracy() {
            return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
        }
    }

    private final JavaSparkContext sc;
    private final Recipe recipe;
    private final Path dir;
    private final boolean resuming;
    private final int syncEvery;
    private final int partitions;
    private final int threads;
    private final Consumer<String> log;
    private final FailFirstAttempt fault;

    private SparkTrainer(Builder b) {
        this.sc = b.sc;
        this.recipe = b.recipe;
        this.dir = b.dir;
        this.resuming = b.resuming;
        this.syncEvery = b.syncEvery;
        this.partitions = b.partitions;
        this.threads = b.threads;
        this.log = b.log;
        this.fault = b.fault;
    }

    /**
     * A new run of {@code recipe} into {@code dir}.
     *
     * @throws IllegalStateException when {@code dir} already holds a run (continue it with {@link #resume})
     */
    public static Builder builder(JavaSparkContext sc, Recipe recipe, Path dir) {
        if (Run.holdsRun(dir)) {
            throw new IllegalStateException(dir + " already holds a run; continue it with SparkTrainer.resume or choose "
                    + "another directory");
        }
        return new Builder(sc, recipe, dir, false);
    }

    /**
     * Continues the run in {@code dir} from its checkpoint, with the recipe, K and P stored in it.
     *
     * @throws IllegalArgumentException when {@code dir} has no checkpoint or the checkpoint was not written by this class
     */
    @SuppressWarnings("unchecked")
    public static Builder resume(JavaSparkContext sc, Path dir) throws IOException {
        Path ck = dir.resolve(Run.CHECKPOINT);
        if (!Files.isRegularFile(ck)) {
            throw new IllegalArgumentException(dir + ": no " + Run.CHECKPOINT + " in that directory (is it the run "
                    + "directory of a Spark training?)");
        }
        Map<String, Object> header = Checkpoint.read(ck).header();
        if (!(header.get("spark") instanceof Map<?, ?> spark)) {
            throw new IllegalArgumentException(ck + " was written by fnl train, not by a Spark training (its header "
                    + "has no 'spark' object); continue it with fnl train --resume " + dir);
        }
        Recipe recipe = Recipe.fromJson((Map<String, Object>) ((Map<String, Object>) header.get("metadata")).get("config"));
        Builder b = new Builder(sc, recipe, dir, true);
        b.syncEvery(((Number) spark.get("sync_every")).intValue()).partitions(((Number) spark.get("partitions")).intValue());
        return b;
    }

    /** Options of a {@link SparkTrainer}; defaults: K = 1, P = the context's default parallelism, 1 thread per task. */
    public static final class Builder {
        private final JavaSparkContext sc;
        private final Recipe recipe;
        private final Path dir;
        private final boolean resuming;
        private int syncEvery = 1;
        private int partitions;
        private int threads = 1;
        private Consumer<String> log = s -> { };
        private FailFirstAttempt fault;

        private Builder(JavaSparkContext sc, Recipe recipe, Path dir, boolean resuming) {
            if (sc == null || recipe == null || dir == null) {
                throw new IllegalArgumentException("SparkTrainer: a Spark context, a recipe and a run directory are required");
            }
            this.sc = sc;
            this.recipe = recipe;
            this.dir = dir;
            this.resuming = resuming;
            this.partitions = sc.defaultParallelism();
        }

        /** K: optimizer steps each replica takes between two averagings, ≥ 1. */
        public Builder syncEvery(int k) {
            if (k < 1) throw new IllegalArgumentException("SparkTrainer: syncEvery (K) must be >= 1, got " + k);
            this.syncEvery = k;
            return this;
        }

        /** P: replicas (Spark partitions), ≥ 1 and ≤ the recipe's batch. */
        public Builder partitions(int p) {
            if (p < 1) throw new IllegalArgumentException("SparkTrainer: partitions (P) must be >= 1, got " + p);
            this.partitions = p;
            return this;
        }

        /** Kernel threads of each task (match spark.task.cpus), ≥ 1. */
        public Builder threads(int t) {
            if (t < 1) throw new IllegalArgumentException("SparkTrainer: threads must be >= 1, got " + t);
            this.threads = t;
            return this;
        }

        /** Receives one line per round and a few messages about the run. */
        public Builder log(Consumer<String> messages) {
            this.log = messages;
            return this;
        }

        /** For tests of fault tolerance: see {@link FailFirstAttempt}. */
        public Builder failFirstAttempt(long round, int partition) {
            this.fault = new FailFirstAttempt(round, partition);
            return this;
        }

        /**
         * @throws IllegalArgumentException when P exceeds the batch or the recipe cannot be trained by replicas
         */
        public SparkTrainer build() {
            Replica.checkSupported(recipe);
            if (partitions > recipe.batch()) {
                throw new IllegalArgumentException("SparkTrainer: " + partitions + " partitions cannot share a batch of "
                        + recipe.batch() + " (each needs at least one example per step); use at most " + recipe.batch()
                        + " partitions or a larger --batch");
            }
            return new SparkTrainer(this);
        }
    }

    /** Trains on the recipe's data, read by every executor from its path (IDX, CIFAR binary or text files). */
    public SparkResult fit() throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) ids.add(p);
        JavaRDD<Object> tasks = sc.parallelize(ids, partitions).map(i -> (Object) i);
        RunData test = RunData.loadTest(recipe.data(), recipe.batch(), recipe.testLimit(), recipe.context());
        return train(tasks, new PathData(recipe, partitions, "run-" + UUID.randomUUID()), test, test.test());
    }

    /**
     * Trains on examples held in Spark: they are numbered in the RDD's order and example i goes to
     * partition i mod P (sorted by i within it), so the split is the same on every run and retry.
     *
     * @param train images of the recipe's data kind (its shape and normalization), labels in [0, 10)
     * @param test  examples evaluated on the driver after every epoch, or null for none
     */
    public SparkResult fit(JavaRDD<Example> train, List<Example> test) throws IOException {
        int[] shape = RowData.shapeOf(recipe.data());
        int p = partitions;
        JavaRDD<Object> shards = train.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(new ModPartitioner(p)).values().map(e -> (Object) e)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            RunData shapeOnly = new RunData(null, null, "spark examples", "img", false, shape, 10, 0, null);
            BatchSource testSource = null;
            if (test != null && !test.isEmpty()) {
                ImageDataset d = RowData.dataset("test examples", test.iterator(), shape);
                testSource = Sources.of(DataLoader.builder(d).batchSize(Math.max(recipe.batch(), 256))
                        .normalize(RowData.normalizationOf(recipe.data())).prefetch(false).build());
            }
            return train(shards, new RowData(recipe, p, "examples-" + UUID.randomUUID()), shapeOnly, testSource);
        } finally {
            shards.unpersist(false);
        }
    }

    /**
     * Trains on a table with an image column (binary of C·H·W bytes, or an array of numbers in
     * 0..255) and an integer label column; see {@link #fit(JavaRDD, List)}.
     *
     * @param test a table of the same columns evaluated after every epoch (collected to the driver), or null
     */
    public SparkResult fit(Dataset<Row> train, String imageColumn, String labelColumn, Dataset<Row> test)
            throws IOException {
        JavaRDD<Example> rdd = train.select(imageColumn, labelColumn).toJavaRDD().map(SparkTrainer::example);
        List<Example> t = test == null ? null : test.select(imageColumn, labelColumn).toJavaRDD()
                .map(SparkTrainer::example).collect();
        return fit(rdd, t);
    }

    /** A row (image, label) as an example. */
    static Example example(Row r) {
        Object img = r.get(0);
        byte[] px;
        if (img instanceof byte[] b) {
            px = b;
        } else if (img instanceof scala.collection.Seq<?> seq) {
            px = new byte[seq.size()];
            scala.collection.Iterator<?> it = seq.iterator();
            for (int i = 0; it.hasNext(); i++) {
                double v = ((Number) it.next()).doubleValue();
                if (!(v >= 0 && v <= 255)) {
                    throw new IllegalArgumentException("image column: pixel " + i + " is " + v + "; expected 0..255");
                }
                px[i] = (byte) Math.round(v);
            }
        } else {
            throw new IllegalArgumentException("image column: expected binary (C·H·W bytes) or an array of numbers in "
                    + "0..255, got " + (img == null ? "null" : img.getClass().getName()));
        }
        if (r.isNullAt(1) || !(r.get(1) instanceof Number label)) {
            throw new IllegalArgumentException("label column: expected an integer class, got " + r.get(1));
        }
        return new Example(px, label.intValue());
    }

    /** Sends example i to partition i mod P. */
    static final class ModPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;

        ModPartitioner(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) n);
        }
    }

    /**
     * Probes a {@code spark://host:port} master (other masters pass) with a TCP connection, so an
     * unreachable master is one clear error instead of Spark's retries.
     *
     * @throws IllegalArgumentException naming the master and why it cannot be reached
     */
    public static void checkMaster(String master, int timeoutMillis) {
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        String last = null;
        for (String hp : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hp);
            if (u.getHost() == null || u.getPort() < 0) {
                throw new IllegalArgumentException("Spark master " + master + ": expected spark://HOST:PORT[,HOST:PORT]");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), u.getPort()), timeoutMillis);
                return;
            } catch (IOException e) {
                last = hp + ": " + e.getMessage();
            }
        }
        throw new IllegalArgumentException("cannot reach the Spark master " + master + " (" + last + "); is it running, "
                + "and is the address the one its log prints?");
    }

    private SparkResult train(JavaRDD<Object> tasks, TrainData data, RunData shape, BatchSource test)
            throws IOException {
        Files.createDirectories(dir);
        // The first job: every partition opens its data and builds a replica, so a missing path, a bad table or a
        // recipe an executor cannot build fails here, named, before any training.
        List<int[]> probe = runJob("opening the training data and building the network", -1,
                () -> tasks.mapPartitionsWithIndex(new RoundTask.Probe(data, recipe), true).collect());
        int nb = Integer.MAX_VALUE;
        long trainSize = 0;
        for (int[] r : probe) {
            nb = Math.min(nb, r[1]);
            trainSize += data instanceof PathData ? 0 : r[2];
        }
        if (data instanceof PathData) {
            trainSize = probe.get(0)[2];
        }
        if (nb < 1) {
            throw new IllegalArgumentException("SparkTrainer: a partition has no complete batch of " + recipe.batch() / partitions);
        }
        Replica driver = Replica.create(recipe, shape, nb);
        Path ck = dir.resolve(Run.CHECKPOINT);
        Map<String, Object> cfg = recipe.toJson();
        int epoch = 0;
        int batch = 0;
        long step = 0;
        long round = 0;
        double trainSeconds = 0;
        long items = 0;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        double epochSeconds = 0;
        List<EpochMetrics> history = new ArrayList<>();
        MetricsLog metrics = new MetricsLog(dir.resolve(Run.METRICS));
        if (resuming) {
            Checkpoint.Loaded l = Checkpoint.read(ck);
            Checkpoint.State st = l.state();
            if (st.batchesPerEpoch() != nb || st.trainSize() != trainSize) {
                throw new IllegalArgumentException(ck + ": the checkpoint was made with " + st.trainSize() + " training "
                        + "examples in " + st.batchesPerEpoch() + " steps per epoch; the data now gives " + trainSize
                        + " in " + nb + " (resume with the same data)");
            }
            Checkpoint.restore(l, driver.model(), driver.optimizer());
            epoch = st.epoch();
            batch = st.batch();
            step = st.step();
            trainSeconds = st.trainSeconds();
            items = st.items();
            lossSum = st.lossSum();
            correct = st.correct();
            seen = st.seen();
            epochSeconds = st.epochSeconds();
            history.addAll(st.history());
            round = ((Number) ((Map<?, ?>) l.header().get("spark")).get("round")).longValue();
            log.accept("resuming " + dir + " at round " + round + " (epoch " + (epoch + 1) + ", batch " + batch + ")");
        } else {
            AtomicFiles.write(dir.resolve(Run.RECIPE), Json.writePretty(cfg).getBytes(StandardCharsets.UTF_8));
        }
        metrics.onTrainStart(new Trainer.RunInfo(recipe.epochs(), epoch, batch, nb, (int) trainSize,
                test == null ? 0 : test.size(), resuming));
        long roundsPerEpoch = (nb + syncEvery - 1) / syncEvery;
        long totalRounds = roundsPerEpoch * recipe.epochs();
        log.accept(String.format(Locale.ROOT, "%d partitions x %d thread(s), sync every %d step(s): %d steps of %d "
                        + "examples per epoch, %d rounds; %,d parameters", partitions, threads, syncEvery, nb,
                recipe.batch(), totalRounds, driver.model().parameterCount()));
        Replica.State state = driver.exportState();
        List<RoundStats> stats = new ArrayList<>();
        while (epoch < recipe.epochs()) {
            int k = Math.min(syncEvery, nb - batch);
            RoundStart start = new RoundStart(round, epoch, batch, k, step, state);
            long t0 = System.nanoTime();
            Broadcast<RoundStart> bc = sc.broadcast(start);
            RoundTask task = new RoundTask(data, recipe, nb, threads, bc, fault);
            long r = round;
            List<RoundResult> results = new ArrayList<>(runJob("round " + round, round,
                    () -> tasks.mapPartitionsWithIndex(task, true).collect()));
            results.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            List<Replica.State> states = new ArrayList<>();
            long[] weights = new long[results.size()];
            long roundItems = 0;
            double roundLoss = 0;
            long maxCompute = 0;
            for (int i = 0; i < results.size(); i++) {
                RoundResult res = results.get(i);
                states.add(res.state());
                weights[i] = res.items();
                roundItems += res.items();
                roundLoss += res.lossSum();
                correct += res.correct();
                maxCompute = Math.max(maxCompute, res.computeNanos());
            }
            if (results.size() != partitions) {
                throw new IllegalStateException("round " + r + ": " + results.size() + " partition results, expected "
                        + partitions);
            }
            state = Replica.average(states, weights);
            double seconds = (System.nanoTime() - t0) / 1e9;
            bc.destroy(false);
            driver.importState(state);
            long bytes = 4L * state.floats() * partitions * 2;
            if (!Double.isFinite(roundLoss)) {
                throw new IllegalStateException("training diverged in round " + r + " (loss " + roundLoss + "); the last "
                        + "good checkpoint is " + ck + " (try a lower learning rate)");
            }
            RoundStats rs = new RoundStats(round, epoch + 1, k, roundLoss / Math.max(roundItems, 1), roundItems, seconds,
                    maxCompute / 1e9, seconds - maxCompute / 1e9, bytes);
            stats.add(rs);
            Files.writeString(dir.resolve(ROUNDS), Json.write(rs.toJson()) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            log.accept(String.format(Locale.ROOT, "round %d/%d  epoch %d  step %d  loss %.4f  %.0f img/s  compute %.0f ms"
                            + "  sync %.0f ms  %.2f MB", round + 1, totalRounds, epoch + 1, step + k, rs.loss(),
                    roundItems / seconds, 1e3 * rs.computeSeconds(), 1e3 * rs.syncSeconds(), bytes / 1e6));
            lossSum += roundLoss;
            seen += roundItems;
            items += roundItems;
            epochSeconds += seconds;
            trainSeconds += seconds;
            step += k;
            batch += k;
            round++;
            if (batch == nb) {
                long e0 = System.nanoTime();
                Evaluation ev = test == null ? new Evaluation(Double.NaN, Double.NaN)
                        : Trainer.evaluate(driver.model(), test, Objectives.crossEntropy(0f));
                double evalSeconds = (System.nanoTime() - e0) / 1e9;
                Map<String, Object> extra = new LinkedHashMap<>();
                Double fd = driver.frobeniusPenalty();
                if (fd != null) extra.put("frobenius_penalty", fd);
                EpochMetrics m = new EpochMetrics(epoch + 1, step, lossSum / seen, (double) correct / seen, ev.loss(),
                        ev.accuracy(), driver.optimizer().lr(), seen / Math.max(epochSeconds, 1e-9), epochSeconds,
                        evalSeconds, extra);
                history.add(m);
                metrics.onEpochEnd(m);
                log.accept(String.format(Locale.ROOT, "epoch %d: train loss %.4f, test accuracy %.2f%% (loss %.4f), "
                        + "%.0f img/s", epoch + 1, m.trainLoss(), 100 * ev.accuracy(), ev.loss(), m.itemsPerSecond()));
                epoch++;
                batch = 0;
                lossSum = 0;
                correct = 0;
                seen = 0;
                epochSeconds = 0;
            }
            Map<String, Object> header = driver.header(Map.of("config", cfg));
            Map<String, Object> spark = new LinkedHashMap<>();
            spark.put("round", round);
            spark.put("sync_every", syncEvery);
            spark.put("partitions", partitions);
            spark.put("threads", threads);
            header.put("spark", spark);
            Checkpoint.save(ck, driver.model(), driver.optimizer(), new Checkpoint.State(epoch, batch, step,
                    recipe.seed(), nb, (int) trainSize, lossSum, correct, seen, epochSeconds, trainSeconds, items, history,
                    Map.of()), header);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("config", cfg);
        meta.put("test_accuracy", history.isEmpty() ? null : history.get(history.size() - 1).testAccuracy());
        meta.put("epochs", history.size());
        meta.put("spark", Map.of("partitions", partitions, "sync_every", syncEvery, "rounds", round));
        Path model = dir.resolve(Run.MODEL);
        driver.save(model, meta);
        return new SparkResult(dir, model, driver, history, stats);
    }

    private interface Job<T> {
        T run();
    }

    /**
     * Runs a Spark job; a failure becomes one {@link SparkTrainingException} that quotes the
     * failing partition's own message (not Spark's stack of wrappers) and names the last checkpoint.
     */
    private <T> T runJob(String what, long round, Job<T> job) {
        try {
            return job.run();
        } catch (Exception e) { // Spark's SparkException is checked in Java's terms but thrown undeclared
            String cause = taskMessage(e);
            Path ck = dir.resolve(Run.CHECKPOINT);
            String last = Files.isRegularFile(ck) ? "the last checkpoint " + ck + " is intact (continue with --resume "
                    + dir + ")" : "no checkpoint had been written yet";
            throw new SparkTrainingException(what + " failed: " + cause + "; " + last, e);
        }
    }

    /** @return the message a task failed with ({@link RoundTask#MARK}), else the exception's own. */
    static String taskMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                int i = m.indexOf(RoundTask.MARK);
                if (i >= 0) {
                    String rest = m.substring(i + RoundTask.MARK.length());
                    int nl = rest.indexOf('\n');
                    return nl < 0 ? rest : rest.substring(0, nl);
                }
            }
        }
        return RoundTask.describe(e);
    }
}
