package org.fnl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fnl4j.data.Augmentation;
import org.fnl4j.data.Cifar;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.Dataset;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.Idx;
import org.fnl4j.data.Normalization;
import org.fnl4j.data.TextCorpus;
import org.fnl4j.train.BatchSource;
import org.fnl4j.train.Sources;

/** The training and test batches a run configuration asks for. */
final class DataSetup {
    final BatchSource train;
    final BatchSource test;
    final String name;
    final String unit;
    final boolean text;
    final int[] shape;
    final int numClasses;
    final int vocab;

    private DataSetup(BatchSource train, BatchSource test, String name, String unit, boolean text, int[] shape,
            int numClasses, int vocab) {
        this.train = train;
        this.test = test;
        this.name = name;
        this.unit = unit;
        this.text = text;
        this.shape = shape;
        this.numClasses = numClasses;
        this.vocab = vocab;
    }

    /** Derives the data seed from the run seed so data order and weight init draw from different streams. */
    static long dataSeed(long seed) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }

    static DataSetup load(Map<String, Object> cfg, long seed) throws IOException {
        return load(cfg, seed, true);
    }

    /** Loads the configured data; without {@code withTrain} only the test split (train is then null). */
    static DataSetup load(Map<String, Object> cfg, long seed, boolean withTrain) throws IOException {
        String spec = (String) cfg.get("data");
        String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String arg = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        int batch = ((Number) cfg.get("batch")).intValue();
        int trainLimit = cfg.get("train_limit") == null ? 0 : ((Number) cfg.get("train_limit")).intValue();
        int testLimit = cfg.get("test_limit") == null ? 0 : ((Number) cfg.get("test_limit")).intValue();
        if (kind.equals("text")) {
            TextCorpus corpus = arg == null ? Datasets.kjv() : TextCorpus.load(existing(arg, "text file"), 0.1);
            int context = ((Number) cfg.get("context")).intValue();
            int[] tr = corpus.trainIds();
            int[] te = corpus.testIds();
            if (trainLimit > 0 && trainLimit < tr.length) tr = java.util.Arrays.copyOf(tr, trainLimit);
            if (testLimit > 0 && testLimit < te.length) te = java.util.Arrays.copyOf(te, testLimit);
            String name = "text " + corpus.name();
            return new DataSetup(withTrain ? Sources.textTrain(tr, batch, context, dataSeed(seed), name + " train") : null,
                    Sources.textEval(te, batch, context, name + " test"), name, "tok", true, new int[] {context}, 0,
                    corpus.vocabSize());
        }
        Dataset trainSet;
        Dataset testSet;
        Normalization norm;
        String name;
        switch (kind) {
            case "fashion-mnist" -> {
                Path dir;
                if (arg == null) {
                    dir = Datasets.shippedFashionMnist().orElseThrow(() -> new CliException("--data fashion-mnist: the "
                            + "shipped subset (datasets/fashion-mnist) was not found; run fnl from the fnl4j checkout, "
                            + "set FNL4J_DATASETS, or give fashion-mnist:DIR"));
                } else if (arg.equals("full")) {
                    dir = Datasets.systemFashionMnist().orElseThrow(() -> new CliException("--data fashion-mnist:full: "
                            + Datasets.SYSTEM_FASHION_MNIST + " not found (apt-get install dataset-fashion-mnist)"));
                } else {
                    dir = existing(arg, "directory");
                }
                trainSet = withTrain ? Datasets.fashionMnist(dir, true, trainLimit) : null;
                testSet = Datasets.fashionMnist(dir, false, testLimit);
                norm = Normalization.fashionMnist();
                name = "fashion-mnist (" + dir + ")";
            }
            case "mnist" -> {
                Path dir = existing(arg, "directory");
                trainSet = withTrain ? Idx.load(dir, "train", 10, trainLimit) : null;
                testSet = Idx.load(dir, "t10k", 10, testLimit);
                norm = Normalization.mnist();
                name = "mnist (" + dir + ")";
            }
            case "cifar10" -> {
                Path dir = existing(arg, "directory");
                trainSet = withTrain ? Cifar.load10(dir, true, trainLimit) : null;
                testSet = Cifar.load10(dir, false, testLimit);
                norm = Normalization.cifar10();
                name = "cifar10 (" + dir + ")";
            }
            default -> throw new UsageException("fnl train: --data '" + spec + "' is not a known dataset");
        }
        int[] shape = testSet.exampleShape();
        if (shape.length != 3) {
            throw new CliException("--data " + spec + ": expected images of shape (C, H, W), got "
                    + java.util.Arrays.toString(shape));
        }
        String aug = (String) cfg.get("augment");
        int pad = shape[1] >= 32 ? 4 : 2;
        Augmentation augmentation = switch (aug) {
            case "crop" -> new Augmentation(pad, false);
            case "flip" -> new Augmentation(0, true);
            case "crop+flip" -> new Augmentation(pad, true);
            default -> null;
        };
        BatchSource train = null;
        if (withTrain) {
            DataLoader.Builder tl = DataLoader.builder(trainSet).batchSize(batch).shuffle(dataSeed(seed)).normalize(norm)
                    .prefetch(false);
            if (augmentation != null) tl.augment(augmentation);
            train = Sources.of(tl.build());
        }
        DataLoader testLoader = DataLoader.builder(testSet).batchSize(Math.max(batch, 256)).normalize(norm)
                .prefetch(false).build();
        return new DataSetup(train, Sources.of(testLoader), name, "img", false, shape, testSet.numClasses(), 0);
    }

    private static Path existing(String arg, String what) {
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new CliException("--data: " + what + " " + p + " does not exist");
        }
        return p;
    }
}
