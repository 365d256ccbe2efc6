package twolayer.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import twolayer.data.BlockSet;
import twolayer.train.ExecutorBlas;

/** What a bench ran on: the executors' BLAS and JIT, the cached data's size, the CPU time the host took. */
final class BenchMachine {
  private final JavaSparkContext sc;
  private final PrintStream out;

  BenchMachine(JavaSparkContext sc, PrintStream out) {
    this.sc = sc;
    this.out = out;
  }

  /** What each executor runs with ({@link ExecutorBlas#describe}), printed. */
  List<String> executors() {
    List<String> sorted = ExecutorBlas.describe(sc);
    sorted.forEach(e -> out.println("bench: executor " + e));
    return sorted;
  }

  /** Cached size of the training blocks from Spark's storage status, against their float32 size. */
  Map<String, Object> memory(BlockSet train) {
    long mem = 0;
    for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
      if (info.id() == train.rdd().id()) {
        mem = info.memSize();
      }
    }
    double f32 = 4.0 * train.n() * train.d();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cached_train_bytes", mem);
    m.put("float32_bytes", (long) f32);
    m.put("ratio", mem / f32);
    out.printf("bench: cached training set %.1f MB = %.3fx its float32 size%n", mem / 1e6, mem / f32);
    return m;
  }
  /**
   * All CPUs' ticks and the ticks stolen by the hypervisor (Linux's /proc/stat), or null elsewhere: on a
   * virtual machine whose host is busy the same build ran 2x slower within minutes, so the run records it.
   */
  static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      return f.length > 8 ? new long[] {total, Long.parseLong(f[8])} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
  /** The share of CPU time the hypervisor took since {@code cpu0}, where /proc/stat tells. */
  void putSteal(long[] cpu0, Map<String, Object> res) {
    long[] cpu1 = cpuTicks();
    if (cpu0 != null && cpu1 != null && cpu1[0] > cpu0[0]) {
      double steal = (double) (cpu1[1] - cpu0[1]) / (cpu1[0] - cpu0[0]);
      res.put("cpu_steal_fraction", steal);
      out.printf("bench: CPU time stolen by the host during the run: %.1f%%%s%n", 100 * steal,
          steal > 0.05 ? " (a busy virtual machine: figures are slower and noisier than the hardware)" : "");
    }
  }}
