package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Workspace;

/**
 * Running sums of a partition's mini-batch share: data loss, example count, data-loss gradient.
 * Executors only add and merge; the driver divides by n and adds regularisation once.
 * The zero value is tiny (no gradient array): {@code treeAggregate} serialises it for every
 * partition, so the gradient buffer is allocated on the first {@link #add}.
 */
public final class GradientSum implements Serializable {
  private double loss;
  private long count;
  private double[] grad;

  /** Adds the batch rows {@code step.rows()[block.partition]} of {@code block}. */
  public GradientSum add(Step step, Block block) {
    int[] rows = step.rows()[block.partition];
    if (rows.length == 0) {
      return this;
    }
    Shape s = step.shape();
    Workspace ws = Workspace.get();
    double[] x = ws.gather(block.x, block.y, block.d, rows);
    if (grad == null) {
      grad = new double[s.size()];
    }
    loss += TwoLayerNet.lossAndGradient(s, step.weights(), x, 0, ws.labels(), 0, rows.length, grad, ws);
    count += rows.length;
    return this;
  }

  /** Adds all rows of a block (tests and full-batch use). */
  public GradientSum addAll(Shape s, double[] w, Block block) {
    if (block.n == 0) {
      return this;
    }
    if (grad == null) {
      grad = new double[s.size()];
    }
    loss += TwoLayerNet.lossAndGradient(s, w, block.x, 0, block.y, 0, block.n, grad, Workspace.get());
    count += block.n;
    return this;
  }

  public GradientSum merge(GradientSum o) {
    if (o.grad != null) {
      if (grad == null) {
        grad = o.grad;
      } else {
        for (int i = 0; i < grad.length; i++) {
          grad[i] += o.grad[i];
        }
      }
    }
    loss += o.loss;
    count += o.count;
    return this;
  }

  public double loss() {
    return loss;
  }

  public long count() {
    return count;
  }

  /** The summed gradient in the {@link Shape} layout, or null when no example was added. */
  public double[] gradient() {
    return grad;
  }
}
