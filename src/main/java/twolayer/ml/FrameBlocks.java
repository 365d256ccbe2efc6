package twolayer.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import twolayer.UserError;
import twolayer.data.Block;
import twolayer.data.BlockSet;

/**
 * A DataFrame's (features, label) rows as the trainer's cached blocks, one per partition, centred on
 * the features' mean (and divided by their standard deviation when asked): the same blocks
 * {@code ./submit.sh train} builds from CIFAR-10 files, for any vector column of any dimension.
 */
final class FrameBlocks {
  private FrameBlocks() {}

  /** Blocks, preprocessing and the class count of a training DataFrame. */
  record Prepared(BlockSet blocks, double[] mean, double[] std, int numClasses) {}

  static Prepared of(Dataset<?> df, String featuresCol, String labelCol, boolean standardize) {
    JavaRDD<Row> rows = df.select(featuresCol, labelCol).toJavaRDD();
    Stats st = rows.mapPartitions(it -> List.of(Stats.of(it)).iterator()).reduce(Stats::merge);
    if (st.n == 0) {
      throw new UserError("fit: the training DataFrame is empty");
    }
    int d = st.sum.length;
    double[] mean = new double[d], std = standardize ? new double[d] : null;
    for (int j = 0; j < d; j++) {
      mean[j] = st.sum[j] / st.n;
      if (std != null) {
        std[j] = Math.sqrt(Math.max(st.sumSq[j] / st.n - mean[j] * mean[j], 0)) + 1e-8;
      }
    }
    JavaRDD<Block> blocks = rows.mapPartitionsWithIndex((p, it) -> List.of(block(p, it, mean, std)).iterator(), true)
        .persist(StorageLevel.MEMORY_ONLY());
    List<long[]> sizes = blocks.map(b -> new long[] {b.partition, b.n}).collect();
    long[] counts = new long[blocks.getNumPartitions()];
    long n = 0;
    for (long[] s : sizes) {
      counts[(int) s[0]] = s[1];
      n += s[1];
    }
    return new Prepared(new BlockSet("train", blocks, d, counts, n), mean, std, st.maxLabel + 1);
  }

  static Block block(int partition, Iterator<Row> it, double[] mean, double[] std) {
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    int d = mean.length;
    while (it.hasNext()) {
      Row r = it.next();
      double[] v = ((Vector) r.get(0)).toArray();
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        double c = v[j] - mean[j];
        x[j] = (float) (std == null ? c : c / std[j]);
      }
      xs.add(x);
      ys.add((int) ((Number) r.get(1)).doubleValue());
    }
    float[] all = new float[xs.size() * d];
    int[] y = new int[xs.size()];
    for (int i = 0; i < xs.size(); i++) {
      System.arraycopy(xs.get(i), 0, all, i * d, d);
      y[i] = ys.get(i);
    }
    return Block.of(partition, all, y);
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
