package twolayer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.bench.Bench;
import twolayer.io.JsonFiles;
import twolayer.train.TrainConfig;
import twolayer.transport.Transport;

/** {@code submit.sh bench}: the trainer's speed next to the hardware, Spark's floor, NumPy and Spark's MLP. */
final class BenchCommand extends Command {
  BenchCommand() {
    super("bench", "The trainer's speed next to the hardware, Spark's per-job floor, NumPy and Spark's MLP, on the"
        + " real data; writes OUT/bench.json. On a cluster, the same cases again with a local master.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.flag("quick", "Fewer and shorter cases (a few minutes)."));
  }

  @Override
  int run(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    try (OutputFolder outDir = RunFiles.outputFolder(cfg.run().out())) {
      bench(settings, cfg, outDir, out);
    }
    return 0;
  }

  private static void bench(Settings settings, TrainConfig cfg, OutputFolder outDir, PrintStream out) {
    Function<Map<String, String>, TrainConfig> cases = o -> settings.with(o).trainConfig();
    Map<String, Object> res;
    String local;
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark bench", cfg.run().master())) {
      res = new Bench(sc, cfg, cases, settings.flag("quick"), out).run();
      res.put("environment", SparkContexts.environment(sc));
      local = "local[" + sc.defaultParallelism() + "]"; // as many task threads as the executors had cores
      if (Transport.of(sc) == Transport.of(new SparkConf().setMaster(local))) {
        local = null; // this master's tasks already run in the driver's JVM
      }
    }
    if (local != null) { // the same cases with the executors in this JVM: what the cluster costs
      try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark bench", local, Map.of(), true)) {
        Bench.compare(res, new Bench(sc, cfg, cases, settings.flag("quick"), out));
      }
    }
    JsonFiles.write(outDir.local().resolve("bench.json"), res);
    outDir.publish();
    out.println("wrote " + outDir.show("bench.json"));
  }
}
