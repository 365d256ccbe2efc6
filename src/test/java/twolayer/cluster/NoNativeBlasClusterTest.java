package twolayer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;

/**
 * Tier 3, on a real standalone cluster whose machines lack the native BLAS that the driver has (their
 * JVMs run in a mount namespace where the folder of the system's libblas.so.3 is empty): train says so
 * in one line naming both executors, they compute with netlib's plain-Java BLAS under C1 (not its
 * Vector API one, 10x slower there), and the training is local[2]'s but for the order of float additions.
 */
class NoNativeBlasClusterTest {
  static final String PORT = "7477"; // beside the other cluster tests' 7177, 7277 and 7377
  static final String MASTER = "spark://127.0.0.1:" + PORT;
  static final Path CLUSTER_DIR = LocalCluster.PROJECT.resolve("target/cluster-no-blas");
  static final Path SYSTEM_BLAS = Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3");
  /**
   * The executors' JIT as submit.sh sets it (C1 only), and time for both to register, so that both answer
   * for their BLAS even when the second comes seconds after the first.
   */
  static final Map<String, String> MORE_PROPERTIES = Map.of("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1",
      twolayer.transport.Executors.SETTLE_KEY, "8s");
  static Path data;
  static boolean started;

  @TempDir static Path tmp;

  @BeforeAll
  static void startCluster() throws Exception {
    Assumptions.assumeTrue(LocalCluster.canHide(), "unshare -m is not allowed here (needs root)");
    Assumptions.assumeTrue(Files.exists(SYSTEM_BLAS), "no system BLAS at " + SYSTEM_BLAS + " to hide");
    Path blasFolder = SYSTEM_BLAS.toRealPath().getParent(); // Debian: .../openblas-pthread
    data = TestData.learnableCifar(tmp.resolve("data"), 440, 500, 6);
    assertEquals(0, LocalCluster.scriptHiding(List.of(blasFolder), "start", env()), "see " + CLUSTER_DIR);
    started = true;
    LocalCluster.setProperties(MORE_PROPERTIES);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    LocalCluster.clearProperties(MORE_PROPERTIES);
    if (started) {
      LocalCluster.script("stop", env());
    }
  }

  static Map<String, String> env() {
    return LocalCluster.env(PORT, CLUSTER_DIR);
  }

  @Test
  void warnsAndTrainsWithThePlainJavaBlas() throws Exception {
    Path[] outs = {tmp.resolve("cluster"), tmp.resolve("local")};
    String[] masters = {MASTER, "local[2]"};
    String[] said = new String[2];
    for (int k = 0; k < 2; k++) {
      said[k] = LocalCluster.printed(List.of("train", "--master", masters[k], "--data", data.toString(), "--out",
          outs[k].toString(), "--train-size", "2000", "--val-size", "200", "--test-size", "500", "--partitions", "2",
          "--hidden-size", "20", "--batch-size", "100", "--iterations", "30", "--learning-rate", "5e-4"), 0);
    }
    assertTrue(said[0].contains("\nwarning: executors 0, 1 compute with netlib's Java BLAS, not native: install"
        + " OpenBLAS there (Debian: libopenblas0-pthread): its matrix products are about 10x faster\n"), said[0]);
    assertTrue(!said[1].contains("warning:"), "the driver's own BLAS is native: " + said[1]);
    JsonNode executors = StandaloneClusterTest.metrics(outs[0]).at("/environment/executors");
    assertEquals(2, executors.size(), executors.toString());
    for (JsonNode e : executors) {
      assertTrue(e.asText().contains(": dev.ludovic.netlib.blas.Java11BLAS, ") && e.asText().endsWith(", JIT C1"),
          e.toString());
    }
    // other BLAS, other order of additions: not the same bits, but the same training. A wrong product would
    // not learn the generated data's pattern (local[2] reaches about 0.5 from chance's 0.1)
    JsonNode cl = StandaloneClusterTest.metrics(outs[0]).get("final"), lo = StandaloneClusterTest.metrics(outs[1]).get("final");
    System.out.println("plain-Java BLAS against native: final loss " + cl.get("loss") + " against " + lo.get("loss")
        + ", val accuracy " + cl.get("val_accuracy") + " against " + lo.get("val_accuracy") + ", largest weight difference "
        + StandaloneClusterTest.maxWeightDifference(outs[0], outs[1]));
    assertTrue(lo.get("val_accuracy").asDouble() > 0.3, "local[2] learns: " + lo);
    assertEquals(lo.get("val_accuracy").asDouble(), cl.get("val_accuracy").asDouble(), 0.02, "val accuracy");
    // the loss moves by about 1e-4 in these 30 steps; the two BLAS ended 3e-9 apart here
    assertEquals(lo.get("loss").asDouble(), cl.get("loss").asDouble(), 1e-6, "final loss");
  }
}
