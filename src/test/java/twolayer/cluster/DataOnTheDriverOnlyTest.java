package twolayer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.cli.Main;

/**
 * Tier 3, on a real standalone cluster whose Master, Workers and executors cannot see the data folder
 * (their JVMs run in a mount namespace where it is an empty folder), as on a cluster of other machines
 * where the data lie on the driver's disk only: the driver serves its files to the executors. Training
 * gives the model of local[2] bit for bit, and predict on Spark the file of one process.
 */
class DataOnTheDriverOnlyTest {
  static final String PORT = "7377"; // beside StandaloneClusterTest's 7177 and ClusterSecurityTest's 7277
  static final String MASTER = "spark://127.0.0.1:" + PORT;
  static final Path CLUSTER_DIR = LocalCluster.PROJECT.resolve("target/cluster-driver-files");
  static Path data;

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() throws Exception {
    Assumptions.assumeTrue(LocalCluster.canHide(), "unshare -m is not allowed here (needs root)");
    data = TestData.learnableCifar(tmp.resolve("data"), 440, 500, 6);
    assertEquals(0, LocalCluster.scriptHiding(List.of(data), "start", env()), "cluster did not start; see " + CLUSTER_DIR);
    LocalCluster.setProperties(Map.of());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    LocalCluster.clearProperties(Map.of());
    if (data != null) {
      LocalCluster.script("stop", env());
    }
  }

  static Map<String, String> env() {
    return LocalCluster.env(PORT, CLUSTER_DIR);
  }

  static int run(List<String> args) {
    return Main.run(args.toArray(String[]::new), System.out, System.err);
  }

  @Test
  void trainsOnDataThatOnlyTheDriverHas() {
    Path[] outs = {tmp.resolve("cluster"), tmp.resolve("local")};
    String[] masters = {MASTER, "local[2]"};
    String served = "data: file:" + data + " (the driver serves its files to the executors), ";
    for (int k = 0; k < 2; k++) {
      String said = LocalCluster.printed(new ArrayList<>(List.of("train", "--master", masters[k], "--data", data.toString(),
          "--out", outs[k].toString(), "--train-size", "2000", "--val-size", "200", "--test-size", "500",
          "--partitions", "2", "--hidden-size", "20", "--batch-size", "100", "--iterations", "30",
          "--learning-rate", "5e-4", "--log-every", "10")), 0);
      assertEquals(k == 0, said.contains(served), said); // in local[2] the tasks read the folder themselves
    }
    assertEquals(0.0, StandaloneClusterTest.maxWeightDifference(outs[0], outs[1]), 0.0, "the same bytes, the same model");
  }

  @Test
  void predictsOnSparkFromInputsThatOnlyTheDriverHas() throws Exception {
    Path model = tmp.resolve("model-run");
    assertEquals(0, run(List.of("train", "--master", "local[2]", "--data", data.toString(), "--out", model.toString(),
        "--train-size", "2000", "--val-size", "200", "--test-size", "500", "--hidden-size", "20", "--iterations", "5")));
    String m = model.resolve("model.npz").toString(), bin = data.resolve("test_batch.bin").toString();
    Path here = tmp.resolve("here.csv"), there = tmp.resolve("there.csv");
    assertEquals(0, run(List.of("predict", "--model", m, "--out", here.toString(), bin)));
    assertEquals(0, run(List.of("predict", "--master", MASTER, "--spark-above", "0", "--model", m, "--out",
        there.toString(), bin)));
    List<String> expected = Files.readAllLines(here);
    assertEquals(501, expected.size(), "a header and the 500 test records");
    assertEquals(expected, Files.readAllLines(there));
  }
}
