package twolayer.agg;

import java.io.Serializable;
import java.util.stream.IntStream;
import twolayer.data.Block;
import twolayer.model.ArrayIO;
import twolayer.model.FloatNet;
import twolayer.model.Gemm;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;
import twolayer.transport.ArrayPool;
import twolayer.transport.Transport;

/**
 * Running sums of a partition's mini-batch share: data loss, example count, data-loss gradient
 * (in the precision of the weights: a float sum is half the bytes to send back). Executors only add
 * and merge; the driver divides by n and adds regularisation once. The zero value is tiny (no
 * gradient array): {@code treeAggregate} serialises it for every partition, so the gradient buffer is
 * allocated on the first {@link #add}.
 *
 * <p>In float, a small share of the batch sends the W1 gradient in its smallest exact form: the factors
 * X (m×D) and dz1 (m×H) with {@code dW1 = Xᵀ·dz1}, while {@code m·(D+H) < D·H} (at H=500 and 100 rows:
 * 1.4 MB instead of 6.1 MB). Until they are multiplied out, the float sums hold only the layout from b1
 * on, so no one allocates, zeroes, sends or adds a W1-sized array of zeros. Merges gather the
 * partitions' factors while that holds and multiply them out otherwise; the driver multiplies out what
 * is left. The factors stay one segment per partition, as the task gathered them: the product takes
 * the segments one after the other (for each block of W1, one sgemm per segment, the first with the
 * caller's beta and the rest adding on), so no merge copies them into one matrix (measured at H=500,
 * B=200: the copy of 2.8 MB took 0.8-0.9 ms of the merge; the product costs the same either way).
 */
public final class GradientSum implements Serializable, Transport.Reusable {
  private double loss;
  private long count;
  private long computeNanos; // the slowest partition's kernel time: the compute on the critical path
  private transient double[] grad;
  private transient float[] gradF; // the Shape layout from `base` on
  private int base; // 0, or b1 while the W1 gradient exists only as factors
  private Shape shape; // set with the first factors
  private int factorRows;
  // the factor rows as segments in partition order, whatever order the partial sums arrive in: the
  // multiplied-out sum then adds its rows in one order on every run (float addition is not associative)
  private transient int[] segPartition = new int[0];
  private transient int[] segRows = new int[0];
  private transient float[][] segX = new float[0][]; // segment k: segRows[k]×D
  private transient float[][] segDz = new float[0][]; // segment k: segRows[k]×H
  private transient boolean borrowed; // gradF is the caller's array (multiplyOutParallel's reuse): not ours to recycle
  private transient java.util.List<float[]> spent; // arrays merged in or multiplied out, for recycle

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
      boolean factor = w.factors() && smaller(s, factorRows + rows.length);
      // rows kept as factors are gathered once, into the segment that is sent: no second copy
      int xLen = rows.length * s.d();
      float[] x = factor
          ? ws.gatherFloat(block.x, block.y, block.d, rows, ArrayPool.take(xLen, xLen + xLen / 4))
          : ws.gatherFloat(block.x, block.y, block.d, rows);
      boolean first = gradF == null; // then the kernel writes the sums (beta 0): a recycled array holds old ones
      if (first) {
        base = factor ? s.b1() : 0;
        gradF = ArrayPool.take(s.size() - base, s.size() - base);
      } else if (!factor) {
        widen();
      }
      loss += FloatNet.lossAndGradient(s, w.floats(), x, 0, ws.labels(), 0, rows.length, gradF, ws, base == 0,
          first);
      if (factor) {
        appendFactors(s, x, ws.lastDz1(), rows.length, block.partition);
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
    if (gradF != null && o.gradF != null && base != o.base) {
      widen();
      o.widen();
    }
    if (gradF == null) {
      base = o.base;
    }
    grad = sum(grad, o.grad);
    if (gradF != null && o.gradF != null) {
      spend(o.gradF);
    } else if (gradF == null) {
      borrowed = o.borrowed;
    }
    gradF = sum(gradF, o.gradF);
    if (o.spent != null) {
      o.spent.forEach(this::spend);
    }
    if (o.factorRows > 0) {
      mergeFactors(o);
    }
    loss += o.loss;
    count += o.count;
    computeNanos = Math.max(computeNanos, o.computeNanos);
    return this;
  }

  /**
   * Gives the float arrays of this sum and of the sums merged into it to {@link ArrayPool}, for the
   * tasks of the next iteration in this JVM; the sum is empty afterwards. Only where the tasks run in
   * this JVM ({@link Transport#done}), after the update has read the sums, and not for sums that are not
   * finite (a kernel writing with beta 0 is not trusted to clear a NaN).
   */
  @Override
  public void recycle() {
    if (spent != null) {
      spent.forEach(ArrayPool::give);
    }
    if (!borrowed) {
      ArrayPool.give(gradF);
    }
    for (int k = 0; k < segX.length; k++) {
      ArrayPool.give(segX[k]);
      ArrayPool.give(segDz[k]);
    }
    spent = null;
    gradF = null;
    grad = null;
    dropFactors();
  }

