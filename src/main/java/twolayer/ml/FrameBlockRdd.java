package twolayer.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.reflect.ClassTag$;
import twolayer.data.Block;
import twolayer.data.Preprocessing;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/**
 * A DataFrame's (features, label) rows as the trainer's blocks, one per partition, centred on
 * {@code mean} (and divided by {@code std} when it is not null): an RDD of its own over the frame's rows.
 * It stands for {@code rows.mapPartitionsWithIndex(lambda)}, whose Scala wrapper kept the frame's whole
 * query plan in every task even after checkpointing: 54 KB that each task of each iteration
 * deserialised, 2.3-3.5 ms of CPU per task here (6-D blobs, local[2]), where the CLI's blocks take
 * 0.05 ms. This class holds no reference to the frame but its dependency, which Spark drops when the
 * blocks are checkpointed ({@link Transport#cache}, in one JVM). The mean and std are {@link Shared}:
 * with 3072 features they are 48 KB, which every task would otherwise carry.
 */
final class FrameBlockRdd extends RDD<Block> {
  private final Shared<double[][]> meanStd; // {mean, std}, std null when not standardised

  FrameBlockRdd(JavaSparkContext sc, RDD<Row> rows, double[] mean, double[] std) {
    super(rows, ClassTag$.MODULE$.apply(Block.class));
    this.meanStd = Transport.of(sc).share(sc, new double[][] {mean, std});
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterator<Block> compute(Partition p, TaskContext context) {
    RDD<Row> rows = (RDD<Row>) (RDD<?>) firstParent(ClassTag$.MODULE$.apply(Row.class));
    double[] mean = meanStd.get()[0], std = meanStd.get()[1];
    return Iterator$.MODULE$.single(block(p.index(), rows.iterator(p, context), mean, std));
  }

  @Override
  public Partition[] getPartitions() {
    return firstParent(ClassTag$.MODULE$.apply(Row.class)).partitions();
  }

  /** Partition {@code partition}'s rows (column 0 the features, column 1 the label) as one block. */
  static Block block(int partition, Iterator<Row> it, double[] mean, double[] std) {
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    int d = mean.length;
    while (it.hasNext()) {
      Row r = it.next();
      double[] v = ((Vector) r.get(0)).toArray();
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        x[j] = (float) Preprocessing.apply(v[j], j, mean, std);
      }
      xs.add(x);
      ys.add((int) ((Number) r.get(1)).doubleValue());
    }
    float[] all = new float[xs.size() * d]; // n×D, row-major
    int[] y = new int[xs.size()];
    for (int i = 0; i < xs.size(); i++) {
      System.arraycopy(xs.get(i), 0, all, i * d, d);
      y[i] = ys.get(i);
    }
    return Block.of(partition, all, y);
  }
}
