package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.model.ArrayIO;
import twolayer.model.FloatNet;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;

/**
 * Running sums of a partition's mini-batch share: data loss, example count, data-loss gradient
 * (in the precision of the weights: a float sum is half the bytes to send back). Executors only add
 * and merge; the driver divides by n and adds regularisation once. The zero value is tiny (no
 * gradient array): {@code treeAggregate} serialises it for every partition, so the gradient buffer is
 * allocated on the first {@link #add}.
 */
public final class GradientSum implements Serializable {
  private double loss;
  private long count;
  private long computeNanos; // the slowest partition's kernel time: the compute on the critical path
  private transient double[] grad;
  private transient float[] gradF;

  /** Adds the batch rows {@code step.rows()[block.partition]} of {@code block}. */
  public GradientSum add(Step step, Block block) {
    int[] rows = step.rows()[block.partition];
    if (rows.length == 0) {
      return this;
    }
    long t0 = System.nanoTime();
    Weights w = step.weights();
    Shape s = w.shape();
    Workspace ws = Workspace.get();
    if (w.single()) {
      float[] x = ws.gatherFloat(block.x, block.y, block.d, rows);
      gradF = gradF != null ? gradF : new float[s.size()];
      loss += FloatNet.lossAndGradient(s, w.floats(), x, 0, ws.labels(), 0, rows.length, gradF, ws);
    } else {
      double[] x = ws.gather(block.x, block.y, block.d, rows);
      grad = grad != null ? grad : new double[s.size()];
      loss += TwoLayerNet.lossAndGradient(s, w.doubles(), x, 0, ws.labels(), 0, rows.length, grad, ws);
    }
    count += rows.length;
    computeNanos += System.nanoTime() - t0;
    return this;
  }

  public GradientSum merge(GradientSum o) {
    grad = sum(grad, o.grad);
    gradF = sum(gradF, o.gradF);
    loss += o.loss;
    count += o.count;
    computeNanos = Math.max(computeNanos, o.computeNanos);
    return this;
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

  /** The summed gradient in the {@link Shape} layout (widened to double); null when no example was added. */
  public double[] gradient() {
    return gradF == null ? grad : scaled(1.0);
  }

  /** The mean gradient {@code sum / count} as a new double array, in one pass. */
  public double[] meanGradient() {
    return scaled(1.0 / count);
  }

  private double[] scaled(double f) {
    double[] g = new double[grad != null ? grad.length : gradF.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (grad != null ? grad[i] : gradF[i]) * f;
    }
    return g;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    ArrayIO.writeDoubles(out, grad);
    ArrayIO.writeFloats(out, gradF);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    grad = ArrayIO.readDoubles(in);
    gradF = ArrayIO.readFloats(in);
  }

  private static double[] sum(double[] a, double[] b) {
    if (a == null || b == null) {
      return a != null ? a : b;
    }
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  private static float[] sum(float[] a, float[] b) {
    if (a == null || b == null) {
      return a != null ? a : b;
    }
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
