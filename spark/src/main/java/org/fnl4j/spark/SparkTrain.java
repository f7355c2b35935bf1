package org.fnl4j.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fnl4j.cli.TrainFlags;
import org.fnl4j.io.Json;
import org.fnl4j.kernel.Kernels;

/**
 * The {@code spark-submit} main class: {@code fnl train}'s flags plus {@code --sync-every K} and
 * {@code --partitions N}; {@code --threads} sets the kernel threads of each task. Progress goes to
 * stderr, one JSON line with the result to stdout; the exit code is 0, 1 (training failed) or 2
 * (bad flags).
 *
 * <pre>
 * spark-submit --class org.fnl4j.spark.SparkTrain fnl4j-spark-0.1.0-SNAPSHOT-all.jar \
 *     --data fashion-mnist:full --rank 0.111 --sync-every 10 --partitions 8 --out runs/spark
 * </pre>
 */
public final class SparkTrain {
    private SparkTrain() {}

    static final List<TrainFlags.Extra> EXTRA = List.of(
            new TrainFlags.Extra("sync-every", "K", "1", "optimizer steps of each replica between two averagings"),
            new TrainFlags.Extra("partitions", "N", null, "replicas (Spark partitions); default: the cluster's default "
                    + "parallelism"));

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with a Spark session from spark-submit's configuration; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        TrainFlags.Parsed p;
        try {
            p = TrainFlags.parse("spark-train", "train a recipe on a Spark cluster (data-parallel, periodic averaging)",
                    args, EXTRA);
            if (p.help() != null) {
                out.print(p.help());
                return 0;
            }
            if (p.values().get("out") == null && p.values().get("resume") == null) {
                throw new IllegalArgumentException("fnl spark-train: --out DIR is required (the run directory, on the "
                        + "driver)");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        SparkConf conf = new SparkConf();
        try {
            SparkTrainer.checkMaster(conf.get("spark.master", null), 5000);
        } catch (IllegalArgumentException e) {
            err.println("fnl spark-train: " + e.getMessage());
            return 1;
        }
        SparkSession session = SparkSession.builder().appName("fnl4j spark-train").config(conf).getOrCreate();
        try {
            return train(new JavaSparkContext(session.sparkContext()), p, out, err);
        } finally {
            session.stop();
        }
    }

    /** Trains as the parsed flags say, on {@code sc}; returns the exit code. */
    static int train(JavaSparkContext sc, TrainFlags.Parsed p, PrintStream out, PrintStream err) {
        try {
            SparkTrainer.Builder b;
            String resume = p.values().get("resume");
            if (resume != null) {
                if (p.values().get("partitions") != null || !"1".equals(p.values().get("sync-every"))) {
                    throw new IllegalArgumentException("fnl spark-train: --partitions and --sync-every cannot be combined "
                            + "with --resume (the run continues with the values stored in its checkpoint)");
                }
                b = SparkTrainer.resume(sc, Path.of(resume));
            } else {
                b = SparkTrainer.builder(sc, p.recipe(), Path.of(p.values().get("out")));
                b.syncEvery(integer(p, "sync-every"));
                if (p.values().get("partitions") != null) b.partitions(integer(p, "partitions"));
            }
            if (p.values().get("threads") != null) b.threads(integer(p, "threads"));
            err.println("fnl spark-train: " + Kernels.implementation() + " on the driver, Java "
                    + Runtime.version().feature() + ", master " + sc.master());
            SparkTrainer.SparkResult r = b.log(s -> err.println("fnl spark-train: " + s)).build().fit();
            double seconds = 0;
            double compute = 0;
            double sync = 0;
            long items = 0;
            for (SparkTrainer.RoundStats s : r.rounds()) {
                seconds += s.seconds();
                compute += s.computeSeconds();
                sync += s.syncSeconds();
                items += s.items();
            }
            int n = Math.max(1, r.rounds().size());
            boolean text = r.replica().recipe().data().isText();
            java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
            json.put("model", r.modelFile().toString());
            json.put("test_accuracy", r.testAccuracy());
            json.put("rounds", r.rounds().size());
            json.put("train_seconds", Math.round(seconds * 10) / 10.0);
            json.put(text ? "tokens_per_second" : "images_per_second", Math.round(items / Math.max(seconds, 1e-9) * 10) / 10.0);
            json.put("compute_ms_per_round", Math.round(1e4 * compute / n) / 10.0);
            json.put("sync_ms_per_round", Math.round(1e4 * sync / n) / 10.0);
            json.put("bytes_per_sync", r.rounds().isEmpty() ? 0 : r.rounds().get(0).bytes());
            err.printf(Locale.ROOT, "fnl spark-train: test accuracy %.2f%%; model saved to %s%n", 100 * r.testAccuracy(),
                    r.modelFile());
            out.println(Json.write(json));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage().startsWith("fnl ") ? e.getMessage() : "fnl spark-train: " + e.getMessage());
            return 2;
        } catch (SparkTrainingException | IllegalStateException | java.io.IOException e) {
            err.println("fnl spark-train: " + e.getMessage());
            return 1;
        }
    }

    private static int integer(TrainFlags.Parsed p, String name) {
        String v = p.values().get(name);
        try {
            int x = Integer.parseInt(v);
            if (x < 1) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fnl spark-train: --" + name + " must be an integer >= 1, got '" + v + "'");
        }
    }
}
