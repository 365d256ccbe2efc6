package twolayer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.model.Gemm;
import twolayer.transport.Transport;

/** The commands' Spark: configured as spark-submit said, the settings' master only where it said none. */
final class SparkContexts {
  private SparkContexts() {}

  /** Spark as spark-submit configured it; the configured master only when none was given. */
  static JavaSparkContext spark(String name, String master) {
    return spark(name, master, Map.of());
  }

  /** The Spark context, with {@code defaults} for settings that spark-submit's --conf did not give. */
  static JavaSparkContext spark(String name, String master, Map<String, String> defaults) {
    return spark(name, master, defaults, false);
  }

  /** The same; with {@code force}, {@code master} even when spark-submit gave another. */
  static JavaSparkContext spark(String name, String master, Map<String, String> defaults, boolean force) {
    SparkConf conf = new SparkConf().setAppName(name);
    defaults.forEach(conf::setIfMissing);
    if (force || !conf.contains("spark.master")) {
      conf.setMaster(master);
    }
    MasterCheck.reachable(conf.get("spark.master", null));
    Transport.configure(conf);
    return new JavaSparkContext(conf);
  }

  /** Where a run ran, for its metrics. */
  static Map<String, Object> environment(JavaSparkContext sc) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("spark_master", sc.master());
    env.put("spark_version", sc.version());
    env.put("java", System.getProperty("java.version"));
    env.put("blas", Gemm.implementation());
    env.put("transport", Transport.of(sc).toString());
    env.put("default_parallelism", sc.defaultParallelism());
    return env;
  }
}