  /** No factor rows from here on (the segments' arrays are the caller's to keep or give back). */
  private void dropFactors() {
    factorRows = 0;
    segPartition = new int[0];
    segRows = new int[0];
    segX = new float[0][];
    segDz = new float[0][];
  }

  private void spend(float[] a) {
    if (spent == null) {
      spent = new java.util.ArrayList<>();
    }
    spent.add(a);
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
    if (gradF == null) {
      return grad;
    }
    double[] g = new double[gradF.length];
    scaledInto(1.0, g, 0, g.length);
    return g;
  }

  /**
   * {@code g[0..to−from) = f · sum[from..to)}, widened to double: one slice of the driver's fused update,
   * into its cache-sized scratch (call {@link #multiplyOutParallel} first; within its {@code then}, for
   * the block just written).
   */
  public void scaledInto(double f, double[] g, int from, int to) {
    if (factorRows > 0 || base > 0) {
      throw new IllegalStateException("factors not multiplied out");
    }
    if (grad != null) {
      for (int i = from; i < to; i++) {
        g[i - from] = grad[i] * f;
      }
    } else {
      for (int i = from; i < to; i++) {
        g[i - from] = gradF[i] * f;
      }
    }
  }

  /**
   * The float sums of the {@link Shape} layout from {@link #floatBase} on (entry i at {@code [i − base]}),
   * as they are (not copied): for a rule that reads them straight (call {@link #multiplyOutParallel} or
   * {@link #multiplyIntoParallel} first); null in double precision.
   */
  public float[] floats() {
    if (factorRows > 0) {
      throw new IllegalStateException("factors not multiplied out");
    }
    return gradF;
  }

  /** Where {@link #floats} starts in the layout: 0, or b1 when W1 went into the weights (multiplyIntoParallel). */
  public int floatBase() {
    return base;
  }

  /** Rows still sent as factors (0 once multiplied out). */
  public int factorRows() {
    return factorRows;
  }

  /** True while rows·(D+H) floats are fewer than the D·H of a dense W1 gradient. */
  private static boolean smaller(Shape s, long rows) {
    return rows * (s.d() + s.h()) < (long) s.d() * s.h();
  }

  /**
   * Appends m factor rows of {@code partition} as a segment: {@code x} (m×D, gathered for this purpose,
   * see add) as it is, dz1 copied (it is the workspace's).
   */
  private void appendFactors(Shape s, float[] x, float[] dz1, int m, int partition) {
    shape = s;
    int k = segRows.length;
    segPartition = java.util.Arrays.copyOf(segPartition, k + 1);
    segRows = java.util.Arrays.copyOf(segRows, k + 1);
    segX = java.util.Arrays.copyOf(segX, k + 1);
    segDz = java.util.Arrays.copyOf(segDz, k + 1);
    segPartition[k] = partition;
    segRows[k] = m;
    segX[k] = x;
    int dzLen = m * s.h();
    segDz[k] = ArrayPool.take(dzLen, dzLen + dzLen / 4);
    System.arraycopy(dz1, 0, segDz[k], 0, dzLen);
    factorRows += m;
  }

  /** Takes o's factor segments, the segments of both interleaved by partition (each side is already sorted). */
  private void mergeFactors(GradientSum o) {
    shape = o.shape;
    int n = segRows.length + o.segRows.length;
    int[] parts = new int[n], counts = new int[n];
    float[][] xs = new float[n][], dzs = new float[n][];
    for (int k = 0, i = 0, j = 0; k < n; k++) {
      boolean mine = j == o.segRows.length || (i < segRows.length && segPartition[i] <= o.segPartition[j]);
      GradientSum from = mine ? this : o;
      int at = mine ? i++ : j++;
      parts[k] = from.segPartition[at];
      counts[k] = from.segRows[at];
      xs[k] = from.segX[at];
      dzs[k] = from.segDz[at];
    }
    factorRows += o.factorRows;
    segPartition = parts;
    segRows = counts;
    segX = xs;
    segDz = dzs;
  }

  /** What to do with a block of the W1 gradient right after it is multiplied out, while it is in cache. */
  public interface Then {
    /** Block {@code block} (of {@link #w1Blocks}) holds the layout's entries {@code [from, to)}. */
    void accept(int block, int from, int to);
  }

  /** Blocks of {@value #BLOCK} rows of dW1 that {@link #multiplyOutParallel} computes, for shape {@code s}. */
  public static int w1Blocks(Shape s) {
    return (s.d() + BLOCK - 1) / BLOCK;
  }

  /**
   * Multiplies out the factors left, in blocks of {@value #BLOCK} rows of dW1 on all cores at once: for
   * the driver, whose cores are idle meanwhile. The blocks do not depend on the core count, so neither
   * does the result. When the sums are still W1-less, the full layout is written into {@code reuse}
   * (when it has the layout's size) rather than into a new array. Each block, once written, goes to
   * {@code then} on the thread that wrote it; returns false (and calls nothing) when there were no factors.
   */
  public boolean multiplyOutParallel(float[] reuse, Then then) {
    return multiplyOut(true, reuse, then);
  }

