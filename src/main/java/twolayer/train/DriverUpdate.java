package twolayer.train;

import java.util.stream.IntStream;
import twolayer.agg.GradientSum;
import twolayer.model.Gemm;
import twolayer.model.Shape;
import twolayer.model.Weights;
import twolayer.optim.Sgd;
import twolayer.optim.Updater;

/**
 * The driver's part of an iteration and the weights it updates: multiply out the W1 factors,
 * {@code g = sum/B + 2λW}, the regularisation loss and the update rule. The weights are kept in the
 * precision the kernels compute in: in float they are float32 (what is broadcast is the weights
 * themselves, with no copy to make). Plain SGD updates them in float, in place, and when the W1
 * gradient came as factors its products write the update straight into W1 (sgemm's
 * {@code C := beta·C + alpha·A·B} with {@code beta = 1 − 2λ·lr}, rounded to float, and
 * {@code alpha = −lr/B}): no W1-sized gradient is written and read back (measured at H=500, B=200
 * under C1, where the Java pass is slowest: apply 8.6-10.3 ms before, 6.1-6.5 after). The other rules get
 * each slice widened into cache-sized double scratch for their arithmetic, then rounded back. The
 * update runs as one pass on all the driver's cores (idle while it runs): each block of the W1
 * gradient is updated right after its product is written, while it is still in cache, and the rest of
 * the parameters go in slices. What the pass costs is its loops more than its bytes (measured at
 * H=500, B=200: 3.6 ms with double weights, a full-size g and a float copy, 0.9 ms now for SGD): a
 * single running sum waits on every addition, and a loop that mixes float and double runs at the
 * speed of its conversions.
 */
final class DriverUpdate {
  private static final int SLICE = 1 << 14; // 16 K parameters: the slice of g, w and the rule's state stays in cache

