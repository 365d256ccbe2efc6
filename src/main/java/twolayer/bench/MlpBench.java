package twolayer.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import twolayer.data.BlockSet;

/** Spark's own MultilayerPerceptronClassifier on the same blocks, for comparison. */
final class MlpBench {
  private final JavaSparkContext sc;
  private final boolean quick;
  private final PrintStream out;

  MlpBench(JavaSparkContext sc, boolean quick, PrintStream out) {
    this.sc = sc;
    this.quick = quick;
    this.out = out;
  }

  /** Spark's MultilayerPerceptronClassifier (l-bfgs, blockSize 128) at the same H: examples/s per full pass. */
  Map<String, Object> mlp(BlockSet train, int n) {
    Map<String, Object> r = new LinkedHashMap<>();
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    int d = train.d();
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    long perPart = (n + train.counts().length - 1) / train.counts().length;
    RDD<Row> rows = train.rdd().flatMap(b -> {
      List<Row> l = new ArrayList<>();
      float[] row = new float[b.d];
      for (int i = 0; i < Math.min(b.n, perPart); i++) {
        b.x.write(i, 1, row);
        double[] f = new double[b.d];
        for (int j = 0; j < b.d; j++) {
          f[j] = row[j];
        }
        l.add(RowFactory.create((double) b.y[i], Vectors.dense(f)));
      }
      return l.iterator();
    }).rdd();
    Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
    long count = df.count();
    for (int h : Bench.HIDDEN) {
      if (quick && h == 500) {
        continue; // minutes per iteration on 2 cores: left to the full run
      }
      int iters = quick ? 3 : 10;
      out.printf("bench: Spark MultilayerPerceptronClassifier, H=%d, %d examples, %d iterations%n", h, count, iters);
      long t0 = System.nanoTime();
      MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {d, h, Bench.C}).setBlockSize(128).setMaxIter(iters).setSeed(1).setSolver("l-bfgs").fit(df);
      double sec = (System.nanoTime() - t0) / 1e9;
      int done = Math.max(1, model.summary().totalIterations());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("examples", count);
      m.put("iterations", done);
      m.put("seconds", sec);
      m.put("examples_per_second_per_pass", count * done / sec);
      out.printf("  %.1f s for %d iterations: %.0f examples/s per full pass%n", sec, done, count * done / sec);
      r.put("H" + h, m);
    }
    df.unpersist();
    return r;
  }}
