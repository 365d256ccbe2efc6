package twolayer.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.cli.Main;
import twolayer.io.ModelFile;

/** Tier 3: the Spark ML Estimator in local Spark, on generated CIFAR-format data (2200 train, 500 test records). */
class TwoLayerNetClassifierTest {
  static SparkSession spark;
  static String data;
  static Dataset<Row> train, test;

  @TempDir static Path tmp;

  static final String[] CLI_RUN = {"train", "--master", "local[2]", "--train-size", "2000", "--val-size", "200",
      "--test-size", "500", "--partitions", "2", "--hidden-size", "30", "--learning-rate", "1e-3", "--epochs", "5",
      "--batch-size", "100"};

  @BeforeAll
  static void start() {
    data = TestData.learnableCifar(tmp.resolve("data"), 440, 500, 5).toString();
    // ./submit.sh train's run, before this class's own Spark session (one SparkContext per JVM)
    List<String> args = new java.util.ArrayList<>(List.of(CLI_RUN));
    args.addAll(List.of("--data", data, "--out", tmp.resolve("cli").toString()));
    assertEquals(0, Main.run(args.toArray(String[]::new), System.out, System.err));
    spark = SparkSession.builder().master("local[2]").appName("TwoLayerNetClassifierTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    train = CifarFrames.load(spark, data, "train", 2000, 2).cache();
    test = CifarFrames.load(spark, data, "test", 500, 2).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** CLI_RUN's settings: 5 epochs of 2000 / 100 are 100 iterations; the rest are the CLI's (CS231n) defaults. */
  static TwoLayerNetClassifier classifier() {
    return new TwoLayerNetClassifier().setHiddenSize(30).setStepSize(1e-3).setMaxIter(100).setBatchSize(100)
        .setSolver("sgd").setInit("std").setInitStd(1e-4).setRegParam(0.25).setLrDecay(0.95).setStandardize(false);
  }

  static double accuracy(Dataset<Row> predictions) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
  }

  @Test
  void fitsTransformsAndRoundTripsThroughSaveAndLoad() throws Exception {
    TwoLayerNetClassificationModel model = classifier().fit(train);
    assertEquals(10, model.numClasses());
    assertEquals(3072, model.numFeatures());
    assertEquals(100, model.summary().totalIterations());
    double[] loss = model.summary().objectiveHistory();
    assertTrue(loss[loss.length - 1] < loss[0], "loss falls");
    Dataset<Row> pred = model.transform(test);
    assertTrue(List.of(pred.columns()).containsAll(List.of("prediction", "probability", "rawPrediction")));
    double acc = accuracy(pred);
    assertTrue(acc > 0.2, "accuracy " + acc + " (chance 0.1)");

    String path = tmp.resolve("model").toString();
    model.write().overwrite().save(path);
    TwoLayerNetClassificationModel back = TwoLayerNetClassificationModel.load(path);
    assertEquals(model.uid(), back.uid());
    assertFalse(back.hasSummary());
    List<Row> a = pred.select("prediction", "probability").collectAsList();
    List<Row> b = back.transform(test).select("prediction", "probability").collectAsList();
    assertEquals(a, b, "identical predictions after save and load");
    // the saved model.npz is the CLI's model format
    assertArrayEquals(model.modelFile().weights(), ModelFile.load(tmp.resolve("model/data/model.npz")).weights(), 0.0);

    String estPath = tmp.resolve("estimator").toString();
    classifier().setSolver("adam").write().overwrite().save(estPath);
    TwoLayerNetClassifier est = TwoLayerNetClassifier.load(estPath);
    assertEquals("adam", est.getOrDefault(est.solver));
    assertEquals(30, est.getOrDefault(est.hiddenSize));
  }

  @Test
  void givesTheSameModelAsSubmitTrainForTheSameSettingsAndSeed() throws Exception {
    TwoLayerNetClassificationModel model = classifier().fit(train); // the settings of CLI_RUN
    ModelFile cli = ModelFile.load(tmp.resolve("cli").resolve("model.npz"));
    assertArrayEquals(cli.mean(), model.modelFile().mean(), 0.0, "same mean image");
    assertArrayEquals(cli.weights(), model.modelFile().weights(), 0.0, "same weights");
  }

  @Test
  void worksInAPipelineUnderCrossValidation() {
    TwoLayerNetClassifier net = new TwoLayerNetClassifier().setFeaturesCol("scaled").setMaxIter(50).setSolver("sgd")
        .setBatchSize(50).setStepSize(1e-2).setInit("he").setRegParam(1e-3);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true), net});
    ParamMap[] grid = new ParamGridBuilder().addGrid(net.hiddenSize, new int[] {10, 30}).build();
    CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setNumFolds(2)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setSeed(3);
    CrossValidatorModel m = cv.fit(train.limit(1000));
    assertEquals(2, m.avgMetrics().length);
    PipelineModel best = (PipelineModel) m.bestModel();
    double acc = accuracy(best.transform(test));
    assertTrue(acc > 0.15, "accuracy " + acc);
  }
}
