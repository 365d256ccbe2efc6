package twolayer.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.UserError;
import twolayer.io.ModelFile;

/**
 * Tier 3: the Estimator on data that is not CIFAR, as a Spark ML user has it (string labels, numeric
 * columns, StringIndexer + VectorAssembler + the net in a Pipeline), in local Spark: its defaults, its
 * Spark jobs per fit, and saved pipelines and cross-validation models read back by Spark's own loaders.
 */
class TwoLayerNetPipelineTest {
  static SparkSession spark;
  static Dataset<Row> train, test;
  static final AtomicInteger JOBS = new AtomicInteger();

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("TwoLayerNetPipelineTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        JOBS.incrementAndGet();
      }
    });
    train = Blobs.frame(spark, 2400, 7, 8, null, null).cache();
    test = Blobs.frame(spark, 600, 7, 9, null, null).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** String labels to indices, the six columns to a vector: what the net's stage gets. */
  static PipelineStage[] preparation() {
    return new PipelineStage[] {new StringIndexer().setInputCol("kind").setOutputCol("label"),
        new VectorAssembler().setInputCols(Blobs.columns()).setOutputCol("features")};
  }

  static Pipeline pipeline(TwoLayerNetClassifier net) {
    PipelineStage[] stages = java.util.Arrays.copyOf(preparation(), 3);
    stages[2] = net;
    return new Pipeline().setStages(stages);
  }

  static double accuracy(Dataset<Row> predictions) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
  }

  /** Spark jobs started so far, once the listener has seen every event posted until now. */
  static int jobs() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
    return JOBS.get();
  }

  static List<Row> predictions(org.apache.spark.ml.Transformer model, Dataset<Row> frame) {
    return model.transform(frame).select("prediction", "probability", "rawPrediction").collectAsList();
  }

  @Test
  void defaultsLearnBlobsInOneSparkJobPerIteration() {
    PipelineModel prep = new Pipeline().setStages(preparation()).fit(train);
    Dataset<Row> frame = prep.transform(train).cache();
    frame.count();
    TwoLayerNetClassifier net = new TwoLayerNetClassifier().setHiddenSize(20); // nothing else set
    int before = jobs();
    TwoLayerNetClassificationModel model = net.fit(frame);
    int fitJobs = jobs() - before;
    int iterations = model.summary().totalIterations();
    assertEquals(net.getOrDefault(net.maxIter()), iterations, "maxIter counts iterations");
    // the features' sums, the cached blocks, one job per iteration, the final training accuracy
    assertTrue(fitJobs >= iterations && fitJobs <= iterations + 3,
        fitJobs + " Spark jobs for " + iterations + " iterations");
    double acc = accuracy(model.transform(prep.transform(test)));
    assertTrue(acc >= 0.95, "test accuracy " + acc + " with the defaults");
    frame.unpersist();
  }

  @Test
  void defaultsLearnFeaturesThatAreNotStandardised() {
    // the same blobs, each column shifted and scaled (by 0.01 to 1000) as raw measurements may be
    double[] offset = {100, -50, 0, 1000, 3, -7}, scale = {0.01, 100, 1, 1000, 0.1, 10};
    PipelineModel m = pipeline(new TwoLayerNetClassifier().setHiddenSize(20))
        .fit(Blobs.frame(spark, 2400, 7, 8, offset, scale));
    double acc = accuracy(m.transform(Blobs.frame(spark, 600, 7, 9, offset, scale)));
    assertTrue(acc >= 0.95, "test accuracy " + acc + " with the defaults");
  }

  @Test
  void aSavedPipelineLoadsWithSparksOwnLoaders() throws Exception {
    TwoLayerNetClassifier net = new TwoLayerNetClassifier().setHiddenSize(10).setMaxIter(60).setSolver("momentum");
    PipelineModel m = pipeline(net).fit(train);
    String path = tmp.resolve("pipeline-model").toString();
    m.write().overwrite().save(path);
    PipelineModel back = PipelineModel.load(path);
    assertEquals(predictions(m, test), predictions(back, test), "identical predictions after save and load");

    // the net's stage: Spark's metadata beside data/model.npz, the CLI's model file; the stage loads alone too
    TwoLayerNetClassificationModel fitted = (TwoLayerNetClassificationModel) m.stages()[2];
    Path stage;
    try (var dirs = Files.list(tmp.resolve("pipeline-model/stages"))) {
      stage = dirs.filter(d -> d.getFileName().toString().startsWith("2_")).findFirst().orElseThrow();
    }
    assertTrue(Files.isDirectory(stage.resolve("metadata")));
    assertArrayEquals(fitted.modelFile().weights(), ModelFile.load(stage.resolve("data/model.npz")).weights(), 0.0);
    TwoLayerNetClassificationModel alone = TwoLayerNetClassificationModel.load(stage.toString());
    assertEquals(fitted.uid(), alone.uid());
    assertEquals(fitted.getFeaturesCol(), alone.getFeaturesCol());

    // the unfitted pipeline: the net's params come back, set and default alike
    String estPath = tmp.resolve("pipeline").toString();
    pipeline(net).write().overwrite().save(estPath);
    TwoLayerNetClassifier loaded = (TwoLayerNetClassifier) Pipeline.load(estPath).getStages()[2];
    assertEquals(net.uid(), loaded.uid());
    for (ParamPair<?> p : net.extractParamMap().toList()) {
      assertEquals(p.value(), loaded.getOrDefault(loaded.getParam(p.param().name())), p.param().name());
    }
    assertTrue(loaded.isSet(loaded.maxIter()) && !loaded.isSet(loaded.regParam()), "set and default kept apart");
  }

  @Test
  void aSavedCrossValidatorModelLoadsWithIdenticalPredictions() throws Exception {
    TwoLayerNetClassifier net = new TwoLayerNetClassifier().setMaxIter(40);
    ParamMap[] grid = new ParamGridBuilder().addGrid(net.hiddenSize(), new int[] {5, 15}).build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline(net)).setEstimatorParamMaps(grid)
        .setNumFolds(2).setSeed(3).setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
        .fit(train.limit(800));
    String path = tmp.resolve("cv-model").toString();
    cv.write().overwrite().save(path);
    CrossValidatorModel back = CrossValidatorModel.load(path);
    assertArrayEquals(cv.avgMetrics(), back.avgMetrics(), 0.0);
    assertEquals(predictions(cv.bestModel(), test), predictions(back.bestModel(), test));
    assertEquals(predictions(cv, test), predictions(back, test));
  }

  @Test
  void aModelSavedInTheEarlierLayoutStillLoads() throws Exception {
    TwoLayerNetClassificationModel model = pipelineNet(pipeline(new TwoLayerNetClassifier().setMaxIter(30)).fit(train));
    Path dir = Files.createDirectories(tmp.resolve("earlier"));
    // the earlier layout: metadata.json (every param as its JSON text) and model.npz side by side
    Map<String, String> params = new LinkedHashMap<>();
    for (ParamPair<?> p : model.extractParamMap().toList()) {
      @SuppressWarnings("unchecked")
      org.apache.spark.ml.param.Param<Object> param = (org.apache.spark.ml.param.Param<Object>) p.param();
      params.put(param.name(), param.jsonEncode(p.value()));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("class", TwoLayerNetClassificationModel.class.getName());
    meta.put("uid", model.uid());
    meta.put("sparkVersion", spark.version());
    meta.put("paramMap", params);
    new ObjectMapper().writeValue(dir.resolve("metadata.json").toFile(), meta);
    model.modelFile().save(dir.resolve("model.npz"));
    Dataset<Row> frame = new Pipeline().setStages(preparation()).fit(train).transform(test);
    TwoLayerNetClassificationModel back = TwoLayerNetClassificationModel.load(dir.toString());
    assertEquals(model.uid(), back.uid());
    assertEquals(predictions(model, frame), predictions(back, frame));

    // an Estimator of that layout loads too; its maxIter counted epochs and is left at the default
    meta.put("class", TwoLayerNetClassifier.class.getName());
    meta.put("paramMap", Map.of("maxIter", "5", "hiddenSize", "30", "solver", "\"adam\""));
    new ObjectMapper().writeValue(dir.resolve("metadata.json").toFile(), meta);
    TwoLayerNetClassifier est = TwoLayerNetClassifier.load(dir.toString());
    assertEquals(30, est.getOrDefault(est.hiddenSize()));
    assertEquals("adam", est.getOrDefault(est.solver()));
    TwoLayerNetClassifier fresh = new TwoLayerNetClassifier();
    assertEquals(fresh.getOrDefault(fresh.maxIter()), est.getOrDefault(est.maxIter()));
  }

  @Test
  void aFolderOfNeitherLayoutIsOneClearError() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    UserError e = assertThrows(UserError.class, () -> TwoLayerNetClassificationModel.load(empty.toString()));
    assertTrue(e.getMessage().startsWith(empty + ": no saved model") && e.getMessage().contains("metadata/"),
        e.getMessage());
  }

  static TwoLayerNetClassificationModel pipelineNet(PipelineModel m) {
    return (TwoLayerNetClassificationModel) m.stages()[2];
  }
}
