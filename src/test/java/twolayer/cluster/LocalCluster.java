package twolayer.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** scripts/cluster.sh for the tests, and drivers started as separate JVMs against such a cluster. */
final class LocalCluster {
  static final Path PROJECT = Path.of("").toAbsolutePath();

  private LocalCluster() {}

  /** Runs {@code scripts/cluster.sh cmd} with the given environment; returns its exit code. */
  static int script(String cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "scripts/cluster.sh", cmd).inheritIO();
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "cluster.sh " + cmd + " hung");
    return p.exitValue();
  }

  /**
   * The command line of a driver JVM running {@code twolayer.cli.Main} with this JVM's class path and
   * --add-opens and --add-modules flags; executors load the project's classes from target/classes (same machine).
   */
  static List<String> driver(List<String> sparkProps, List<String> mainArgs) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules")
            || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .toList());
    cmd.add("-Dspark.executor.extraClassPath=" + PROJECT.resolve("target/classes"));
    cmd.add("-Dspark.executor.memory=1g");
    cmd.add("-Dspark.driver.host=127.0.0.1");
    cmd.addAll(sparkProps);
    cmd.add("twolayer.cli.Main");
    cmd.addAll(mainArgs);
    return cmd;
  }
}
