package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.model.Weights;
import twolayer.model.Workspace;

/** Confusion counts (true class × predicted class) and summed data loss over evaluated examples. */
public final class EvalSum implements Serializable {
  private static final int CHUNK = 512; // rows scored per gemm: bounds the workspace

  private long[] confusion; // C×C, allocated on first add
  private double loss;
  private long count;

  /** Scores the first {@code min(limit, block.n)} rows of a block, a chunk of rows at a time. */
  public EvalSum add(Weights w, Block block, long limit) {
    int c = w.shape().c();
    int n = (int) Math.min(limit, block.n);
    if (confusion == null) {
      confusion = new long[c * c];
    }
    Workspace ws = Workspace.get();
    for (int r0 = 0; r0 < n; r0 += CHUNK) {
      loss = w.kernel().evaluate(w, block.x, block.y, r0, Math.min(CHUNK, n - r0), confusion, loss, ws);
    }
    count += n;
    return this;
  }

  public EvalSum merge(EvalSum o) {
    if (o.confusion != null) {
      if (confusion == null) {
        confusion = o.confusion;
      } else {
        for (int i = 0; i < confusion.length; i++) {
          confusion[i] += o.confusion[i];
        }
      }
    }
    loss += o.loss;
    count += o.count;
    return this;
  }

  public long count() {
    return count;
  }

  /** Mean data loss (no regularisation). */
  public double meanLoss() {
    return count == 0 ? Double.NaN : loss / count;
  }

  public double accuracy() {
    if (count == 0) {
      return Double.NaN;
    }
    int c = (int) Math.round(Math.sqrt(confusion.length));
    long right = 0;
    for (int k = 0; k < c; k++) {
      right += confusion[k * c + k];
    }
    return (double) right / count;
  }

  /** Row-major C×C counts: row = true class, column = predicted class. */
  public long[] confusion() {
    return confusion;
  }
}
