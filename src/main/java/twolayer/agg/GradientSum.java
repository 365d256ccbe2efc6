package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.model.Sums;
import twolayer.model.Weights;
import twolayer.transport.Transport;

/**
 * Running sums of a partition's mini-batch share: data loss, example count and the data-loss gradient
 * ({@link Sums}, in the precision of the weights' kernel). Executors only add and merge; the driver
 * divides by n and adds regularisation once ({@code train.DriverUpdate}). The zero value is tiny (no
 * gradient sums): {@code treeAggregate} serialises it for every partition, so the sums appear on the
 * first {@link #add}.
 */
public final class GradientSum implements Serializable, Transport.Reusable {
  private double loss;
  private long count;
  private long computeNanos; // the slowest partition's kernel time: the compute on the critical path
  private Sums sums;

  /** Adds the batch rows {@code step.rows()[block.partition]} of {@code block}. */
  public GradientSum add(Step step, Block block) {
    int[] rows = step.rows()[block.partition];
    if (rows.length == 0) {
      return this;
    }
    long t0 = System.nanoTime();
    Weights w = step.weights();
    sums = sums != null ? sums : w.kernel().sums();
    loss += sums.add(w, block.x, block.y, rows, block.partition, step.noise());
    count += rows.length;
    computeNanos += System.nanoTime() - t0;
    return this;
  }

  public GradientSum merge(GradientSum o) {
    sums = sums == null ? o.sums : o.sums == null ? sums : sums.merge(o.sums);
    loss += o.loss;
    count += o.count;
    computeNanos = Math.max(computeNanos, o.computeNanos);
    return this;
  }

  /**
   * Gives the sums' arrays to the pool for the tasks of the next iteration in this JVM; the sum is empty
   * afterwards. Only where the tasks run in this JVM ({@link Transport#done}), after the update has read
   * the sums, and not for sums that are not finite (a kernel writing with beta 0 is not trusted to clear
   * a NaN).
   */
  @Override
  public void recycle() {
    if (sums != null) {
      sums.recycle();
    }
  }

  public double loss() {
    return loss;
  }

  public long count() {
    return count;
  }

  /** Kernel time of the slowest partition (gather, forward, backward), in nanoseconds. */
  public long computeNanos() {
    return computeNanos;
  }

  /** The gradient sums as they came (the driver's fused update reads them); null when no example was added. */
  public Sums sums() {
    return sums;
  }

  /** The summed gradient in the {@link twolayer.model.Shape} layout, widened to double; null when no example was added. */
  public double[] gradient() {
    return sums == null ? null : sums.gradient();
  }

  /** W1 gradient rows still held as factors (0 when none). */
  public int factorRows() {
    return sums == null || sums.factors() == null ? 0 : sums.factors().rows();
  }
}
