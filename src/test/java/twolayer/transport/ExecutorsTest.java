package twolayer.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Tier 1: which applications wait for their executors before the data (the wait itself: StandaloneClusterTest). */
class ExecutorsTest {
  static SparkConf dynamic(String... kv) {
    SparkConf conf = new SparkConf(false).set("spark.dynamicAllocation.enabled", "true");
    for (int i = 0; i < kv.length; i += 2) {
      conf.set(kv[i], kv[i + 1]);
    }
    return conf;
  }

  @Test
  void waitsUnlessDynamicAllocationStartsWithNoExecutors() {
    assertTrue(Executors.expectsExecutors(new SparkConf(false)), "executors come with the application");
    assertFalse(Executors.expectsExecutors(dynamic()), "they come for the first job's tasks");
    assertTrue(Executors.expectsExecutors(dynamic("spark.dynamicAllocation.minExecutors", "2")));
    assertTrue(Executors.expectsExecutors(dynamic("spark.dynamicAllocation.initialExecutors", "1")));
    assertTrue(Executors.expectsExecutors(dynamic("spark.executor.instances", "4")));
    assertFalse(Executors.expectsExecutors(dynamic("spark.dynamicAllocation.initialExecutors", "0")));
  }
}
