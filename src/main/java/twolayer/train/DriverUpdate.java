package twolayer.train;

import java.util.stream.IntStream;
import twolayer.agg.GradientSum;
import twolayer.model.Shape;
import twolayer.model.Weights;
import twolayer.optim.Updater;

/**
 * The driver's part of an iteration: multiply out the W1 factors, {@code g = sum/B + 2λW}, the
 * regularisation loss, the update rule, and the float copy that the next broadcast sends. It runs as
 * one pass on all the driver's cores (idle while it runs), into buffers kept across iterations: each
 * block of the W1 gradient is updated right after its product is written, while it is still in cache,
 * and the rest of the parameters go in cache-sized slices. At H=4000 each pass over the 12 M
 * parameters costs 10-20 ms, and the unfused version made five of them and allocated two
 * gradient-sized arrays.
 */
final class DriverUpdate {
  private static final int SLICE = 1 << 14; // 16 K parameters: the slice of g, w and the rule's state stays in cache

  private final Shape s;
  private final Updater updater;
  private final double reg;
  private final double[] g;
  private final float[] narrow; // null in double precision, where the broadcast wraps w itself
  private final float[] dense; // the float sums with W1 multiplied out, reused across iterations
  private final double[] blockSquares; // Σw² per W1 block, when the W1 gradient came as factors
  private final double[] sliceSquares; // Σw² per slice of the rest (of everything, for dense sums)

  DriverUpdate(Shape s, Updater updater, double reg, boolean single) {
    this.s = s;
    this.updater = updater;
    this.reg = reg;
    this.g = new double[s.size()];
    this.narrow = single ? new float[s.size()] : null;
    this.dense = single ? new float[s.size()] : null;
    this.blockSquares = new double[GradientSum.w1Blocks(s)];
    this.sliceSquares = new double[(s.size() + SLICE - 1) / SLICE];
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
    double inv = 1.0 / sum.count();
    updater.begin();
    boolean blocks = sum.multiplyOutParallel(dense, (j, lo, hi) -> blockSquares[j] = step(w, sum, inv, lr, lo, hi));
    int from = blocks ? s.b1() : 0; // the W1 blocks are done
    int slices = (w.length - from + SLICE - 1) / SLICE;
    IntStream.range(0, slices).parallel().forEach(j -> {
      int lo = from + j * SLICE;
      sliceSquares[j] = step(w, sum, inv, lr, lo, Math.min(w.length, lo + SLICE));
    });
    double sq = 0; // block by block, then slice by slice, in order: the same loss whatever the thread count
    for (int j = 0; blocks && j < blockSquares.length; j++) {
      sq += blockSquares[j];
    }
    for (int j = 0; j < slices; j++) {
      sq += sliceSquares[j];
    }
    return Double.isNaN(sq) ? Double.NaN : reg * sq;
  }

  /**
   * Mean, {@code 2λW}, the rule and the float copy for {@code [lo, hi)}, in slices that keep g in cache;
   * returns Σw² of its weights before the update, or NaN when an updated weight is not finite.
   */
  private double step(double[] w, GradientSum sum, double inv, double lr, int lo, int hi) {
    double sq = 0;
    boolean ok = true;
    for (int a = lo; a < hi; a += SLICE) {
      int b = Math.min(hi, a + SLICE);
      sum.scaledInto(inv, g, a, b);
      sq += regularize(w, a, b, s.w1(), s.b1()) + regularize(w, a, b, s.w2(), s.b2());
      updater.update(w, g, lr, a, b);
      for (int i = a; i < b; i++) {
        ok &= Double.isFinite(w[i]);
        if (narrow != null) {
          narrow[i] = (float) w[i];
        }
      }
    }
    return ok ? sq : Double.NaN;
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
