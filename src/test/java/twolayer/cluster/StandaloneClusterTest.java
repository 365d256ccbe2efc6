package twolayer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.cli.Main;
import twolayer.io.ModelFile;
import twolayer.transport.Executors;

/**
 * Tier 3, on a real Spark standalone cluster (Master and two 1-core Workers on 127.0.0.1, started by
 * scripts/cluster.sh from the project's own jars): training, determinism against local[2], an executor
 * killed mid-run, a driver killed and resumed, damaged checkpoints, divergence, the driver inside the
 * cluster (cluster deploy mode), predict on Spark and the Spark ML Estimator.
 */
class StandaloneClusterTest {
  static final Path PROJECT = Path.of("").toAbsolutePath();
  static final String PORT = "7177"; // not 7077: a developer's own cluster may be running
  static final String MASTER = "spark://127.0.0.1:" + PORT;
  static final Path CLUSTER_DIR = PROJECT.resolve("target/cluster-test");
  static String data;
  static Path baseline; // out folder of the fault-free cluster run

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() throws Exception {
    data = TestData.learnableCifar(tmp.resolve("data"), 440, 500, 6).toString();
    assertEquals(0, cluster("start"), "cluster did not start; see " + CLUSTER_DIR);
    LocalCluster.setProperties(java.util.Map.of());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    LocalCluster.clearProperties(java.util.Map.of());
    cluster("stop");
  }

  static int cluster(String cmd) throws Exception {
    return LocalCluster.script(cmd, LocalCluster.env(PORT, CLUSTER_DIR));
  }

  /** The run every test compares with: generated data, 2 partitions, a checkpoint every 10 iterations. */
  static List<String> args(String master, Path out) {
    return new ArrayList<>(List.of("train", "--master", master, "--data", data, "--out", out.toString(),
        "--train-size", "2000", "--val-size", "200", "--test-size", "500", "--partitions", "2",
        "--hidden-size", "20", "--batch-size", "100", "--iterations", "60", "--learning-rate", "5e-4",
        "--checkpoint-every", "10", "--log-every", "10"));
  }

  static int run(List<String> args, PrintStream out) {
    return Main.run(args.toArray(String[]::new), out, System.err);
  }

  static synchronized Path baseline() throws IOException {
    if (baseline == null) {
      Path out = tmp.resolve("baseline");
      assertEquals(0, run(args(MASTER, out), System.out));
      baseline = out;
    }
    return baseline;
  }

  static JsonNode metrics(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
  }

  static void assertSameRun(Path expected, Path actual) throws IOException {
    JsonNode a = metrics(expected).get("final"), b = metrics(actual).get("final");
    double la = a.get("loss").asDouble(), lb = b.get("loss").asDouble();
    assertEquals(la, lb, 0.0, "final loss"); // the same weights and batch on the same machine: the same bits
    for (String k : List.of("train_accuracy", "val_accuracy", "test_accuracy")) {
      assertEquals(a.get(k).asDouble(), b.get(k).asDouble(), 0.0, k);
    }
    assertEquals(0.0, maxWeightDifference(expected, actual), 0.0, "largest weight difference");
  }

  static double maxWeightDifference(Path a, Path b) {
    return maxDifference(ModelFile.load(a.resolve("model.npz")).weights(), ModelFile.load(b.resolve("model.npz")).weights());
  }

  static double maxDifference(double[] wa, double[] wb) {
    assertEquals(wa.length, wb.length, "weights");
    double max = 0;
    for (int i = 0; i < wa.length; i++) {
      max = Math.max(max, Math.abs(wa[i] - wb[i]));
    }
    return max;
  }

  @Test
  void trainsOnTheClusterAndMatchesLocalTwoCores() throws Exception {
    Path cl = baseline();
    JsonNode m = metrics(cl);
    assertEquals(MASTER, m.get("environment").get("spark_master").asText());
    JsonNode executors = m.get("environment").get("executors"); // each executor's BLAS, asked of the executor
    assertEquals(2, executors.size(), executors.toString());
    for (int i = 0; i < 2; i++) {
      assertTrue(executors.get(i).asText().matches(i + ": dev\\.ludovic\\.netlib\\.blas\\.\\w+BLAS, .*"), executors.toString());
    }
    assertTrue(m.get("final").get("val_accuracy").asDouble() > 0.15, "learns on the cluster");
    Path local = tmp.resolve("local");
    assertEquals(0, run(args("local[2]", local), System.out));
    assertSameRun(cl, local);
  }

