package twolayer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.io.JsonFiles;
import twolayer.train.TrainConfig;

/** {@code submit.sh compare-mlp}: this network against Spark's MultilayerPerceptronClassifier. */
final class CompareMlpCommand extends Command {
  CompareMlpCommand() {
    super("compare-mlp", "This network (as the Spark ML Estimator) against Spark's MultilayerPerceptronClassifier, same data"
        + " and H; writes OUT/compare-mlp.json.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.value("mlp-iterations", "100", "Iterations (l-bfgs) of Spark's MLP."));
  }

  @Override
  int run(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    Path outDir = RunFiles.outputFolder(cfg.out());
    int mlpIterations = settings.intAtLeast("mlp-iterations", 1);
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark compare-mlp", cfg.master())) {
      org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
          .getOrCreate();
      twolayer.ml.TwoLayerNetClassifier ours = new twolayer.ml.TwoLayerNetClassifier().setHiddenSize(cfg.hiddenSize())
          .setStepSize(cfg.learningRate()).setRegParam(cfg.reg()).setBatchSize(cfg.batchSize())
          .setMaxIter(cfg.totalIterations()).setLrDecay(cfg.lrDecay()).setInitStd(cfg.initStd())
          .setSeed(cfg.seed()).setSolver(cfg.updateRule()).setMomentum(cfg.momentum()).setInit(cfg.init())
          .setStandardize(cfg.standardize()).setPrecision(cfg.precision());
      Map<String, Object> res = twolayer.ml.MlpComparison.run(spark, String.join(",", cfg.data()), cfg.trainSize(),
          cfg.testSize(), cfg.hiddenSize(), ours, mlpIterations, out);
      JsonFiles.write(outDir.resolve("compare-mlp.json"), res);
      out.println("wrote " + outDir.resolve("compare-mlp.json"));
    }
    return 0;
  }
}
