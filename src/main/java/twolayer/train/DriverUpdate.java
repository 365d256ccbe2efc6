package twolayer.train;

import java.util.stream.IntStream;
import twolayer.agg.GradientSum;
import twolayer.model.NetKernel;
import twolayer.model.Shape;
import twolayer.model.Sums;
import twolayer.model.W1Factors;
import twolayer.model.Weights;
import twolayer.optim.Updater;

/**
 * The driver's part of an iteration and the weights it updates: multiply out the W1 factors,
 * {@code g = sum/B + 2λW}, the regularisation loss and the update rule. The weights are kept in the
 * precision of their kernel: in float they are float32 (what is broadcast is the weights themselves,
 * with no copy to make). A rule with a {@linkplain Updater#linear linear} step (plain SGD) is taken in
 * place in that precision by BLAS passes, and when the W1 gradient came as factors alone its products
 * write the step straight into W1 (sgemm's {@code C := beta·C + alpha·A·B} with {@code beta = 1 − decay}
 * and {@code alpha = −scale}, rounded to float): no W1-sized gradient is written and read back (measured
 * at H=500, B=200 under C1: apply 8.6-10.3 ms before, 6.1-6.5 after). The other rules get each slice
 * widened into cache-sized double scratch for their arithmetic, then rounded back. The update runs as
 * one pass on all the driver's cores (idle while it runs): each block of the W1 gradient is updated
 * right after its product is written, while it is still in cache, and the rest of the parameters go in
 * slices. What the pass costs is its loops more than its bytes (measured at H=500, B=200: 3.6 ms with
 * double weights, a full-size g and a float copy, 0.9 ms now for SGD): a single running sum waits on
 * every addition, and a loop that mixes float and double runs at the speed of its conversions.
 */
final class DriverUpdate {
  private static final int SLICE = 1 << 14; // 16 K parameters: the slice of g, w and the rule's state stays in cache
  private static final int BLOCK = 256; // rows of dW1 per product block; not the core count: the same bits anywhere

