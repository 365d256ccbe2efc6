package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.io.ModelFile;
import twolayer.io.Npz;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;

/**
 * The catalogue of bad inputs that end before Spark starts: each ends in one line on stderr naming the
 * input, exit code 2, and nothing already written is touched. (Data files: CifarDatasetTest,
 * CifarLocatorTest, TrainCommandTest; .npz internals: NpzTest and FuzzTest.)
 */
class BadInputTest {
  @TempDir Path tmp;

  static void assertRefused(String expected, String... args) {
    TrainCommandTest.Run r = TrainCommandTest.run(args);
    assertEquals(2, r.code(), r.out() + r.err());
    TrainCommandTest.assertOneLine(r.err(), expected);
  }

  @Test
  void anOutputFolderHoldingARunIsNotReplacedWithoutOverwrite() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(out.resolve("metrics.json"), "{\"kept\": true}");
    assertRefused("out: " + out + " already holds a run (metrics.json); pass --overwrite to replace it",
        "train", "--out", out.toString());
    assertEquals("{\"kept\": true}", Files.readString(out.resolve("metrics.json")));
  }

  @Test
  void anOutputFolderThatCannotBeCreatedIsNamed() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertRefused("out: cannot create the output folder " + file.resolve("sub"), "train", "--out",
        file.resolve("sub").toString());
  }

  @Test
  void conflictingOptionsAreNamed() {
    assertRefused("--iterations and --epochs conflict", "train", "--iterations", "10", "--epochs", "2");
    assertRefused("--resume and --overwrite conflict", "train", "--resume", "--overwrite", "--out",
        tmp.resolve("o").toString());
  }

  @Test
  void outOfRangeValuesNameTheirKey() {
    assertRefused("momentum: 1.5 must be in [0, 1)", "train", "--momentum", "1.5");
    assertRefused("update-rule: 'rmsprop' is not one of sgd, momentum, nesterov, adam", "train", "--update-rule", "rmsprop");
    assertRefused("reg: -0.1 must be 0 or more", "train", "--reg", "-0.1");
    assertRefused("partitions: -1 must be at least 0", "train", "--partitions", "-1");
    assertRefused("seed: 'x' is not a whole number", "train", "--seed", "x");
  }

  @Test
  void modelsWithMissingArraysWrongShapesOrNaNAreRefusedBeforeSparkStarts() throws Exception {
    Shape s = new Shape(6, 4, 3);
    double[] w = TwoLayerNet.initialWeights(s, 0.1, 1);
    Path good = tmp.resolve("good.npz");
    new ModelFile(s, w, new double[6]).save(good);
    LinkedHashMap<String, Npz.Array> arrays = Npz.read(good);

    LinkedHashMap<String, Npz.Array> missing = new LinkedHashMap<>(arrays);
    missing.remove("W2");
    Path m1 = tmp.resolve("missing.npz");
    Npz.write(m1, missing);
    assertRefused(m1 + ": array 'W2' is missing (a model holds W1, b1, W2, b2, mean)", "evaluate", "--model", m1.toString());

    LinkedHashMap<String, Npz.Array> shapes = new LinkedHashMap<>(arrays);
    shapes.put("W2", new Npz.Array(new int[] {5, 3}, new double[15]));
    Path m2 = tmp.resolve("shapes.npz");
    Npz.write(m2, shapes);
    assertRefused(m2 + ": W2 has 5 rows but W1 has 4 columns (hidden size)", "evaluate", "--model", m2.toString());

    LinkedHashMap<String, Npz.Array> nan = new LinkedHashMap<>(arrays);
    double[] b1 = {0, Double.NaN, 0, 0};
    nan.put("b1", new Npz.Array(new int[] {4}, b1));
    Path m3 = tmp.resolve("nan.npz");
    Npz.write(m3, nan);
    assertRefused(m3 + ": the weights hold NaN or infinite values", "evaluate", "--model", m3.toString());

    Path text = Files.writeString(tmp.resolve("model.npz"), "not a zip");
    assertRefused(text + ": is not an .npz archive", "predict", "--model", text.toString(), "x.png");

    assertArrayEquals(Files.readAllBytes(good), Files.readAllBytes(good), "inputs untouched");
  }

  @Test
  void anUnknownKeyInTheSearchSpaceIsNamed() throws Exception {
    Path space = Files.writeString(tmp.resolve("space.properties"), "hiden-size=10,20\n");
    assertRefused("--hiden-size: unknown setting (did you mean --hidden-size?)", "search", "--space", space.toString(),
        "--trials", "1", "--master", "local[2]", "--data",
        twolayer.TestData.learnableCifar(tmp.resolve("data"), 50, 20, 1).toString(), "--out",
        tmp.resolve("s").toString(), "--train-size", "200", "--val-size", "50", "--test-size", "20");
  }

  @Test
  void verboseShowsTheStackTrace() {
    TrainCommandTest.Run r = TrainCommandTest.run("train", "--hidden-size", "0", "--verbose");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: hidden-size: 0") && r.err().contains("\tat twolayer."), r.err());
  }

  /** Checked before anything is built or started, as the command line says them. */
  @Test
  void submitShRefusesADeployModeItCannotUse() throws Exception {
    assertSubmitSh(Map.of(), "--deploy-mode cluster: the master is local[*], which runs the driver here; give a cluster's"
        + " (spark://HOST:7077, yarn, k8s://...)", "train", "--deploy-mode", "cluster");
    assertSubmitSh(Map.of(), "--deploy-mode: 'foo' is neither client nor cluster", "train", "--master", "spark://127.0.0.1:1",
        "--deploy-mode=foo");
    assertSubmitSh(Map.of(), "--deploy-mode: no value given (client or cluster)", "train", "--deploy-mode");
  }

  /** What spark-submit would refuse with a stack trace is refused in one line. */
  @Test
  void submitShNamesAMasterThatIsNoMasterUrl() throws Exception {
    assertSubmitSh(Map.of(), "--master: 'bogus://x' is not a Spark master URL (local[N], spark://HOST:PORT, yarn or"
        + " k8s://https://HOST:PORT)", "train", "--master", "bogus://x");
    assertSubmitSh(Map.of(), "--master: 'local[2' is not a Spark master URL", "train", "--master=local[2");
  }

  /** Spark would retry for a minute, logging stack traces, and fail on a stopped context; nothing is written. */
  @Test
  void aStandaloneMasterThatDoesNotAnswerIsNamed() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    String master = "spark://127.0.0.1:" + port;
    Path out = tmp.resolve("run");
    assertRefused("master: " + master + ": cannot connect to 127.0.0.1:" + port + ": connection refused",
        "train", "--master", master, "--out", out.toString());
    assertRefused("master: spark://127.0.0.1: '127.0.0.1' is not HOST:PORT", "train", "--master", "spark://127.0.0.1",
        "--out", out.toString());
    assertTrue(!Files.exists(out.resolve("metrics.json")), "nothing written");
  }

  /** YARN and Kubernetes need a Spark installation: the project's own jars name what is missing at once. */
  @Test
  void submitShNamesTheClusterManagersItsOwnJarsLack() throws Exception {
    assertSubmitSh(Map.of(), "--master yarn: the project's own Spark jars have no YARN support; set SPARK_HOME to a"
        + " Spark 4.1 (Scala 2.13) installation that has it", "train", "--master", "yarn");
    assertSubmitSh(Map.of(), "--master k8s://https://127.0.0.1:6443: the project's own Spark jars have no Kubernetes"
        + " support", "train", "--master=k8s://https://127.0.0.1:6443", "--deploy-mode", "cluster");
  }

  /** {@code bash submit.sh ARGS} with {@code env} added exits 2 with one line that holds {@code message}. */
  static void assertSubmitSh(Map<String, String> env, String message, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", "submit.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SPARK_HOME"); // the project's own jars
    pb.environment().putAll(env);
    Process r = pb.start();
    String err = new String(r.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(2, r.waitFor(), err);
    TrainCommandTest.assertOneLine(err, message);
  }

  @Test
  void submitShRefusesADriverMemoryTheJvmCouldNotTake() throws Exception {
    // checked before anything is built or started: the script halves it for the local heap's start
    assertSubmitSh(Map.of("DRIVER_MEMORY", "6gb"), "DRIVER_MEMORY: '6gb' is not a JVM memory size", "train",
        "--iterations", "1");
  }
}
