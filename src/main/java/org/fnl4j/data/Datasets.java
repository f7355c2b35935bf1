package org.fnl4j.data;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where fnl4j's data lives, and one-call loaders for it.
 *
 * <ul>
 *   <li>The <b>shipped subset</b>: the repository's {@code datasets/} folder — Fashion-MNIST's
 *       first 10,000 training and 2,000 test images ({@code datasets/fashion-mnist/}, IDX gz) and
 *       a 1 MB King James Bible sample ({@code datasets/text/kjv-sample.txt.gz}). Found by
 *       {@link #datasetsRoot()}: the system property {@code fnl4j.datasets}, else the environment
 *       variable {@code FNL4J_DATASETS}, else a {@code datasets/} directory in the working
 *       directory or any parent, else next to (or above) the fnl4j jar.</li>
 *   <li>The <b>full Fashion-MNIST</b> (60,000 + 10,000) from Debian's {@code dataset-fashion-mnist}
 *       package, in {@value #SYSTEM_FASHION_MNIST} ({@code apt-get install dataset-fashion-mnist}).</li>
 * </ul>
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} installs the full data. */
    public static final String SYSTEM_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    /** Fashion-MNIST (and MNIST) have 10 classes. */
    public static final int FASHION_MNIST_CLASSES = 10;
    /** Class names of Fashion-MNIST, by label. */
    public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private Datasets() {}

    /** @return the shipped {@code datasets/} folder, if it can be found (see class comment). */
    public static Optional<Path> datasetsRoot() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("fnl4j.datasets");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        String env = System.getenv("FNL4J_DATASETS");
        if (env != null && !env.isBlank()) {
            candidates.add(Paths.get(env));
        }
        addWithParents(candidates, Paths.get("").toAbsolutePath(), "datasets");
        codeLocation().ifPresent(p -> addWithParents(candidates, p, "datasets"));
        for (Path c : candidates) {
            if (Files.isDirectory(c.resolve("fashion-mnist")) || Files.isDirectory(c.resolve("text"))) {
                return Optional.of(c.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    private static void addWithParents(List<Path> out, Path start, String child) {
        for (Path p = start; p != null; p = p.getParent()) {
            out.add(p.resolve(child));
        }
    }

    private static Optional<Path> codeLocation() {
        try {
            var src = Datasets.class.getProtectionDomain().getCodeSource();
            return src == null ? Optional.empty() : Optional.of(Paths.get(src.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** @return the shipped Fashion-MNIST subset directory, if found. */
    public static Optional<Path> shippedFashionMnist() {
        return datasetsRoot().map(r -> r.resolve("fashion-mnist")).filter(Files::isDirectory);
    }

    /** @return the full Fashion-MNIST directory of Debian's package, if installed. */
    public static Optional<Path> systemFashionMnist() {
        Path p = Paths.get(SYSTEM_FASHION_MNIST);
        return DataFiles.rawOrGz(p, "train-images-idx3-ubyte") != null ? Optional.of(p) : Optional.empty();
    }

    /**
     * @param preferFull use the full installed data when present
     * @return the Fashion-MNIST directory to use: the full data if preferred and installed, else
     *         the shipped subset
     * @throws NoSuchFileException naming the places searched and how to get the data
     */
    public static Path fashionMnistDir(boolean preferFull) throws NoSuchFileException {
        Optional<Path> dir = preferFull ? systemFashionMnist().or(Datasets::shippedFashionMnist)
                : shippedFashionMnist().or(Datasets::systemFashionMnist);
        return dir.orElseThrow(() -> new NoSuchFileException("fashion-mnist", null,
                "no Fashion-MNIST data: neither the shipped subset (datasets/fashion-mnist under the working directory, "
                        + "its parents, -Dfnl4j.datasets or FNL4J_DATASETS) nor " + SYSTEM_FASHION_MNIST
                        + " (apt-get install dataset-fashion-mnist) exists"));
    }

    /**
     * Loads Fashion-MNIST (or MNIST) in IDX layout from {@code dir}.
     *
     * @param train training split ({@code train-*}) or test split ({@code t10k-*})
     * @param limit use only the first {@code limit} examples (≤ 0: all)
     */
    public static ImageDataset fashionMnist(Path dir, boolean train, int limit) throws IOException {
        return Idx.load(dir, train ? "train" : "t10k", FASHION_MNIST_CLASSES, limit);
    }

    /** The shipped 1 MB King James Bible sample (Genesis–Judges), if found. */
    public static Optional<Path> kjvSample() {
        return datasetsRoot().map(r -> r.resolve("text").resolve("kjv-sample.txt.gz")).filter(Files::isRegularFile);
    }

    /** Loads the KJV sample with its last 10% held out for testing. */
    public static TextCorpus kjv() throws IOException {
        Path p = kjvSample().orElseThrow(() -> new NoSuchFileException("datasets/text/kjv-sample.txt.gz", null,
                "the shipped text sample was not found under the working directory, its parents, -Dfnl4j.datasets "
                        + "or FNL4J_DATASETS"));
        return TextCorpus.load(p, 0.1);
    }
}
