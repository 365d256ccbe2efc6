package twolayer.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.model.Gemm;

/**
 * Which BLAS each executor computes with. Where netlib cannot load the machine's native BLAS
 * (libblas.so.3, e.g. OpenBLAS) it falls back to Java without a word: a task's products about 10x
 * slower here ({@link Gemm}), the defaults' iterations about 3x, and one such worker holds every
 * iteration to its pace.
 */
public final class ExecutorBlas {
  private static final String NATIVE = "dev.ludovic.netlib.blas.JNIBLAS";

  private ExecutorBlas() {}

  /**
   * One line per executor ("driver" where the tasks run in the driver's JVM), sorted: its id, BLAS, the
   * BLAS threads and kernel its environment asks for, and whether its JIT is C1 only. One task per core,
   * a few times over, so that every executor answers.
   */
  public static List<String> describe(JavaSparkContext sc) {
    int n = sc.defaultParallelism() * 4;
    sc.setJobDescription("which BLAS the executors use");
    List<String> seen = sc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(i ->
        SparkEnv.get().executorId() + ": " + Gemm.implementation() + ", OPENBLAS_NUM_THREADS="
            + System.getenv("OPENBLAS_NUM_THREADS") + ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE")
            + ", JIT " + (Gemm.c1Only() ? "C1" : "tiered")).distinct().collect();
    sc.setJobDescription(null);
    List<String> sorted = new ArrayList<>(seen);
    Collections.sort(sorted);
    return sorted;
  }

  /**
   * A line naming the executors of {@code described} that compute without native BLAS, and what to do;
   * null when every one has it.
   */
  public static String warning(List<String> described) {
    List<String> slow = described.stream().filter(e -> !e.contains(": " + NATIVE + ","))
        .map(e -> e.substring(0, e.indexOf(':'))).toList();
    if (slow.isEmpty()) {
      return null;
    }
    String who = slow.equals(List.of("driver")) ? "this machine computes"
        : slow.size() == 1 ? "executor " + slow.get(0) + " computes" : "executors " + String.join(", ", slow) + " compute";
    return "warning: " + who + " with netlib's Java BLAS, not native: install OpenBLAS there"
        + " (Debian: libopenblas0-pthread): its matrix products are about 10x faster";
  }
}