  private final Shape s;
  private final Updater updater;
  private final double reg;
  private final NetKernel kernel;
  private final Weights weights; // in double precision the caller's array
  private float[] dense; // float sums with W1 multiplied out, reused across iterations (rules that are not linear)
  private final double[] blockSquares; // Σw² per W1 block, when the W1 gradient came as factors
  private final double[] sliceSquares; // Σw² per slice of the rest (of everything, for dense sums)
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[2][SLICE]); // w, g

  /** Starts from {@code w}: in double precision it is the array updated, in float it is copied and rounded. */
  DriverUpdate(Shape s, Updater updater, double reg, double[] w, NetKernel kernel) {
    this.s = s;
    this.updater = updater;
    this.reg = reg;
    this.kernel = kernel;
    this.weights = kernel.weights(s, w);
    this.blockSquares = new double[(s.d() + BLOCK - 1) / BLOCK];
    this.sliceSquares = new double[(s.size() + SLICE - 1) / SLICE];
  }

  /** The weights for the next broadcast: the weights themselves, in their precision. */
  Weights weights() {
    return weights;
  }

  /** The weights written into {@code w} as doubles (in double precision {@code w} already is them); returns w. */
  double[] copyTo(double[] w) {
    kernel.read(weights, 0, w, w.length);
    return w;
  }

  /**
   * Updates the weights from the batch's summed gradient and returns the regularisation loss
   * {@code λ(ΣW1² + ΣW2²)} of the weights before the update: NaN or infinite when one of them is not
   * finite, which is how a divergence shows (the data loss, computed with the same weights, shows it too).
   */
  double apply(GradientSum sum, double lr) {
    Sums g = sum.sums();
    double inv = 1.0 / sum.count();
    Updater.Linear linear = updater.linear(lr, reg, inv);
    updater.begin();
    boolean blocks = g.factors() != null;
    if (blocks) {
      multiplyFactors(g, linear, inv, lr);
    }
    int from = blocks ? s.b1() : 0; // the W1 blocks are done
    int slices = (s.size() - from + SLICE - 1) / SLICE;
    IntStream.range(0, slices).parallel().forEach(j -> {
      int lo = from + j * SLICE;
      sliceSquares[j] = step(g, linear, inv, lr, lo, Math.min(s.size(), lo + SLICE));
    });
    double sq = 0; // block by block, then slice by slice, in order: the same loss whatever the thread count
    for (int j = 0; blocks && j < blockSquares.length; j++) {
      sq += blockSquares[j];
    }
    for (int j = 0; j < slices; j++) {
      sq += sliceSquares[j];
    }
    return reg * sq;
  }

  /**
   * The factors' product, W1 block by W1 block on all cores. A linear step on sums without a W1 part
   * writes {@code W1 := (1 − decay)·W1 − scale·Xᵀ·dz1} into the weights (the W1 gradient is never
   * formed); otherwise the product goes into the sums' W1 part and the block is stepped right after.
   */
  private void multiplyFactors(Sums g, Updater.Linear linear, double inv, double lr) {
    if (linear != null && !g.hasW1()) {
      float[] w = weights.floats(); // factors come from the float kernel only
      productBlocks(g.takeFactors(), w, (float) -linear.scale(), (float) (1 - linear.decay()),
          (j, lo, hi) -> blockSquares[j] = kernel.sumOfSquares(weights, lo, hi), null);
      return;
    }
    if (dense == null && !g.hasW1()) {
      dense = new float[s.size()];
    }
    float beta = g.hasW1() ? 1f : 0f; // a W1 part that was not there is the product alone: no zeroing
    float[] c = g.withW1(dense);
    productBlocks(g.takeFactors(), c, 1f, beta, null, (j, lo, hi) -> blockSquares[j] = step(g, linear, inv, lr, lo, hi));
  }

  /** What to do with block j of W1, parameters {@code [lo, hi)}, on the thread that writes it. */
  private interface W1Block {
    void accept(int j, int lo, int hi);
  }

  /** {@code c}'s W1 part {@code := beta·c + alpha·Xᵀ·dz1}, in blocks of {@value #BLOCK} rows on all cores. */
  private void productBlocks(W1Factors f, float[] c, float alpha, float beta, W1Block before, W1Block after) {
    IntStream.range(0, blockSquares.length).parallel().forEach(j -> {
      int d0 = j * BLOCK, d1 = Math.min(s.d(), d0 + BLOCK), lo = s.w1() + d0 * s.h(), hi = s.w1() + d1 * s.h();
      if (before != null) {
        before.accept(j, lo, hi); // while c still holds the old weights
      }
      f.product(s, d0, d1, alpha, beta, c);
      if (after != null) {
        after.accept(j, lo, hi); // while the block is in cache
      }
    });
  }

  /** The step for {@code [lo, hi)}, a slice at a time; returns Σw² before. */
  private double step(Sums g, Updater.Linear linear, double inv, double lr, int lo, int hi) {
    return linear != null ? linearStep(g, linear, lo, hi) : ruleStep(g, inv, lr, lo, hi);
  }

  /**
   * {@code w −= decay·w + scale·sum} (no decay for the biases) in the weights' precision, formed in the
   * sums, which are not read again, so w is rounded once per step (two updates of w, decay then gradient,
   * each rounded, moved the defaults' final loss 4.8e-6 away from double against 1.4e-7). BLAS passes, as
   * under C1 a Java loop over the 1.5 M parameters of H=500 runs at a fraction of saxpy's speed.
   */
  private double linearStep(Sums g, Updater.Linear linear, int lo, int hi) {
    double sq = 0, decay = linear.decay(), scale = linear.scale();
    for (int a = lo; a < hi; a += SLICE) {
      int b = Math.min(hi, a + SLICE);
      sq += kernel.sumOfSquares(weights, Math.max(a, s.w1()), Math.min(b, s.b1()))
          + kernel.sumOfSquares(weights, Math.max(a, s.w2()), Math.min(b, s.b2()));
      g.stepInto(weights, Math.max(a, s.w1()), Math.min(b, s.b1()), decay, scale);
      g.stepInto(weights, Math.max(a, s.b1()), Math.min(b, s.w2()), 0, scale);
      g.stepInto(weights, Math.max(a, s.w2()), Math.min(b, s.b2()), decay, scale);
      g.stepInto(weights, Math.max(a, s.b2()), b, 0, scale);
    }
    return sq;
  }

  /** Mean, {@code 2λW} and the rule, a slice at a time in double scratch; returns Σw² before. */
  private double ruleStep(Sums sum, double inv, double lr, int lo, int hi) {
    double[][] buffers = scratch.get();
    double[] w = buffers[0], g = buffers[1];
    double sq = 0;
    for (int a = lo; a < hi; a += SLICE) {
      int n = Math.min(hi, a + SLICE) - a;
      kernel.read(weights, a, w, n);
      sum.scaledInto(inv, g, a, a + n);
      sq += regularize(w, g, a, n, s.w1(), s.b1()) + regularize(w, g, a, n, s.w2(), s.b2());
      updater.update(w, g, a, n, lr);
      kernel.write(w, weights, a, n);
    }
    return sq;
  }

  /**
   * {@code g += 2λw} where parameters {@code at..at+n} (scratch index k = parameter at+k) meet the
   * weight range [from, to); returns their Σw², in four running sums: one would wait on each addition.
   */
  private double regularize(double[] w, double[] g, int at, int n, int from, int to) {
    int k0 = Math.max(at, from) - at, end = Math.min(at + n, to) - at;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = k0;
    for (; k + 3 < end; k += 4) {
      s0 += w[k] * w[k];
      s1 += w[k + 1] * w[k + 1];
      s2 += w[k + 2] * w[k + 2];
      s3 += w[k + 3] * w[k + 3];
    }
    for (; k < end; k++) {
      s0 += w[k] * w[k];
    }
    for (k = k0; k < end; k++) {
      g[k] += 2 * reg * w[k];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
