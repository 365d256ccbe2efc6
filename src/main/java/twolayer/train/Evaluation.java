package twolayer.train;

import org.apache.spark.api.java.JavaSparkContext;
import twolayer.agg.EvalSum;
import twolayer.data.BlockSet;
import twolayer.model.Weights;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/** Accuracy, confusion and loss of a model on cached blocks, computed on the executors. */
public final class Evaluation {
  private Evaluation() {}

  /** Evaluates every row of {@code set}. */
  public static EvalSum of(BlockSet set, Weights w, int depth) {
    return of(set, w, depth, null);
  }

  /**
   * @param limits rows to score per partition (its first rows), or null for all: a fixed sample
   */
  public static EvalSum of(BlockSet set, Weights w, int depth, long[] limits) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(set.rdd().context());
    Transport transport = Transport.of(sc);
    Shared<Weights> bw = transport.perJob(sc, w);
    try {
      return transport.aggregate(set.rdd(), bw, new EvalSum(),
          (acc, b) -> acc.add(bw.get(), b, limits == null ? Long.MAX_VALUE : limits[b.partition]),
          EvalSum::merge, depth);
    } finally {
      bw.release();
    }
  }

  /** Per-partition row limits giving a fixed sample of about {@code size} rows spread over the partitions. */
  public static long[] sampleLimits(BlockSet set, long size) {
    long[] limits = new long[set.counts().length];
    for (int p = 0; p < limits.length; p++) {
      limits[p] = set.n() == 0 ? 0 : (set.counts()[p] * size + set.n() - 1) / set.n();
    }
    return limits;
  }
}
