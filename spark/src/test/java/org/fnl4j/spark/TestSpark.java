package org.fnl4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.fnl4j.io.ModelFile;
import org.fnl4j.tensor.Tensor;

/** What the Spark tests share: a loopback-only context and comparisons of saved models. */
final class TestSpark {
    private TestSpark() {}

    /** The shipped Fashion-MNIST subset, by absolute path (executors have other working directories). */
    static final Path FASHION = Path.of("..", "datasets", "fashion-mnist").toAbsolutePath().normalize();

    /** A context on {@code master} bound to 127.0.0.1, without UI. */
    static JavaSparkContext context(String master, Map<String, String> extra) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("fnl4j-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        extra.forEach(conf::set);
        return new JavaSparkContext(conf);
    }

    /** @return the named tensors of a model or checkpoint file. */
    static Map<String, Tensor> tensors(Path file) throws IOException {
        return ModelFile.read(file).tensors();
    }

    /** @return names of tensors whose bits differ between two files (empty: bit-identical). */
    static List<String> bitDifferences(Path a, Path b) throws IOException {
        Map<String, Tensor> x = tensors(a);
        Map<String, Tensor> y = tensors(b);
        List<String> out = new ArrayList<>();
        if (!x.keySet().equals(y.keySet())) {
            out.add("names " + x.keySet() + " vs " + y.keySet());
            return out;
        }
        for (String k : x.keySet()) {
            float[] u = x.get(k).toArray();
            float[] v = y.get(k).toArray();
            for (int i = 0; i < u.length; i++) {
                if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
                    out.add(k);
                    break;
                }
            }
        }
        return out;
    }

    /** @return the largest |a−b| / max(1, |a|) over two tensors of the same shape. */
    static double maxRelDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1.0, Math.abs(a[i])));
        }
        return m;
    }

    static Path tempDir(String name) throws IOException {
        return Files.createTempDirectory("fnl4j-spark-" + name);
    }
}
