package twolayer.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import twolayer.UserError;
import twolayer.transport.Shared;

/**
 * A split of the data (train, val or test) as cached blocks, one per partition, with each partition's
 * row count known on the driver (from the plan, not from a scan), which the batch sampler needs.
 */
public record BlockSet(String name, JavaRDD<Block> rdd, int d, long[] counts, long n) {

  /**
   * Reads the splits on the executors, centres them on {@code mean}, caches one block per partition
   * and checks every block was read; a bad file ends in a {@link UserError} naming it.
   */
  public static BlockSet cache(JavaSparkContext sc, String name, List<RecordSplit> splits, double[] mean,
      double[] std, int numClasses, Shared<HadoopConf> conf) {
    JavaRDD<Block> rdd = JavaRDD.fromRDD(new SplitBlocks(sc, splits, mean, std, numClasses, conf),
        scala.reflect.ClassTag$.MODULE$.apply(Block.class))
        .setName(name + " blocks")
        .persist(StorageLevel.MEMORY_ONLY());
    List<String> errors = rdd.filter(b -> b.error != null).map(b -> b.error).collect();
    if (!errors.isEmpty()) {
      rdd.unpersist(false);
      throw new UserError(errors.get(0));
    }
    long[] counts = splits.stream().mapToLong(RecordSplit::n).toArray();
    return new BlockSet(name, rdd, mean.length, counts, java.util.Arrays.stream(counts).sum());
  }

  /**
   * Mean image and, when {@code withStd}, per-feature standard deviation (each D; else null) of the
   * records of {@code splits}, summed on the executors.
   */
  public static double[][] stats(JavaSparkContext sc, List<RecordSplit> splits, int d, int numClasses,
      boolean withStd, Shared<HadoopConf> conf) {
    PixelSum total = sc.parallelize(splits, splits.size())
        .map(s -> PixelSum.of(CifarDataset.read(s, d + 1, numClasses, conf.get().get()), d, withStd))
        .reduce(PixelSum::merge);
    if (total.error != null) {
      throw new UserError(total.error);
    }
    return Preprocessing.meanStd(toDouble(total.sums), withStd ? toDouble(total.squares) : null, total.n);
  }

  private static double[] toDouble(long[] v) {
    return java.util.Arrays.stream(v).asDoubleStream().toArray();
  }

  /** Bytes Spark's block manager holds in memory for this set's cached blocks (its storage status); 0 when none. */
  public long cachedBytes() {
    for (org.apache.spark.storage.RDDInfo i : rdd.context().getRDDStorageInfo()) {
      if (i.id() == rdd.id()) {
        return i.memSize();
      }
    }
    return 0;
  }

  public void unpersist() {
    rdd.unpersist(false);
  }

  /**
   * Per-pixel sums and (when asked: half the loop's time under C1) sums of squares; exact in long
   * arithmetic, so they are independent of partitioning.
   */
  static final class PixelSum implements Serializable {
    final long[] sums;
    final long[] squares;
    long n;
    String error;

    private PixelSum(long[] sums, long[] squares, long n, String error) {
      this.sums = sums;
      this.squares = squares;
      this.n = n;
      this.error = error;
    }

    static PixelSum of(RawRecords raw, int d, boolean withSquares) {
      long[] sums = new long[d], squares = new long[withSquares ? d : 0];
      if (raw.error() == null) {
        byte[] b = raw.bytes();
        for (int i = 0; i < raw.n(); i++) {
          int at = i * (d + 1) + 1;
          if (withSquares) {
            for (int j = 0; j < d; j++) {
              int v = b[at + j] & 0xFF;
              sums[j] += v;
              squares[j] += v * v;
            }
          } else {
            for (int j = 0; j < d; j++) {
              sums[j] += b[at + j] & 0xFF;
            }
          }
        }
      }
      return new PixelSum(sums, squares, raw.n(), raw.error());
    }

    PixelSum merge(PixelSum o) {
      for (int j = 0; j < sums.length; j++) {
        sums[j] += o.sums[j];
      }
      for (int j = 0; j < squares.length; j++) {
        squares[j] += o.squares[j];
      }
      n += o.n;
      error = error != null ? error : o.error;
      return this;
    }
  }
}
