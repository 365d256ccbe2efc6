package twolayer.ml;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.reflect.ClassTag$;
import twolayer.UserError;
import twolayer.data.Block;
import twolayer.data.BlockSet;
import twolayer.data.Preprocessing;
import twolayer.transport.Executors;
import twolayer.transport.Transport;

/**
 * A DataFrame's (features, label) rows as the trainer's cached blocks, one per partition, centred on
 * the features' mean (and divided by their standard deviation when asked): the same blocks
 * {@code ./submit.sh train} builds from CIFAR-10 files, for any vector column of any dimension. Two
 * Spark jobs: the features' sums, then the blocks ({@link FrameBlockRdd}) cached with their sizes.
 */
final class FrameBlocks {
  private FrameBlocks() {}

  /** Blocks, preprocessing and the class count of a training DataFrame. */
  record Prepared(BlockSet blocks, double[] mean, double[] std, int numClasses) {}

  static Prepared of(Dataset<?> df, String featuresCol, String labelCol, boolean standardize) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    Executors.await(sc); // every executor there to cache a block
    JavaRDD<Row> rows = df.select(featuresCol, labelCol).toJavaRDD();
    Stats st = rows.mapPartitions(it -> List.of(Stats.of(it)).iterator()).reduce(Stats::merge);
    if (st.n == 0) {
      throw new UserError("fit: the training DataFrame is empty");
    }
    int d = st.sum.length;
    double[][] meanStd = Preprocessing.meanStd(st.sum, standardize ? st.sumSq : null, st.n);
    double[] mean = meanStd[0], std = meanStd[1];
    FrameBlockRdd rdd = new FrameBlockRdd(sc, rows.rdd(), mean, std);
    // in one JVM the blocks drop the frame's lineage once cached: every task of every iteration then
    // carries 1-2 KB, not the frame's query plan
    Transport.of(sc).cache(rdd);
    JavaRDD<Block> blocks = JavaRDD.fromRDD(rdd, ClassTag$.MODULE$.apply(Block.class)).setName("fit blocks");
    List<long[]> sizes = blocks.map(b -> new long[] {b.partition, b.n}).collect();
    long[] counts = new long[blocks.getNumPartitions()];
    long n = 0;
    for (long[] s : sizes) {
      counts[(int) s[0]] = s[1];
      n += s[1];
    }
    return new Prepared(new BlockSet("train", blocks, d, counts, n), mean, std, st.maxLabel + 1);
  }

  /** Count, per-feature sums and sums of squares, and the largest label of some rows. */
  static final class Stats implements Serializable {
    long n;
    double[] sum = new double[0];
    double[] sumSq = new double[0];
    int maxLabel = -1;

    static Stats of(Iterator<Row> it) {
      Stats s = new Stats();
      while (it.hasNext()) {
        Row r = it.next();
        double[] v = ((Vector) r.get(0)).toArray();
        double label = ((Number) r.get(1)).doubleValue();
        if (label < 0 || label != Math.rint(label) || label > 100_000) {
          throw new UserError("fit: label " + label + " is not a class index (0, 1, 2, ...)");
        }
        if (s.n == 0) {
          s.sum = new double[v.length];
          s.sumSq = new double[v.length];
        } else if (v.length != s.sum.length) {
          throw new UserError("fit: feature vectors of sizes " + s.sum.length + " and " + v.length);
        }
        for (int j = 0; j < v.length; j++) {
          s.sum[j] += v[j];
          s.sumSq[j] += v[j] * v[j];
        }
        s.maxLabel = Math.max(s.maxLabel, (int) label);
        s.n++;
      }
      return s;
    }

    Stats merge(Stats o) {
      if (o.n == 0) {
        return this;
      }
      if (n == 0) {
        return o;
      }
      for (int j = 0; j < sum.length; j++) {
        sum[j] += o.sum[j];
        sumSq[j] += o.sumSq[j];
      }
      n += o.n;
      maxLabel = Math.max(maxLabel, o.maxLabel);
      return this;
    }
  }
}