  /**
   * The same model bit for bit on the cluster as in local[2] for 3, 4 and 8 partitions too (2 above):
   * partial sums are added in partition order on either master (8 partitions at depth 2 add a shuffle level).
   * With flips, crops and dropout on: their draws come from each example's global row, on any executor.
   * At 3 partitions the weights are too large to travel inside the tasks and go as a block on the driver.
   */
  @Test
  void matchesLocalTwoCoresOnOtherPartitionCounts() throws Exception {
    for (String parts : List.of("3", "4", "8")) {
      Path[] outs = new Path[2];
      String[] masters = {MASTER, "local[2]"};
      for (int k = 0; k < 2; k++) {
        outs[k] = tmp.resolve("parts-" + parts + "-" + k);
        List<String> a = args(masters[k], outs[k]);
        a.addAll(List.of("--partitions", parts, "--iterations", "20", "--checkpoint-every", "0", "--flip", "true",
            "--crop-pad", "2", "--dropout", "0.3"));
        if (parts.equals("3")) {
          a.addAll(List.of("--hidden-size", "100")); // 1.2 MB of weights: a block the executors fetch from the driver
        }
        assertEquals(0, run(a, System.out), masters[k] + ", " + parts + " partitions");
      }
      assertEquals(Integer.parseInt(parts), metrics(outs[0]).at("/config/partitions_effective").asInt());
      assertEquals(0.0, maxWeightDifference(outs[0], outs[1]), 0.0, parts + " partitions");
    }
  }

  /**
   * The data wait for every executor: right after the context starts none has registered yet (they are
   * JVMs still starting), so partitioning then would see no cores and cache every block on whichever
   * executor came first.
   */
  @Test
  void waitsForEveryExecutorBeforeTheData() {
    SparkConf conf = new SparkConf().setMaster(MASTER).setAppName("executors").set("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      assertEquals(2, Executors.await(sc), "both workers' executors");
    }
  }

  @Test
  void survivesAnExecutorKilledMidRun() throws Exception {
    Path out = tmp.resolve("executor-kill");
    AtomicBoolean killed = new AtomicBoolean();
    PrintStream watch = new PrintStream(new LineWatcher(line -> {
      if (line.startsWith("iteration 20/") && killed.compareAndSet(false, true)) {
        ProcessHandle executor = executors().get(0);
        System.out.println("killing executor pid " + executor.pid());
        executor.destroyForcibly(); // SIGKILL
      }
    }), true, StandardCharsets.UTF_8);
    assertEquals(0, run(args(MASTER, out), watch));
    assertTrue(killed.get(), "an executor was killed");
    assertSameRun(baseline(), out);
  }

