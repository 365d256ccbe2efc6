package twolayer.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Training in Spark's own monitoring: with {@code spark.plugins=twolayer.metrics.TrainingMetrics} (which
 * submit.sh sets) the driver registers gauges of the training loop's {@link Progress} in Spark's metrics
 * system, so every sink a cluster configures (JMX, the Prometheus servlet, CSV, Graphite ...) shows them,
 * as {@code <app id>.driver.plugin.twolayer.metrics.TrainingMetrics.<gauge>}. They exist from the
 * context's start (0 or NaN until the first iteration). Nothing runs on the executors.
 */
public final class TrainingMetrics implements SparkPlugin {
  /** The gauges: name and what it reads. */
  static final Map<String, Function<Progress.Snapshot, Object>> GAUGES = gauges();

  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }

  private static Map<String, Function<Progress.Snapshot, Object>> gauges() {
    Map<String, Function<Progress.Snapshot, Object>> g = new java.util.LinkedHashMap<>();
    g.put("iteration", Progress.Snapshot::iteration);
    g.put("iterations", Progress.Snapshot::iterations); // the run's total
    g.put("epoch", Progress.Snapshot::epoch);
    g.put("loss", Progress.Snapshot::loss);
    g.put("learningRate", Progress.Snapshot::learningRate);
    g.put("trainAccuracy", Progress.Snapshot::trainAccuracy);
    g.put("valAccuracy", Progress.Snapshot::valAccuracy);
    g.put("examplesPerSecond", Progress.Snapshot::examplesPerSecond);
    return java.util.Collections.unmodifiableMap(g);
  }

  static final class Driver implements DriverPlugin {
    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
      Progress.reset(); // no figures of an earlier application in this JVM
      return Map.of();
    }

    @Override
    public void registerMetrics(String appId, PluginContext ctx) {
      MetricRegistry registry = ctx.metricRegistry();
      GAUGES.forEach((name, read) -> registry.register(name, (Gauge<Object>) () -> read.apply(Progress.now())));
    }
  }
}