  private final Shape s;
  private final Updater updater;
  private final double reg;
  private final double[] doubles; // the weights in double precision (the caller's array), else null
  private final float[] floats; // the weights in float precision, else null
  private final float[] dense; // the float sums with W1 multiplied out, reused across iterations
  private final double[] blockSquares; // Σw² per W1 block, when the W1 gradient came as factors
  private final double[] sliceSquares; // Σw² per slice of the rest (of everything, for dense sums)
  private final boolean floatSgd; // plain SGD on float weights: in float arithmetic, in place, no scratch
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[2][SLICE]); // w, g

  /** Starts from {@code w}: in double precision it is the array updated, in float it is copied and rounded. */
  DriverUpdate(Shape s, Updater updater, double reg, double[] w, boolean single) {
    this.s = s;
    this.updater = updater;
    this.reg = reg;
    this.doubles = single ? null : w;
    this.floats = single ? Weights.of(s, w, true).floats() : null;
    this.floatSgd = single && updater instanceof Sgd;
    // plain SGD writes a W1 that came as factors alone into the weights, and multiplies other factors into the dense sums
    this.dense = single && !floatSgd ? new float[s.size()] : null;
    this.blockSquares = new double[GradientSum.w1Blocks(s)];
    this.sliceSquares = new double[(s.size() + SLICE - 1) / SLICE];
  }

  /** The weights for the next broadcast: the weights themselves, in their precision. */
  Weights weights() {
    return floats != null ? Weights.of(s, floats) : Weights.of(s, doubles, false);
  }

  /** The weights written into {@code w} as doubles (in double precision {@code w} already is them); returns w. */
  double[] copyTo(double[] w) {
    if (doubles != null) {
      if (w != doubles) {
        System.arraycopy(doubles, 0, w, 0, w.length);
      }
    } else {
      for (int i = 0; i < w.length; i++) {
        w[i] = floats[i];
      }
    }
    return w;
  }

  /**
   * Updates the weights from the batch's summed gradient and returns the regularisation loss
   * {@code λ(ΣW1² + ΣW2²)} of the weights before the update: NaN or infinite when one of them is not
   * finite, which is how a divergence shows (the data loss, computed with the same weights, shows it too).
   */
  double apply(GradientSum sum, double lr) {
    double inv = 1.0 / sum.count();
    updater.begin();
    boolean blocks;
    if (floatSgd && sum.floatBase() > 0) { // W1 only as factors: W1 := (1 − 2λ·lr)·W1 − (lr/B)·Xᵀ·dz1 in
      // the products themselves (the decay rounded to float)
      blocks = sum.multiplyIntoParallel(floats, (float) (-lr * inv), (float) (1 - 2 * reg * lr),
          (j, lo, hi) -> blockSquares[j] = Gemm.sumOfSquares(floats, lo, hi));
    } else { // also factors beside a dense W1 part (shares on either side of the factor size), added to it
      blocks = sum.multiplyOutParallel(dense, (j, lo, hi) -> blockSquares[j] = step(sum, inv, lr, lo, hi));
    }
    int from = blocks ? s.b1() : 0; // the W1 blocks are done
    int slices = (s.size() - from + SLICE - 1) / SLICE;
    IntStream.range(0, slices).parallel().forEach(j -> {
      int lo = from + j * SLICE;
      sliceSquares[j] = step(sum, inv, lr, lo, Math.min(s.size(), lo + SLICE));
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

  /** Mean, {@code 2λW} and the rule for {@code [lo, hi)}, a slice at a time in double scratch; returns Σw² before. */
  private double step(GradientSum sum, double inv, double lr, int lo, int hi) {
    if (floatSgd) {
      return sgdStep(sum.floats(), sum.floatBase(), (float) (2 * reg * lr), (float) (lr * inv), lo, hi);
    }
    double[][] buffers = scratch.get();
    double[] w = buffers[0], g = buffers[1];
    double sq = 0;
    for (int a = lo; a < hi; a += SLICE) {
      int n = Math.min(hi, a + SLICE) - a;
      if (floats != null) {
        for (int k = 0; k < n; k++) {
          w[k] = floats[a + k];
        }
      } else {
        System.arraycopy(doubles, a, w, 0, n);
      }
      sum.scaledInto(inv, g, a, a + n);
      sq += regularize(w, g, a, n, s.w1(), s.b1()) + regularize(w, g, a, n, s.w2(), s.b2());
      updater.update(w, g, a, n, lr);
      if (floats != null) {
        for (int k = 0; k < n; k++) {
          floats[a + k] = (float) w[k];
        }
      } else {
        System.arraycopy(w, 0, doubles, a, n);
      }
    }
    return sq;
  }

  /**
   * Plain SGD in float, {@code w −= 2λ·lr·w + (lr/B)·sum} ({@code decay} 0 for the biases), a slice at a
   * time so that each pass reads from cache; returns Σw² before. The step is formed in the sums, which
   * are not read again: {@code t = scale·sum}, {@code t += decay·w}, then {@code w −= t}, so w is rounded
   * once per step as in the Java expression (two updates of w, decay then gradient, each rounded, moved
   * the defaults' final loss 4.8e-6 away from double against 1.4e-7). BLAS passes, as under C1 a Java
   * loop over the 1.5 M parameters of H=500 runs at a fraction of saxpy's speed.
   */
  private double sgdStep(float[] sums, int off, float decay, float scale, int lo, int hi) {
    double sq = 0;
    for (int a = lo; a < hi; a += SLICE) {
      int b = Math.min(hi, a + SLICE);
      sq += Gemm.sumOfSquares(floats, Math.max(a, s.w1()), Math.min(b, s.b1()))
          + Gemm.sumOfSquares(floats, Math.max(a, s.w2()), Math.min(b, s.b2()));
      sgd(sums, off, decay, scale, Math.max(a, s.w1()), Math.min(b, s.b1()));
      sgd(sums, off, 0f, scale, Math.max(a, s.b1()), Math.min(b, s.w2()));
      sgd(sums, off, decay, scale, Math.max(a, s.w2()), Math.min(b, s.b2()));
      sgd(sums, off, 0f, scale, Math.max(a, s.b2()), b);
    }
    return sq;
  }

  /** {@code w[i] −= decay·w[i] + scale·sums[i − off]} over {@code [from, to)}; the sums there are overwritten. */
  private void sgd(float[] sums, int off, float decay, float scale, int from, int to) {
    int n = to - from;
    if (n <= 0) {
      return;
    }
    if (decay == 0f) {
      Gemm.axpy(n, -scale, sums, from - off, floats, from); // a bias: w −= scale·sum
      return;
    }
    Gemm.scale(n, scale, sums, from - off); // t = scale·sum
    Gemm.axpy(n, decay, floats, from, sums, from - off); // t += decay·w
    Gemm.axpy(n, -1f, sums, from - off, floats, from); // w −= t
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
