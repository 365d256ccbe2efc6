package twolayer.ml;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import twolayer.data.Preprocessing;
import twolayer.transport.Executors;

/**
 * {@code ./submit.sh compare-mlp}: this Estimator against Spark's MultilayerPerceptronClassifier on the
 * same DataFrame and hidden size, in one run: test accuracy and fit time of each, and how long this
 * Estimator takes to pass the MLP's final test accuracy (measured after each epoch).
 */
public final class MlpComparison {
  private MlpComparison() {}

  public static Map<String, Object> run(SparkSession spark, String data, int trainSize, int testSize, int hidden,
      TwoLayerNetClassifier ours, int mlpIterations, PrintStream out) {
    Executors.await(JavaSparkContext.fromSparkContext(spark.sparkContext())); // the cores to partition by
    Dataset<Row> train = CifarFrames.load(spark, data, "train", trainSize, spark.sparkContext().defaultParallelism())
        .cache();
    Dataset<Row> test = CifarFrames.load(spark, data, "test", testSize, spark.sparkContext().defaultParallelism()).cache();
    train.count();
    test.count();
    MulticlassClassificationEvaluator acc = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Map<String, Object> res = new LinkedHashMap<>();

    List<Dataset<Row>> centred = centred(spark, train, test);
    Dataset<Row> trainC = centred.get(0), testC = centred.get(1);
    out.printf("Spark MultilayerPerceptronClassifier: layers [3072, %d, 10], l-bfgs, blockSize 128, %d iterations%n",
        hidden, mlpIterations);
    long t0 = System.nanoTime();
    MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {3072, hidden, 10})
        .setBlockSize(128).setMaxIter(mlpIterations).setSeed(1).fit(trainC);
    double mlpSeconds = (System.nanoTime() - t0) / 1e9;
    double mlpAcc = acc.evaluate(mlp.transform(testC));
    out.printf("  %.1f s, test accuracy %.4f%n", mlpSeconds, mlpAcc);

    int iterations = (Integer) ours.getOrDefault(ours.maxIter());
    int perEpoch = Math.max(1, trainSize / Math.min((Integer) ours.getOrDefault(ours.batchSize()), trainSize));
    int epochs = (iterations + perEpoch - 1) / perEpoch;
    out.printf("TwoLayerNetClassifier: H=%d, %s, %d iterations (%d epochs)%n", hidden,
        ours.getOrDefault(ours.solver()), iterations, epochs);
    double oursSeconds = 0, oursAcc = 0, timeToMlp = Double.NaN;
    // one epoch more per fit from the same seed: the model after e epochs is a prefix of the full run's
    for (int e = 1; e <= epochs; e++) {
      long s0 = System.nanoTime();
      TwoLayerNetClassificationModel model = ours.copy(new org.apache.spark.ml.param.ParamMap())
          .setMaxIter(Math.min(e * perEpoch, iterations)).fit(train);
      double sec = (System.nanoTime() - s0) / 1e9;
      oursAcc = acc.evaluate(model.transform(test));
      oursSeconds = sec;
      out.printf("  after %d epoch(s): %.1f s to fit, test accuracy %.4f%n", e, sec, oursAcc);
      if (Double.isNaN(timeToMlp) && oursAcc >= mlpAcc) {
        timeToMlp = sec;
      }
    }
    res.put("train_examples", trainSize);
    res.put("test_examples", testSize);
    res.put("hidden", hidden);
    res.put("mlp", Map.of("iterations", mlpIterations, "seconds", mlpSeconds, "test_accuracy", mlpAcc));
    res.put("ours", Map.of("iterations", iterations, "epochs", epochs, "seconds", oursSeconds, "test_accuracy", oursAcc,
        "seconds_to_mlp_accuracy", timeToMlp));
    res.put("accuracy_difference", oursAcc - mlpAcc);
    res.put("time_to_mlp_accuracy_ratio", timeToMlp / mlpSeconds);
    out.printf("test accuracy: ours %.4f vs MLP %.4f; time to the MLP's accuracy: %.1f s vs %.1f s (ratio %.3f)%n",
        oursAcc, mlpAcc, timeToMlp, mlpSeconds, timeToMlp / mlpSeconds);
    return res;
  }

  /**
   * The frames with their features centred on the first's mean, cached: Spark's MLP gets mean-centred
   * pixels, as ours does (its l-bfgs does poorly on raw 0-255 inputs).
   */
  private static List<Dataset<Row>> centred(SparkSession spark, Dataset<Row> train, Dataset<Row> test) {
    Dataset<Row> means = train.select(org.apache.spark.ml.stat.Summarizer.mean(functions.col("features")).as("m"));
    org.apache.spark.ml.linalg.Vector m = means.first().getAs(0);
    double[] mean = m.toArray();
    org.apache.spark.sql.api.java.UDF1<org.apache.spark.ml.linalg.Vector, org.apache.spark.ml.linalg.Vector> centre =
        v -> org.apache.spark.ml.linalg.Vectors.dense(Preprocessing.applyInPlace(v.toArray().clone(), mean, null));
    spark.udf().register("centre", centre, new org.apache.spark.ml.linalg.VectorUDT());
    List<Dataset<Row>> out = new ArrayList<>();
    for (Dataset<Row> frame : List.of(train, test)) {
      out.add(frame.withColumn("features", functions.callUDF("centre", functions.col("features"))).cache());
    }
    out.forEach(Dataset::count);
    return out;
  }
}
