package twolayer.agg;

import java.io.Serializable;
import twolayer.data.Block;
import twolayer.model.ArrayIO;
import twolayer.model.FloatNet;
import twolayer.model.Gemm;
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
 *
 * <p>In float, a small share of the batch sends the W1 gradient in its smallest exact form: the factors
 * X (m×D) and dz1 (m×H) with {@code dW1 = Xᵀ·dz1}, while {@code m·(D+H) < D·H} (at H=500 and 100 rows:
 * 1.4 MB instead of 6.1 MB). Merges concatenate factors while that holds and multiply them out
 * otherwise; the driver multiplies out what is left.
 */
public final class GradientSum implements Serializable {
  private double loss;
  private long count;
  private long computeNanos; // the slowest partition's kernel time: the compute on the critical path
  private transient double[] grad;
  private transient float[] gradF;
  private Shape shape; // set with the first factors
  private int factorRows;
  private boolean w1Dense; // whether gradF's W1 part holds anything: when not, it is not sent
  private transient float[] fx; // factorRows×D
  private transient float[] fdz; // factorRows×H

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
      boolean factor = w.factors() && smaller(s, factorRows + rows.length);
      loss += FloatNet.lossAndGradient(s, w.floats(), x, 0, ws.labels(), 0, rows.length, gradF, ws, !factor);
      if (factor) {
        appendFactors(s, x, ws.lastDz1(), rows.length);
      } else {
        w1Dense = true;
      }
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
    if (o.factorRows > 0 && !smaller(o.shape, factorRows + o.factorRows)) {
      multiplyOut(); // together too many rows: dense is smaller now
      o.multiplyOut();
    }
    grad = sum(grad, o.grad);
    gradF = sum(gradF, o.gradF);
    w1Dense |= o.w1Dense;
    if (o.factorRows > 0) {
      appendFactors(o.shape, o.fx, o.fdz, o.factorRows);
    }
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
    multiplyOut();
    return gradF == null ? grad : scaled(1.0);
  }

  /** The mean gradient {@code sum / count} as a new double array, in one pass. */
  public double[] meanGradient() {
    multiplyOut();
    return scaled(1.0 / count);
  }

  /** Rows still sent as factors (0 once multiplied out). */
  public int factorRows() {
    return factorRows;
  }

  /** True while rows·(D+H) floats are fewer than the D·H of a dense W1 gradient. */
  private static boolean smaller(Shape s, long rows) {
    return rows * (s.d() + s.h()) < (long) s.d() * s.h();
  }

  private void appendFactors(Shape s, float[] x, float[] dz1, int m) {
    shape = s;
    int d = s.d(), h = s.h();
    fx = java.util.Arrays.copyOf(fx == null ? new float[0] : fx, (factorRows + m) * d);
    fdz = java.util.Arrays.copyOf(fdz == null ? new float[0] : fdz, (factorRows + m) * h);
    System.arraycopy(x, 0, fx, factorRows * d, m * d);
    System.arraycopy(dz1, 0, fdz, factorRows * h, m * h);
    factorRows += m;
  }

  /** gradF's W1 part += Xᵀ·dz1 over the factor rows: (D×rows)·(rows×H) = D×H. */
  private void multiplyOut() {
    if (factorRows == 0) {
      return;
    }
    Gemm.gemm(true, false, shape.d(), shape.h(), factorRows, 1f, fx, 0, fdz, 0, 1f, gradF, shape.w1());
    w1Dense = true;
    factorRows = 0;
    fx = null;
    fdz = null;
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
    // a W1 part that only factors feed is all zeros: send what follows it
    int skip = gradF != null && !w1Dense && shape != null ? shape.b1() : 0;
    out.writeInt(skip);
    ArrayIO.writeFloats(out, gradF == null ? null : java.util.Arrays.copyOfRange(gradF, skip, gradF.length));
    ArrayIO.writeFloats(out, fx == null ? null : java.util.Arrays.copyOf(fx, factorRows * shape.d()));
    ArrayIO.writeFloats(out, fdz == null ? null : java.util.Arrays.copyOf(fdz, factorRows * shape.h()));
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    grad = ArrayIO.readDoubles(in);
    int skip = in.readInt();
    float[] tail = ArrayIO.readFloats(in);
    if (tail != null) {
      gradF = new float[skip + tail.length];
      System.arraycopy(tail, 0, gradF, skip, tail.length);
    }
    fx = ArrayIO.readFloats(in);
    fdz = ArrayIO.readFloats(in);
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
