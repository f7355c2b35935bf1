package org.fnl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Decay;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.Recipe;
import org.junit.jupiter.api.AfterEach;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers of one core each, started
 * from the Spark jars of the test classpath (the local Maven repository); the executors they launch
 * get the same classpath. A short training job submitted to it gives the same model, bit for bit,
 * as the same job on {@code local[2]}. Everything started here is stopped, also when the test fails.
 */
class StandaloneClusterTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        // Workers first (they stop their executors), then the master; then anything left below them.
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(Path logs, String name, Path sparkHome, String... mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        for (String a : System.getProperty("fnl4j.spark.jvmArgs", "").trim().split("\\s+")) {
            if (!a.isEmpty()) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_HOME", sparkHome.toString());
        // The worker's executor launcher asks for the Scala version and a jars directory (empty here:
        // the executors' classpath is spark.executor.extraClassPath).
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_NO_DAEMONIZE", "1");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    static void awaitPort(int port, Process owner, Path log) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new IllegalStateException("the Spark master exited (" + owner.exitValue() + "): "
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("the Spark master did not listen on 127.0.0.1:" + port + " within 90 s: "
                + Files.readString(log));
    }

    /** Waits until the master's status page (JSON) counts {@code n} alive workers. */
    static void awaitWorkers(int uiPort, int n) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + uiPort + "/json/")).build();
        long deadline = System.nanoTime() + 90_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                if (last.replace(" ", "").contains("\"aliveworkers\":" + n)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the Spark master did not see " + n + " workers within 90 s: " + last);
    }

    // On a JDK whose executors cannot start (JDK 25: see the README) the job would wait forever; fail instead.
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJobOnTwoStandaloneWorkersGivesTheModelOfLocalTwo() throws Exception {
        Path tmp = TestSpark.tempDir("cluster");
        Path logs = Files.createDirectories(Path.of("target", "standalone-logs").toAbsolutePath());
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home").resolve("jars")).getParent();
        int masterPort = freePort();
        int masterUi = freePort();
        Process master = start(logs, "master", sparkHome, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi));
        awaitPort(masterPort, master, logs.resolve("master.log"));
        String url = "spark://127.0.0.1:" + masterPort;
        for (int w = 0; w < 2; w++) {
            start(logs, "worker" + w, sparkHome, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    Files.createDirectories(tmp.resolve("work" + w)).toString(), url);
        }
        awaitWorkers(masterUi, 2);
        Recipe r = Recipe.builder().data(DataRef.parse("fashion-mnist:" + TestSpark.FASHION)).model(Architecture.MLP)
                .width(0.25).rank(0.25).init(FactorInit.SPECTRAL).decay(Decay.FROBENIUS).optimizer(OptimizerKind.SGD)
                .epochs(1).batch(64).trainLimit(512).testLimit(256).seed(9).build();

        JavaSparkContext cluster = TestSpark.context(url, Map.of(
                "spark.executor.extraClassPath", System.getProperty("java.class.path"),
                "spark.executor.extraJavaOptions", System.getProperty("fnl4j.spark.jvmArgs", ""),
                "spark.executor.memory", "1g",
                "spark.executor.cores", "1",
                "spark.cores.max", "2"));
        SparkTrainer.SparkResult onCluster;
        List<String> hosts = new ArrayList<>();
        try {
            onCluster = SparkTrainer.builder(cluster, r, tmp.resolve("cluster-run")).partitions(2).syncEvery(2)
                    .build().fit();
            hosts.addAll(scala.jdk.javaapi.CollectionConverters.asJava(cluster.sc().getExecutorIds()));
        } finally {
            cluster.stop();
        }
        assertEquals(2, hosts.size(), "executors: " + hosts);
        JavaSparkContext local = TestSpark.context("local[2]", Map.of());
        SparkTrainer.SparkResult onLocal;
        try {
            onLocal = SparkTrainer.builder(local, r, tmp.resolve("local-run")).partitions(2).syncEvery(2).build().fit();
        } finally {
            local.stop();
        }
        assertEquals(List.of(), TestSpark.bitDifferences(onCluster.modelFile(), onLocal.modelFile()));
        assertTrue(onCluster.testAccuracy() > 0.3, "test accuracy " + onCluster.testAccuracy());
        assertTrue(new File(onCluster.modelFile().toString()).isFile());
    }
}
