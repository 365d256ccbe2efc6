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

  /**
   * The Spark settings, as system properties, with which a driver in this JVM runs on a cluster of this
   * machine: executors load the project's classes from target/classes, with 1g each; the driver on 127.0.0.1.
   */
  static final Map<String, String> DRIVER_PROPERTIES = Map.of(
      "spark.executor.extraClassPath", PROJECT.resolve("target/classes").toString(),
      "spark.executor.memory", "1g",
      "spark.driver.host", "127.0.0.1");

  /** Sets {@link #DRIVER_PROPERTIES} and {@code more}; {@link #clearProperties} takes them away. */
  static void setProperties(Map<String, String> more) {
    DRIVER_PROPERTIES.forEach(System::setProperty);
    more.forEach(System::setProperty);
  }

  static void clearProperties(Map<String, String> more) {
    DRIVER_PROPERTIES.keySet().forEach(System::clearProperty);
    more.keySet().forEach(System::clearProperty);
  }

  /** The environment of {@code scripts/cluster.sh} for a test's cluster: its port and folder, 1500m per worker. */
  static Map<String, String> env(String port, Path dir) {
    return Map.of("MASTER_PORT", port, "CLUSTER_DIR", dir.toString(), "WORKER_MEMORY", "1500m");
  }

  /** Runs {@code twolayer.cli.Main} with {@code args} here, asserts its exit code, and returns what it printed (also printed). */
  static String printed(List<String> args, int exit) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int code = twolayer.cli.Main.run(args.toArray(String[]::new), new java.io.PrintStream(bytes, true), System.err);
    String s = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    System.out.print(s);
    org.junit.jupiter.api.Assertions.assertEquals(exit, code, args + "\n" + s);
    return s;
  }

  /** Runs {@code scripts/cluster.sh cmd} with the given environment; returns its exit code. */
  static int script(String cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "scripts/cluster.sh", cmd).inheritIO();
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "cluster.sh " + cmd + " hung");
    return p.exitValue();
  }

  /**
   * {@link #script} with the cluster's JVMs in a mount namespace of their own where the {@code hidden}
   * folders are empty: machines of a cluster without the driver's files, or without its libraries. Needs
   * root's {@code unshare -m}.
   */
  static int scriptHiding(List<Path> hidden, String cmd, Map<String, String> env) throws Exception {
    List<String> args = new ArrayList<>(List.of("unshare", "-m", "bash", "-c",
        "for d; do mount -t tmpfs none \"$d\" || exit 1; done; exec bash scripts/cluster.sh " + cmd, "hide"));
    hidden.forEach(h -> args.add(h.toString()));
    ProcessBuilder pb = new ProcessBuilder(args).inheritIO();
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "cluster.sh " + cmd + " hung");
    return p.exitValue();
  }

  /** Whether this machine lets {@link #scriptHiding} make a mount namespace. */
  static boolean canHide() throws Exception {
    Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
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
    DRIVER_PROPERTIES.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.addAll(sparkProps);
    cmd.add("twolayer.cli.Main");
    cmd.addAll(mainArgs);
    return cmd;
  }
}