  private static final int BLOCK = 256;

  /**
   * Plain SGD's update of W1 with the factors multiplied straight into the weights: {@code w}'s W1 part
   * {@code := beta·W1 + alpha·Xᵀ·dz1}, in the blocks of {@link #multiplyOutParallel} on all cores, so
   * that no W1-sized gradient is written and read back. {@code before} gets each block on the thread
   * that is about to write it, while it still holds the old weights. The sums stay W1-less (see
   * {@link #floatBase}); returns false (and does nothing) when there are no factors.
   */
  public boolean multiplyIntoParallel(float[] w, float alpha, float beta, Then before) {
    if (factorRows == 0 || base == 0) {
      return false;
    }
    productBlocks(true, w, alpha, beta, before, null);
    return true;
  }

  /** gradF's W1 part += Xᵀ·dz1 over the factor rows: (D×rows)·(rows×H) = D×H, in one product. */
  private boolean multiplyOut() {
    return multiplyOut(false, null, null);
  }

  private boolean multiplyOut(boolean parallel, float[] reuse, Then then) {
    if (factorRows == 0) {
      return false;
    }
    // a W1 part that was not there is the product alone: written with beta 0, so it needs no zeroing
    float b = base > 0 ? 0f : 1f;
    widen(reuse);
    productBlocks(parallel, gradF, 1f, b, null, then);
    return true;
  }

  /**
   * {@code c}'s W1 part {@code := beta·c + alpha·Xᵀ·dz1} over the factor rows, in blocks of rows of W1
   * ({@value #BLOCK} on all cores when {@code parallel}, else one), each block passed to {@code before}
   * and {@code after} (either may be null) on its thread; the factors are dropped.
   */
  private void productBlocks(boolean parallel, float[] c, float alpha, float beta, Then before, Then after) {
    int d = shape.d(), h = shape.h(), per = parallel ? BLOCK : d;
    int[] rows = segRows;
    float[][] xs = segX, dzs = segDz;
    dropFactors(); // dense from here on: the blocks below fill in its W1 part
    IntStream blocks = IntStream.range(0, (d + per - 1) / per);
    (parallel ? blocks.parallel() : blocks).forEach(j -> {
      int d0 = j * per, d1 = Math.min(d, d0 + per), lo = shape.w1() + d0 * h, hi = shape.w1() + d1 * h;
      if (before != null) {
        before.accept(j, lo, hi);
      }
      // W1 rows d0..d1: beta·c + alpha·Σ_k X_k[:, d0:d1]ᵀ·dz1_k: ((d1−d0)×rows_k)·(rows_k×H) per segment,
      // in partition order; X read in place (row length D)
      for (int k = 0; k < rows.length; k++) {
        Gemm.gemm(true, false, d1 - d0, h, rows[k], alpha, xs[k], d0, d, dzs[k], 0, h, k == 0 ? beta : 1f, c, lo, h);
      }
      if (after != null) {
        after.accept(j, lo, hi);
      }
    });
    for (int k = 0; k < rows.length; k++) {
      spend(xs[k]);
      spend(dzs[k]);
    }
  }

  /** Gives the float sums the full layout (a W1 part of zeros) when they hold only the part from b1 on. */
  private void widen() {
    widen(null);
  }

  /**
   * The same, into {@code reuse} when it has the layout's size: its W1 part is then left as it was, for
   * a caller that overwrites it.
   */
  private void widen(float[] reuse) {
    if (base == 0 || gradF == null) {
      return;
    }
    float[] full = reuse != null && reuse.length == shape.size() ? reuse : new float[shape.size()];
    System.arraycopy(gradF, 0, full, base, gradF.length);
    spend(gradF);
    gradF = full;
    borrowed = full == reuse;
    base = 0;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    ArrayIO.writeDoubles(out, grad);
    ArrayIO.writeFloats(out, gradF);
    out.writeObject(factorRows == 0 ? null : new int[][] {segPartition, segRows}); // the zero value stays tiny
    for (int k = 0; k < segRows.length; k++) {
      ArrayIO.writeFloats(out, segX[k]);
      ArrayIO.writeFloats(out, segDz[k]);
    }
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    grad = ArrayIO.readDoubles(in);
    gradF = ArrayIO.readFloats(in);
    int[][] segments = (int[][]) in.readObject();
    segPartition = segments == null ? new int[0] : segments[0];
    segRows = segments == null ? new int[0] : segments[1];
    segX = new float[segRows.length][];
    segDz = new float[segRows.length][];
    for (int k = 0; k < segRows.length; k++) {
      segX[k] = ArrayIO.readFloats(in);
      segDz[k] = ArrayIO.readFloats(in);
    }
  }

  private static double[] sum(double[] a, double[] b) {
    if (a == null || b == null) {
      return a != null ? a : b;
    }
    Gemm.add(a, b);
    return a;
  }

  private static float[] sum(float[] a, float[] b) {
    if (a == null || b == null) {
      return a != null ? a : b;
    }
    Gemm.add(a, b);
    return a;
  }
}
