package twolayer.transport;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Waits for a cluster's executors before the data are partitioned and cached. {@code partitions=0}
 * takes the cores registered at that moment, and the cached blocks stay on the executors that ran the
 * first job: an executor that registers later gets no block, and every iteration then runs on fewer
 * executors. Spark waits at start only where it knows how many executors to expect (YARN and Kubernetes
 * for 80% of them; a standalone master only with {@code spark.cores.max}). Measured on the standalone
 * cluster here: the executors registered 7-13 s after the driver's context, so the defaults made 2
 * partitions on 4 workers; and when one executor of two came late, both blocks went to the other (211
 * and 217 ms per iteration at H=500, B=2000 against 128-164 for the other runs).
 */
public final class Executors {
  /** Spark setting: how long no new executor must have registered before the data are cached (0: no wait). */
  public static final String SETTLE_KEY = "spark.twolayer.executorSettle";
  /** Spark's own bound on its wait for executors at start, which this wait keeps too. */
  static final String MAX_KEY = "spark.scheduler.maxRegisteredResourcesWaitingTime";
  private static final long POLL_MS = 50;
  private static volatile String settled; // the application whose executors were waited for

  private Executors() {}

  /**
   * Where the tasks run in executors of their own: waits until at least one has registered and none has
   * joined for {@value #SETTLE_KEY} (2 s), at most {@value #MAX_KEY} (30 s), the first time in an
   * application (a Pipeline's fits after the first do not wait). Returns the executors registered (1
   * under a local master: the driver's own).
   */
  public static int await(JavaSparkContext sc) {
    if (sc.sc().isLocal()) {
      return 1;
    }
    String app = sc.sc().applicationId();
    SparkConf conf = sc.getConf();
    if (app.equals(settled) || !expectsExecutors(conf)) {
      return registered(sc);
    }
    long settle = conf.getTimeAsMs(SETTLE_KEY, "2s");
    long max = conf.getTimeAsMs(MAX_KEY, "30s");
    long start = System.nanoTime();
    long changed = start;
    int seen = registered(sc);
    while (settle > 0) {
      long now = System.nanoTime();
      if (millis(now - start) >= max || (seen > 0 && millis(now - changed) >= settle)) {
        break;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      int n = registered(sc);
      if (n != seen) {
        seen = n;
        changed = System.nanoTime();
      }
    }
    settled = app;
    return seen;
  }

  /**
   * Whether executors come without tasks asking for them: not under dynamic allocation that starts with
   * none (its first executors come for the first job's tasks, after this wait).
   */
  static boolean expectsExecutors(SparkConf conf) {
    if (!conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      return true;
    }
    int min = conf.getInt("spark.dynamicAllocation.minExecutors", 0);
    int initial = Math.max(min, conf.getInt("spark.dynamicAllocation.initialExecutors", min));
    return Math.max(initial, conf.getInt("spark.executor.instances", 0)) > 0;
  }

  /** Executors registered now, the driver not counted. */
  static int registered(JavaSparkContext sc) {
    return sc.sc().statusTracker().getExecutorInfos().length - 1;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
