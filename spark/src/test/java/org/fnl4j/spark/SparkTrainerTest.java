package org.fnl4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.data.Idx;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.io.Model;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.Parameter;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.Regularizer;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.Augment;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Decay;
import org.fnl4j.train.Objectives;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Replica;
import org.fnl4j.train.Run;
import org.fnl4j.train.RunData;
import org.fnl4j.train.Schedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Data-parallel training on {@code local[2,2]} (two task threads, a failed task is retried once):
 * K = 1 equals single-process training on the combined batch; a seed gives one model, bit for bit,
 * with or without a retried task and across a resumed run; bad input gives one named error and
 * leaves the checkpoint intact.
 */
class SparkTrainerTest {
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context("local[2,2]", Map.of());
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    /** A small factorized MLP (SI + FD) on 512 shipped Fashion-MNIST images, 8 steps of 64 per epoch. */
    static Recipe.Builder mlp() {
        return Recipe.builder().data(DataRef.parse("fashion-mnist:" + TestSpark.FASHION)).model(Architecture.MLP)
                .width(0.25).rank(0.25).init(FactorInit.SPECTRAL).decay(Decay.FROBENIUS).epochs(1).batch(64)
                .trainLimit(512).testLimit(256).seed(3);
    }

    static SparkTrainer.SparkResult spark(Recipe r, Path dir, int p, int k) throws Exception {
        return SparkTrainer.builder(sc, r, dir).partitions(p).syncEvery(k).build().fit();
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"PLAIN", "SGD"})
    void mlpWithOneStepPerRoundEqualsSingleProcessTrainingOnTheCombinedBatch(OptimizerKind opt) throws Exception {
        Recipe r = mlp().optimizer(opt).build();
        Path tmp = TestSpark.tempDir("mlp-k1");
        Path single = Run.create(r, tmp.resolve("single")).fit().dir().resolve(Run.MODEL);
        Path two = spark(r, tmp.resolve("spark"), 2, 1).modelFile();
        Map<String, Tensor> a = TestSpark.tensors(single);
        Map<String, Tensor> b = TestSpark.tensors(two);
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (String k : a.keySet()) {
            worst = Math.max(worst, TestSpark.maxRelDiff(a.get(k).toArray(), b.get(k).toArray()));
        }
        assertTrue(worst < 2e-5, "K=1, 2 partitions vs one process: max relative difference " + worst);
        if (opt == OptimizerKind.PLAIN) {
            // The comparison can tell runs apart: averaging every 4 steps is a different algorithm.
            Path four = spark(r, tmp.resolve("spark-k4"), 2, 4).modelFile();
            Map<String, Tensor> c = TestSpark.tensors(four);
            double apart = 0;
            for (String k : a.keySet()) {
                apart = Math.max(apart, TestSpark.maxRelDiff(a.get(k).toArray(), c.get(k).toArray()));
            }
            assertTrue(apart > 100 * worst && apart > 1e-4, "K=4 differs by only " + apart);
        }
    }

    /**
     * A factorized ResNet-20 (SI + FD, BatchNorm) with K = 1 and plain SGD: equal to one process
     * that forwards the combined batch as the two partitions' halves (BatchNorm statistics per
     * half, as every data-parallel trainer without synchronized BatchNorm) and steps on the mean
     * of their gradients.
     */
    @Test
    void factorizedResNetStepEqualsTheCombinedBatchStep() throws Exception {
        float lr = 0.05f;
        Recipe r = Recipe.builder().data(DataRef.parse("fashion-mnist:" + TestSpark.FASHION))
                .model(Architecture.RESNET20).width(0.5).rank(0.111).init(FactorInit.SPECTRAL).decay(Decay.FROBENIUS)
                .optimizer(OptimizerKind.PLAIN).lr(lr).schedule(Schedule.constant()).augment(Augment.CROP_FLIP)
                .epochs(1).batch(16).trainLimit(32).testLimit(32).seed(5).build();
        Path two = spark(r, TestSpark.tempDir("resnet"), 2, 1).modelFile();

        RunData d = RunData.load(r);
        Replica ref = Replica.create(r, d, d.train().batchesPerEpoch());
        Regularizer fd = DecayArms.of(ref.model(), DecayArms.Mode.FROBENIUS_DECAY, lr, (float) r.wd(),
                DecayKind.COUPLED_L2).regularizer();
        for (int b = 0; b < d.train().batchesPerEpoch(); b++) {
            Batch whole = d.train().batch(0, b);
            ref.optimizer().setLr(lr);
            ref.model().train(true);
            ref.model().zeroGrad();
            for (int h = 0; h < 2; h++) {
                Batch half = PathData.slice(whole, h, 2);
                Autograd.backward(Objectives.crossEntropy(0f).loss(ref.model().forward(half.inputs()), half));
            }
            for (Parameter p : ref.model().parameters()) {
                float[] g = p.value().grad();
                if (g != null) for (int i = 0; i < g.length; i++) g[i] *= 0.5f;
            }
            fd.apply();
            ref.optimizer().step();
        }
        Map<String, Tensor> got = TestSpark.tensors(two);
        double worst = 0;
        int compared = 0;
        for (Map.Entry<String, Parameter> e : ref.model().namedParameters().entrySet()) {
            worst = Math.max(worst, TestSpark.maxRelDiff(e.getValue().value().toArray(), got.get(e.getKey()).toArray()));
            compared++;
        }
        assertTrue(compared > 40, "compared only " + compared + " parameters");
        assertTrue(worst < 2e-5, "ResNet-20 K=1 step: max relative difference " + worst);
    }

    @Test
    void aSeedGivesOneModelWithARetriedTaskAndAcrossAResume() throws Exception {
        Recipe r = mlp().optimizer(OptimizerKind.SGD).epochs(2).build();
        Path tmp = TestSpark.tempDir("bits");
        Path a = spark(r, tmp.resolve("a"), 2, 3).modelFile();
        Path b = spark(r, tmp.resolve("b"), 2, 3).modelFile();
        assertEquals(List.of(), TestSpark.bitDifferences(a, b), "same seed twice");

        Path c = SparkTrainer.builder(sc, r, tmp.resolve("c")).partitions(2).syncEvery(3).failFirstAttempt(2, 1).build()
                .fit().modelFile();
        assertEquals(List.of(), TestSpark.bitDifferences(a, c), "a task failed once and was retried");

        // The driver stops after round 4's averaging, before its checkpoint; the resumed job continues from round 4.
        Path dDir = tmp.resolve("d");
        RuntimeException stop = assertThrows(RuntimeException.class, () -> SparkTrainer.builder(sc, r, dDir)
                .partitions(2).syncEvery(3).log(s -> {
                    if (s.startsWith("round 5/")) throw new IllegalStateException("driver stopped");
                }).build().fit());
        assertEquals("driver stopped", stop.getMessage());
        assertTrue(Files.isRegularFile(dDir.resolve(Run.CHECKPOINT)));
        Path d = SparkTrainer.resume(sc, dDir).build().fit().modelFile();
        assertEquals(List.of(), TestSpark.bitDifferences(a, d), "resumed from the checkpoint of round 4");

        Path other = spark(r.toBuilder().seed(4).build(), tmp.resolve("e"), 2, 3).modelFile();
        assertTrue(!TestSpark.bitDifferences(a, other).isEmpty(), "another seed must give another model");
    }

    @Test
    void missingTrainingFilesOnTheExecutorsAreOneNamedErrorAndTheCheckpointStaysIntact() throws Exception {
        Path data = TestSpark.tempDir("data");
        for (String f : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(TestSpark.FASHION.resolve(f), data.resolve(f));
        }
        // The driver reads only the test split; the executors find no training files.
        Recipe noTrain = mlp().data(DataRef.parse("fashion-mnist:" + data)).build();
        SparkTrainingException e = assertThrows(SparkTrainingException.class,
                () -> spark(noTrain, TestSpark.tempDir("missing"), 2, 1));
        assertTrue(e.getMessage().startsWith("opening the training data and building the network failed: partition "),
                e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains(data.toString()),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());

        // Files that disappear between two rounds: the run stops, naming them, and its checkpoint is untouched.
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")) {
            Files.copy(TestSpark.FASHION.resolve(f), data.resolve(f));
        }
        Recipe r = mlp().data(DataRef.parse("fashion-mnist:" + data)).trainLimit(384).build();
        Path dir = TestSpark.tempDir("intact");
        assertThrows(IllegalStateException.class, () -> SparkTrainer.builder(sc, r, dir).partitions(2).log(s -> {
            if (s.startsWith("round 3/")) throw new IllegalStateException("driver stopped");
        }).build().fit());
        byte[] before = Files.readAllBytes(dir.resolve(Run.CHECKPOINT));
        Files.delete(data.resolve("train-images-idx3-ubyte.gz"));
        SparkTrainingException gone = assertThrows(SparkTrainingException.class,
                () -> SparkTrainer.resume(sc, dir).build().fit());
        assertTrue(gone.getMessage().contains("train-images-idx3-ubyte"), gone.getMessage());
        assertTrue(gone.getMessage().contains("the last checkpoint " + dir.resolve(Run.CHECKPOINT) + " is intact"),
                gone.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(Run.CHECKPOINT)));
    }

    @Test
    void aRecipeReplicasCannotTrainIsRejectedBeforeAnyJob() throws Exception {
        Recipe pruned = mlp().dense().prune(0.5).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.builder(sc, pruned, TestSpark.tempDir("prune")).partitions(2).build());
        assertTrue(e.getMessage().contains("prune cannot be trained by replicas"), e.getMessage());

        Result res = main("--data", "fashion-mnist:" + TestSpark.FASHION, "--model", "mlp", "--prune", "0.5",
                "--out", TestSpark.tempDir("prune-cli").resolve("run").toString());
        assertEquals(2, res.code, res.err);
        assertTrue(res.err.contains("prune cannot be trained by replicas"), res.err);
    }

    @Test
    void anUnreachableMasterIsOneClearError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        System.setProperty("spark.master", master);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = SparkTrain.run(new String[] {"--model", "mlp", "--out", TestSpark.tempDir("master").toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, msg);
            assertTrue(msg.startsWith("fnl spark-train: cannot reach the Spark master " + master + " ("), msg);
            assertEquals(1, msg.strip().lines().count(), msg);
        } finally {
            System.clearProperty("spark.master");
        }
    }

    record Result(int code, String out, String err) {}

    /** The spark-submit main class's flags, trained on this test's context. */
    static Result main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code;
        try {
            code = SparkTrain.train(sc, org.fnl4j.cli.TrainFlags.parse("spark-train", "", args, SparkTrain.EXTRA), o, e);
        } catch (IllegalArgumentException ex) {
            e.println(ex.getMessage());
            code = 2;
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theMainClassTrainsFromFnlTrainFlagsIntoAModelFnlEvalReads() throws Exception {
        Path dir = TestSpark.tempDir("cli").resolve("run");
        Result r = main("--data", "fashion-mnist:" + TestSpark.FASHION, "--model", "mlp", "--width", "0.25", "--rank",
                "0.25", "--epochs", "1", "--batch", "64", "--train-limit", "256", "--test-limit", "128",
                "--partitions", "2", "--sync-every", "2", "--out", dir.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.err.contains("round 2/2"), r.err);
        assertTrue(r.out.startsWith("{\"model\":"), r.out);
        Model m = Model.load(dir.resolve(Run.MODEL));
        assertEquals(Architecture.MLP.id(), m.spec().type());
        ByteArrayOutputStream eo = new ByteArrayOutputStream();
        int code = org.fnl4j.cli.Main.run(new String[] {"eval", "--data", "fashion-mnist:" + TestSpark.FASHION,
                "--test-limit", "128", dir.resolve(Run.MODEL).toString()}, new PrintStream(eo, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertTrue(eo.toString(StandardCharsets.UTF_8).contains("accuracy"), eo.toString(StandardCharsets.UTF_8));

        Result bad = main("--model", "mlp", "--sync-every", "0", "--out", dir.resolveSibling("x").toString());
        assertEquals(2, bad.code);
        assertTrue(bad.err.contains("--sync-every must be an integer >= 1, got '0'"), bad.err);
    }

    /** A table with a binary image column and an integer label column, partitioned by example index. */
    @Test
    void aTableOfImagesTrainsReproducibly() throws Exception {
        SparkSession session = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        ImageDataset imgs = Idx.load(TestSpark.FASHION, "train", 10, 384);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < imgs.size(); i++) {
            byte[] px = new byte[784];
            for (int k = 0; k < 784; k++) px[k] = (byte) imgs.pixel(i, k);
            rows.add(RowFactory.create(px, imgs.label(i)));
        }
        StructType schema = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
        Dataset<Row> train = session.createDataFrame(rows, schema);
        Dataset<Row> test = session.createDataFrame(rows.subList(0, 128), schema);
        Recipe r = mlp().epochs(2).build();
        SparkTrainer.SparkResult a = SparkTrainer.builder(sc, r, TestSpark.tempDir("rows-a")).partitions(2).syncEvery(2)
                .build().fit(train, "image", "label", test);
        assertTrue(a.testAccuracy() > 0.3, "test accuracy " + a.testAccuracy());
        assertEquals(2, a.history().size());
        SparkTrainer.SparkResult b = SparkTrainer.builder(sc, r, TestSpark.tempDir("rows-b")).partitions(2).syncEvery(2)
                .failFirstAttempt(1, 0).build().fit(train, "image", "label", test);
        assertEquals(List.of(), TestSpark.bitDifferences(a.modelFile(), b.modelFile()));
        Model.load(a.modelFile());
    }
}
