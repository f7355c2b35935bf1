package org.fnl4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.fnl4j.data.Augmentation;
import org.fnl4j.data.Cifar;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.Dataset;
import org.fnl4j.data.Datasets;
import org.fnl4j.data.Idx;
import org.fnl4j.data.Normalization;
import org.fnl4j.data.TextCorpus;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.nn.Module;

/**
 * The training and test batches of a run, loaded as its {@link DataRef} says: images normalized
 * with the data set's mean and standard deviation, shuffled with a seed derived from the run's
 * seed and augmented for training; text as windows of {@code context} characters.
 *
 * @param train         training batches (null when only the test split was loaded)
 * @param test          test batches in a fixed order (batch max(B, 256))
 * @param name          e.g. "fashion-mnist (datasets/fashion-mnist)" or "text kjv-sample"
 * @param unit          "img" or "tok", for throughput figures
 * @param text          true for character-level text
 * @param exampleShape  (C, H, W) of an image, or (context) for text
 * @param numClasses    classes of an image data set (0 for text)
 * @param vocab         characters of a text corpus (0 for images)
 * @param valid         validation batches held out from the training text in a fixed order, or null
 */
public record RunData(BatchSource train, BatchSource test, String name, String unit, boolean text, int[] exampleShape,
                      int numClasses, int vocab, BatchSource valid) {

    /** Derives the data seed from the run seed so data order and weight init draw from different streams. */
    public static long dataSeed(long seed) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }

    /** Loads both splits as {@code recipe} says (data, batch, limits, augmentation, context, seed). */
    public static RunData load(Recipe recipe) throws IOException {
        return load(recipe.data(), recipe.batch(), recipe.trainLimit(), recipe.testLimit(), recipe.augment(),
                recipe.context(), recipe.seed(), true, recipe.validFraction());
    }

    /**
     * Loads only the test split (train is null), e.g. to evaluate a saved model.
     *
     * @param testLimit first N test examples, or null for all
     * @param context   window length for text (the model's context)
     */
    public static RunData loadTest(DataRef data, int batch, Integer testLimit, int context) throws IOException {
        return load(data, batch, null, testLimit, Augment.NONE, context, 0, false, null);
    }

    private static RunData load(DataRef ref, int batch, Integer trainLimitOrNull, Integer testLimitOrNull, Augment augment,
            int context, long seed, boolean withTrain, Double validFraction) throws IOException {
        int trainLimit = trainLimitOrNull == null ? 0 : trainLimitOrNull;
        int testLimit = testLimitOrNull == null ? 0 : testLimitOrNull;
        String arg = ref.location();
        if (ref.isText()) {
            TextCorpus corpus = arg == null ? Datasets.kjv() : TextCorpus.load(existing(arg, "text file"), 0.1);
            int[] tr = corpus.trainIds();
            int[] te = corpus.testIds();
            if (trainLimit > 0 && trainLimit < tr.length) tr = Arrays.copyOf(tr, trainLimit);
            if (testLimit > 0 && testLimit < te.length) te = Arrays.copyOf(te, testLimit);
            String name = "text " + corpus.name();
            BatchSource valid = null;
            if (withTrain && validFraction != null) {
                // The last part of the training text, by position as the test split, so no validation text
                // leaks into training windows; training keeps what precedes it.
                int cut = (int) Math.floor(tr.length * (1 - validFraction));
                valid = Sources.textEval(Arrays.copyOfRange(tr, cut, tr.length), batch, context, name + " validation");
                tr = Arrays.copyOf(tr, cut);
            }
            return new RunData(withTrain ? Sources.textTrain(tr, batch, context, dataSeed(seed), name + " train") : null,
                    Sources.textEval(te, batch, context, name + " test"), name, "tok", true, new int[] {context}, 0,
                    corpus.vocabSize(), valid);
        }
        Dataset trainSet;
        Dataset testSet;
        Normalization norm;
        String name;
        switch (ref.kind()) {
            case FASHION_MNIST -> {
                Path dir;
                if (arg == null) {
                    dir = Datasets.shippedFashionMnist().orElseThrow(() -> new IllegalArgumentException("data fashion-mnist: "
                            + "the shipped subset (datasets/fashion-mnist) was not found; run from the fnl4j checkout, "
                            + "set FNL4J_DATASETS, or give fashion-mnist:DIR"));
                } else if (arg.equals("full")) {
                    dir = Datasets.systemFashionMnist().orElseThrow(() -> new IllegalArgumentException("data "
                            + "fashion-mnist:full: " + Datasets.SYSTEM_FASHION_MNIST + " not found (apt-get install "
                            + "dataset-fashion-mnist)"));
                } else {
                    dir = existing(arg, "directory");
                }
                trainSet = withTrain ? Datasets.fashionMnist(dir, true, trainLimit) : null;
                testSet = Datasets.fashionMnist(dir, false, testLimit);
                norm = Normalization.fashionMnist();
                name = "fashion-mnist (" + dir + ")";
            }
            case MNIST -> {
                Path dir = existing(arg, "directory");
                trainSet = withTrain ? Idx.load(dir, "train", 10, trainLimit) : null;
                testSet = Idx.load(dir, "t10k", 10, testLimit);
                norm = Normalization.mnist();
                name = "mnist (" + dir + ")";
            }
            case CIFAR10 -> {
                Path dir = existing(arg, "directory");
                trainSet = withTrain ? Cifar.load10(dir, true, trainLimit) : null;
                testSet = Cifar.load10(dir, false, testLimit);
                norm = Normalization.cifar10();
                name = "cifar10 (" + dir + ")";
            }
            default -> throw new IllegalStateException("RunData: unhandled data kind " + ref.kind());
        }
        int[] shape = testSet.exampleShape();
        if (shape.length != 3) {
            throw new IllegalArgumentException("data " + ref + ": expected images of shape (C, H, W), got "
                    + Arrays.toString(shape));
        }
        BatchSource train = null;
        if (withTrain) {
            DataLoader.Builder tl = DataLoader.builder(trainSet).batchSize(batch).shuffle(dataSeed(seed)).normalize(norm)
                    .prefetch(false);
            Augmentation augmentation = augment.augmentation(shape[1]);
            if (augmentation != null) tl.augment(augmentation);
            train = Sources.of(tl.build());
        }
        DataLoader testLoader = DataLoader.builder(testSet).batchSize(Math.max(batch, 256)).normalize(norm)
                .prefetch(false).build();
        return new RunData(train, Sources.of(testLoader), name, "img", false, shape, testSet.numClasses(), 0, null);
    }

    private static Path existing(String arg, String what) {
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("data: " + what + " " + p + " does not exist");
        }
        return p;
    }

    /**
     * Evaluates {@code model} on the test split with the training objective (cross-entropy), in
     * eval mode and without gradients.
     */
    public Evaluation evaluate(Module model) {
        return Trainer.evaluate(model, test, Objectives.crossEntropy(0f));
    }

    /** @return the spec of {@code model} at {@code width} for this data (input shape, classes or vocabulary). */
    public ModelSpec modelSpec(Architecture model, double width, int context) {
        return text ? model.forText(vocab, context, width) : model.forImages(exampleShape, numClasses, width);
    }

    /**
     * Checks that a saved model fits this data.
     *
     * @throws IllegalArgumentException naming the model's and the data's input shape or vocabulary
     */
    public void checkFits(ModelSpec spec, String modelName) {
        if (text != spec.takesTokens()) {
            throw new IllegalArgumentException(modelName + ": the model reads " + (spec.takesTokens() ? "token ids" : "images")
                    + " but the data " + name + " holds " + (text ? "text" : "images"));
        }
        if (text) {
            int v = spec.getInt("vocab");
            if (v != vocab) {
                throw new IllegalArgumentException(modelName + ": the model has a vocabulary of " + v + " characters, the "
                        + "data " + name + " has " + vocab + " (evaluate on the corpus it was trained on)");
            }
        } else if (!Arrays.equals(spec.exampleShape(), exampleShape)) {
            throw new IllegalArgumentException(modelName + ": the model expects inputs of shape "
                    + Arrays.toString(spec.exampleShape()) + " but the data " + name + " has examples of shape "
                    + Arrays.toString(exampleShape));
        }
    }
}
