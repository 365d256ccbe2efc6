package twolayer.train;

import java.util.stream.IntStream;
import twolayer.agg.GradientSum;
import twolayer.model.Shape;
import twolayer.model.Weights;
import twolayer.optim.Updater;

/**
 * The driver's part of an iteration: multiply out the W1 factors, {@code g = sum/B + 2λW}, the
 * regularisation loss, the update rule, and the float copy that the next broadcast sends. It runs as
 * one pass over cache-sized slices of the parameters, on all the driver's cores (idle while it runs),
 * into buffers kept across iterations: at H=4000 each pass over the 12 M parameters costs 10-20 ms,
 * and the unfused version made five of them and allocated two gradient-sized arrays.
 */
final class DriverUpdate {
  private static final int SLICE = 1 << 14; // 16 K parameters: the slice of g, w and the rule's state stays in cache

  private final Shape s;
  private final Updater updater;
  private final double reg;
  private final double[] g;
  private final float[] narrow; // null in double precision, where the broadcast wraps w itself
  private final float[] dense; // the float sums with W1 multiplied out, reused across iterations
  private final double[] squares;
  private final boolean[] finite;

  DriverUpdate(Shape s, Updater updater, double reg, boolean single) {
    this.s = s;
    this.updater = updater;
    this.reg = reg;
    this.g = new double[s.size()];
    this.narrow = single ? new float[s.size()] : null;
    this.dense = single ? new float[s.size()] : null;
    int slices = (s.size() + SLICE - 1) / SLICE;
    this.squares = new double[slices];
    this.finite = new boolean[slices];
  }

  /** The weights for the next broadcast: {@code w} itself, or its float copy made by {@link #apply}. */
  Weights weights(double[] w) {
    if (narrow == null) {
      return Weights.of(s, w, false);
    }
    return Weights.of(s, narrow);
  }

  /** Fills the float copy of {@code w} outside {@link #apply} (the first iteration and after a resume). */
  void narrow(double[] w) {
    if (narrow != null) {
      for (int i = 0; i < w.length; i++) {
        narrow[i] = (float) w[i];
      }
    }
  }

  /**
   * Updates {@code w} from the batch's summed gradient and returns the regularisation loss
   * {@code λ(ΣW1² + ΣW2²)} of the weights before the update, or NaN when a weight is no longer finite
   * (then {@code w} is spoilt: the caller stops).
   */
  double apply(double[] w, GradientSum sum, double lr) {
    sum.multiplyOutParallel(dense);
    double inv = 1.0 / sum.count();
    updater.begin();
    IntStream.range(0, squares.length).parallel().forEach(j -> {
      int lo = j * SLICE, hi = Math.min(w.length, lo + SLICE);
      sum.scaledInto(inv, g, lo, hi);
      squares[j] = regularize(w, lo, hi, s.w1(), s.b1()) + regularize(w, lo, hi, s.w2(), s.b2());
      updater.update(w, g, lr, lo, hi);
      boolean ok = true;
      for (int i = lo; i < hi; i++) {
        ok &= Double.isFinite(w[i]);
        if (narrow != null) {
          narrow[i] = (float) w[i];
        }
      }
      finite[j] = ok;
    });
    double sq = 0; // slice by slice, in order: the same loss whatever the thread count
    boolean ok = true;
    for (int j = 0; j < squares.length; j++) {
      sq += squares[j];
      ok &= finite[j];
    }
    return ok ? reg * sq : Double.NaN;
  }

  /** {@code g += 2λw} over the part of [lo, hi) inside the weight range [from, to); returns its Σw². */
  private double regularize(double[] w, int lo, int hi, int from, int to) {
    double sq = 0;
    for (int i = Math.max(lo, from), end = Math.min(hi, to); i < end; i++) {
      sq += w[i] * w[i];
      g[i] += 2 * reg * w[i];
    }
    return sq;
  }
}