  @Test
  void resumesAfterTheDriverIsKilledAndSkipsDamagedCheckpoints() throws Exception {
    Path out = tmp.resolve("driver-kill");
    Path ckpts = out.resolve("checkpoints");
    List<String> cmd = LocalCluster.driver(List.of(), args(MASTER, out));
    Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread echo = new Thread(() -> { // the driver's output, read all along so that it never waits on the pipe
      try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          System.out.println("[driver] " + line);
        }
      } catch (IOException e) {
        // the driver was killed
      }
    });
    echo.start();
    // the checkpoint at 30 is renamed into place once complete (Checkpoints): kill the driver as soon as it is
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(ckpts.resolve("ckpt-00000030")) && driver.isAlive() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    boolean reached = Files.exists(ckpts.resolve("ckpt-00000030"));
    driver.destroyForcibly();
    driver.waitFor(1, TimeUnit.MINUTES);
    echo.join(TimeUnit.MINUTES.toMillis(1));
    assertTrue(reached, "the driver wrote the checkpoint at iteration 30 before it was killed");
    assertFalse(Files.exists(out.resolve("model.npz")), "the killed run wrote no model");
    // a crash during a later write: a temporary folder, and a newer checkpoint whose model is cut short
    Files.createDirectories(ckpts.resolve(".ckpt-00000040.tmp-1"));
    Path damaged = Files.createDirectories(ckpts.resolve("ckpt-00000040"));
    byte[] good = Files.readAllBytes(ckpts.resolve("ckpt-00000030/model.npz"));
    Files.write(damaged.resolve("model.npz"), java.util.Arrays.copyOf(good, good.length / 2));
    Files.copy(ckpts.resolve("ckpt-00000030/state.json"), damaged.resolve("state.json"));

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<String> resume = args(MASTER, out);
    resume.add("--resume");
    assertEquals(0, run(resume, new PrintStream(log, true, StandardCharsets.UTF_8)));
    String text = log.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertTrue(text.contains("skipping checkpoint") && text.contains("ckpt-00000040"), "damaged checkpoint skipped");
    assertTrue(text.contains("resuming from") && text.contains("ckpt-00000030"), "resumed from the last good one");
    double diff = maxWeightDifference(baseline(), out);
    System.out.println("driver kill + resume: largest weight difference to the uninterrupted run = " + diff);
    assertSameRun(baseline(), out);
  }

  @Test
  void aDivergingRunStopsWithExitCode3AndKeepsGoodCheckpoints() throws Exception {
    Path out = tmp.resolve("nan");
    List<String> a = args(MASTER, out);
    a.addAll(List.of("--learning-rate", "1e6", "--checkpoint-every", "1", "--init-std", "1e-2"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(a.toArray(String[]::new), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    String msg = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(3, code, msg);
    assertTrue(msg.matches("error: training diverged: .* at iteration \\d+; the learning rate .* too high.*"), msg);
    int diverged = Integer.parseInt(msg.replaceAll(".* at iteration (\\d+);.*", "$1"));
    // a checkpoint every iteration: those before the divergence are kept, each with finite weights
    File[] kept = out.resolve("checkpoints").toFile().listFiles(f -> f.getName().startsWith("ckpt-"));
    assertTrue(kept != null && kept.length > 0, "good checkpoints kept before iteration " + diverged);
    for (File k : kept) {
      assertTrue(Integer.parseInt(k.getName().substring(5)) < diverged, k.getName() + " is not before the divergence");
      ModelFile.load(k.toPath().resolve("model.npz")); // refuses NaN or infinite weights
    }
    assertFalse(Files.exists(out.resolve("model.npz")));
  }

  /**
   * The Spark ML Estimator on the cluster (frames built and cached on the executors, the serialised
   * transport) gives the model of the fault-free {@code train} run, bit for bit, for the same settings.
   */
  @Test
  void theEstimatorOnTheClusterGivesTheTrainCommandsModel() throws Exception {
    ModelFile cli = ModelFile.load(baseline().resolve("model.npz")); // before this test's own context
    org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master(MASTER)
        .appName("estimator").config("spark.ui.enabled", "false").getOrCreate();
    try {
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> train =
          twolayer.ml.CifarFrames.load(spark, data, "train", 2000, 2);
      ModelFile fitted = new twolayer.ml.TwoLayerNetClassifier().setHiddenSize(20).setStepSize(5e-4).setMaxIter(60)
          .setBatchSize(100).setSolver("sgd").setInit("std").setInitStd(1e-4).setRegParam(0.25).setLrDecay(0.95)
          .setStandardize(false).fit(train).modelFile(); // args()'s settings; the rest are train's defaults
      assertEquals(0.0, maxDifference(cli.weights(), fitted.weights()), 0.0, "largest weight difference");
    } finally {
      spark.stop();
    }
  }

  /**
   * predict on Spark with the cluster's executors (JVMs of their own) reading the records by their paths
   * and sending back their predictions: the same file, row for row, as predicting in one process.
   */
  @Test
  void predictsOnTheClusterAsInOneProcess() throws Exception {
    String model = baseline().resolve("model.npz").toString(), bin = Path.of(data, "test_batch.bin").toString();
    Path here = tmp.resolve("predict-here.csv"), there = tmp.resolve("predict-cluster.csv");
    assertEquals(0, run(List.of("predict", "--model", model, "--out", here.toString(), bin), System.out));
    assertEquals(0, run(List.of("predict", "--master", MASTER, "--spark-above", "0", "--model", model, "--out",
        there.toString(), bin), System.out));
    List<String> expected = Files.readAllLines(here);
    assertEquals(501, expected.size(), "a header and the 500 test records");
    assertEquals(expected, Files.readAllLines(there));
  }

  /**
   * {@code ./submit.sh train --deploy-mode cluster}: the Master starts the driver inside a worker, the
   * executors load the project's classes from the jar that driver serves, and the run's files arrive at a
   * {@code file:} URI. The model is the client-mode run's to the bit, though this run has one executor (the
   * driver takes the other worker's core) for the two partitions. A driver that fails is exit code 1 here,
   * where spark-submit itself exits 0 whatever became of the driver.
   */
  @Test
  void trainsInClusterDeployModeThroughSubmitSh() throws Exception {
    Path out = tmp.resolve("deploy-cluster");
    List<String> train = args(MASTER, out);
    train.set(train.indexOf("--out") + 1, out.toUri().toString());
    train.addAll(List.of("--deploy-mode", "cluster"));
    Submitted ok = submitSh(train); // builds the jar first when it is missing or older than the sources
    assertEquals(0, ok.code(), ok.log() + driverLogs());
    assertTrue(ok.log().contains("is FINISHED, exiting spark-submit JVM"), ok.log());
    assertSameRun(baseline(), out);

    train.set(train.indexOf("--data") + 1, tmp.resolve("no-data").toString());
    train.set(train.indexOf("--out") + 1, tmp.resolve("deploy-cluster-failed").toUri().toString());
    Submitted failed = submitSh(train);
    assertEquals(1, failed.code(), failed.log());
    String last = failed.log().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("error: driver driver-\\S+ ended FAILED \\(its own output: work/driver-\\S+/stderr on the worker that ran it\\)"),
        last);
  }

  record Submitted(int code, String log) {}

  /** {@code bash submit.sh ARGS} with this cluster's memory sizes; its output, both streams. */
  static Submitted submitSh(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "submit.sh"));
    cmd.addAll(args);
    Path log = Files.createTempFile(tmp, "submit", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DRIVER_MEMORY", "512m"); // Spark's least (450 MB); a worker here has 1500m
    pb.environment().put("EXECUTOR_MEMORY", "1g");
    Process p = pb.start();
    boolean ended = p.waitFor(8, TimeUnit.MINUTES);
    p.destroyForcibly();
    String text = Files.readString(log);
    System.out.println(text);
    assertTrue(ended, "submit.sh hung");
    return new Submitted(p.exitValue(), text);
  }

  /** The standard error of this cluster's drivers, for a failure's message. */
  static String driverLogs() throws IOException {
    StringBuilder b = new StringBuilder();
    try (java.util.stream.Stream<Path> files = Files.find(CLUSTER_DIR, 3,
        (f, a) -> f.getFileName().toString().equals("stderr") && f.getParent().getFileName().toString().startsWith("driver-"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        b.append("\n--- ").append(f).append('\n').append(Files.readString(f).lines()
            .filter(l -> !l.contains(" INFO ")).collect(java.util.stream.Collectors.joining("\n")));
      }
    }
    return b.toString();
  }

  static List<ProcessHandle> executors() {
    // this cluster's executors run in its workers' work folders (not another cluster's on the machine)
    List<ProcessHandle> found = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false) && workingIn(p, CLUSTER_DIR)).toList();
    assertFalse(found.isEmpty(), "no executor process found");
    return found;
  }

  static boolean workingIn(ProcessHandle p, Path dir) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd")).startsWith(dir);
    } catch (IOException e) {
      return false;
    }
  }

  /** Calls back with each line written to it. */
  static final class LineWatcher extends OutputStream {
    private final java.util.function.Consumer<String> onLine;
    private final StringBuilder line = new StringBuilder();

    LineWatcher(java.util.function.Consumer<String> onLine) {
      this.onLine = onLine;
    }

    @Override
    public void write(int b) {
      System.out.write(b);
      if (b == '\n') {
        onLine.accept(line.toString());
        line.setLength(0);
      } else {
        line.append((char) b);
      }
    }
  }
}
