package twolayer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;

/**
 * A standalone cluster started with {@code spark.authenticate} and a secret (and RPC encryption), as the
 * README shows: an application without the secret is refused; one with it trains.
 */
class ClusterSecurityTest {
  static final Path PROJECT = Path.of("").toAbsolutePath();
  static final String PORT = "7277";
  static final Path DIR = PROJECT.resolve("target/cluster-auth-test");
  static final String SECRET = "test-secret-" + System.nanoTime();
  static String data;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    data = TestData.learnableCifar(tmp.resolve("data"), 120, 100, 7).toString();
    assertEquals(0, cluster("start"));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster("stop");
  }

  static int cluster(String cmd) throws Exception {
    return LocalCluster.script(cmd, java.util.Map.of("MASTER_PORT", PORT, "CLUSTER_DIR", DIR.toString(),
        "WORKERS", "1", "WORKER_MEMORY", "1500m", "SPARK_AUTHENTICATE_SECRET", SECRET));
  }

  /** A run whose weights (H=100: 1.2 MB) the executors fetch as a block from the driver, over the secured channel. */
  static Process driver(Path out, List<String> sparkProps) throws Exception {
    return new ProcessBuilder(LocalCluster.driver(sparkProps, List.of("train", "--master",
        "spark://127.0.0.1:" + PORT, "--data", data, "--out", out.toString(), "--train-size", "500",
        "--val-size", "100", "--test-size", "100", "--hidden-size", "100", "--batch-size", "50", "--iterations", "10")))
        .redirectErrorStream(true).start();
  }

  @Test
  void anApplicationWithoutTheSecretIsRefused() throws Exception {
    Path out = tmp.resolve("no-secret");
    Process p = driver(out, List.of());
    boolean refused = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      for (String line; System.nanoTime() < end && (line = r.readLine()) != null; ) {
        if (line.contains("Expected SaslMessage") || line.contains("Failed to connect to master")) {
          System.out.println("[driver without secret] " + line);
          refused = true;
          break;
        }
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(refused, "the master refused the application");
    assertFalse(Files.exists(out.resolve("metrics.json")), "no training happened");
    assertTrue(Files.readString(DIR.resolve("master.log")).contains("Expected SaslMessage"), "the master logged the refusal");
  }

  @Test
  void anApplicationWithTheSecretTrains() throws Exception {
    Path out = tmp.resolve("with-secret");
    Process p = driver(out, List.of("-Dspark.authenticate=true", "-Dspark.authenticate.secret=" + SECRET,
        "-Dspark.network.crypto.enabled=true"));
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), log);
    assertTrue(Files.exists(out.resolve("metrics.json")));
  }
}
