package twolayer.cli;

import java.io.PrintStream;
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
    int mlpIterations = settings.intAtLeast("mlp-iterations", 1);
    try (OutputFolder outDir = RunFiles.outputFolder(cfg.run().out());
        JavaSparkContext sc = SparkContexts.spark("twolayer-spark compare-mlp", cfg.run().master())) {
      org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
          .getOrCreate();
      twolayer.ml.TwoLayerNetClassifier ours = new twolayer.ml.TwoLayerNetClassifier().setHiddenSize(cfg.model().hiddenSize())
          .setStepSize(cfg.optim().learningRate()).setRegParam(cfg.optim().reg()).setBatchSize(cfg.loop().batchSize())
          .setMaxIter(cfg.totalIterations()).setLrDecay(cfg.optim().lrDecay()).setInitStd(cfg.model().initStd())
          .setSeed(cfg.loop().seed()).setSolver(cfg.optim().updateRule()).setMomentum(cfg.optim().momentum()).setInit(cfg.model().init())
          .setStandardize(cfg.data().standardize()).setPrecision(cfg.model().precision());
      Map<String, Object> res = twolayer.ml.MlpComparison.run(spark, String.join(",", cfg.data().places()), cfg.data().trainSize(),
          cfg.data().testSize(), cfg.model().hiddenSize(), ours, mlpIterations, out);
      JsonFiles.write(outDir.local().resolve("compare-mlp.json"), res);
      outDir.publish();
      out.println("wrote " + outDir.show("compare-mlp.json"));
    }
    return 0;
  }
}
