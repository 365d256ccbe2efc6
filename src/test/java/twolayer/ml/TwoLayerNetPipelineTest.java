package twolayer.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tier 3: the Estimator on data that is not CIFAR, as a Spark ML user has it (string labels, numeric
 * columns, StringIndexer + VectorAssembler + the net in a Pipeline), in local Spark: its defaults and its
 * Spark jobs per fit.
 */
class TwoLayerNetPipelineTest {
  static SparkSession spark;
  static Dataset<Row> train, test;
  static final AtomicInteger JOBS = new AtomicInteger();

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
}
