package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.transport.Transport;

/**
 * The {@link GradientSum}s of K models on the same batch rows: one Spark job per iteration for all K,
 * so Spark's per-job cost (scheduling, broadcast, result transfer), which dominates small batches, is
 * paid once. The zero value holds no sums (it is serialised per partition); they appear on the first add.
 */
public final class PackedSum implements Serializable, Transport.Reusable {
  private GradientSum[] sums;

  public PackedSum add(PackedStep step, Block block) {
    if (sums == null) {
      sums = new GradientSum[step.models().length];
      for (int k = 0; k < sums.length; k++) {
        sums[k] = new GradientSum();
      }
    }
    for (int k = 0; k < sums.length; k++) {
      sums[k].add(step.step(k), block);
    }
    return this;
  }

  public PackedSum merge(PackedSum o) {
    if (sums == null || o.sums == null) {
      return sums == null ? o : this;
    }
    for (int k = 0; k < sums.length; k++) {
      sums[k] = sums[k].merge(o.sums[k]);
    }
    return this;
  }

  @Override
  public void recycle() {
    if (sums != null) {
      for (GradientSum s : sums) {
        s.recycle();
      }
    }
  }

  /** Model k's sum (empty when no partition added anything). */
  public GradientSum get(int k) {
    return sums == null ? new GradientSum() : sums[k];
  }
}
