package twolayer;

import static twolayer.FloatBounds.gamma;
import static twolayer.FloatBounds.gammaDouble;

import twolayer.model.Shape;

/**
 * First-order bounds of the rounding errors of the network's kernels ({@code FloatNet} in float,
 * {@code TwoLayerNet} in double) on n examples, for any summation order inside and across the BLAS
 * calls: how far a computed summed loss, summed gradient or score may be from the exact one. Terms of
 * order u² are left out. The values the bounds scale with come from a plain double evaluation here (no
 * BLAS), which is also the reference for ties.
 *
 * <p>Per example, with e the error bound carried forward (δ the exact derivative of each step):
 * <ul>
 *   <li>z1 = X·W1 + b1, a dot product of D terms and a bias: {@code e1 = γ_{D+1}·(|x|·|W1| + |b1|)};
 *       relu is 1-Lipschitz, so a1 is off by at most e1 (by 0 where z1 is clearly negative);
 *   <li>z2 = a1·W2 + b2: {@code e2 = γ_{H+1}·(|a1|·|W2| + |b2|) + e1·|W2|};
 *   <li>the softmax and −ln p_y run in double in both kernels; −ln p_y moves by at most
 *       {@code Σ_k |p_k − [k=y]|·e2_k}, p_k by {@code p_k·(e2_k + Σ_j p_j·e2_j)}, plus the softmax's own
 *       roundings (exp, a sum of C terms, log: {@code γ^double_{C+4}}) and p's rounding to the kernel's
 *       precision; dz2 = p − onehot adds one rounding;
 *   <li>dz1 = (dz2·W2ᵀ) ⊙ [z1 &gt; 0], a dot product of C terms; where |z1| is within twice its bound
 *       of 0 the mask may go either way, and the bound is the whole unmasked magnitude;
 *   <li>a parameter's summed gradient is a sum over the n examples of one product each (x·dz1 for W1,
 *       dz1 for b1, a1·dz2 for W2, dz2 for b2), added in whatever tree the blocks, partitions and merges
 *       make: {@code γ_n·Σ|terms|}, plus each term's own error carried from above.
 * </ul>
 */
public final class NetBounds {
  /** Bound of |computed − exact| of the summed loss over the n examples. */
  public final double loss;
  /** Per parameter (the {@link Shape} layout): bound of |computed − exact| of the summed gradient. */
  public final double[] gradient;
  /**
   * Per parameter: {@code Σ_r |term_r|}, the magnitude of the summed gradient's n terms. Two sums of the
   * same terms (bit for bit) in different orders are within {@code 2·γ_n·terms} of each other.
   */
  public final double[] terms;
  /** n×C scores of the plain double evaluation (the reference for argmax ties). */
  public final double[] scores;
  /** n×C: bound of |computed − exact| of each score in the kernel's precision. */
  public final double[] scoreBound;
  /** n×C: the same for the plain double evaluation here. */
  public final double[] referenceScoreBound;
  public final int n;
  private final int c;

  private NetBounds(int n, int c, double loss, double[] gradient, double[] terms, double[] scores,
      double[] scoreBound, double[] referenceScoreBound) {
    this.n = n;
    this.c = c;
    this.loss = loss;
    this.gradient = gradient;
    this.terms = terms;
    this.scores = scores;
    this.scoreBound = scoreBound;
    this.referenceScoreBound = referenceScoreBound;
  }

  /** Bounds for a kernel of unit roundoff u on float examples (row-major n×D from {@code xOff}). */
  public static NetBounds of(Shape s, double[] w, float[] x, int xOff, int[] y, int yOff, int n, double u) {
    double[] xd = new double[n * s.d()];
    for (int i = 0; i < xd.length; i++) {
      xd[i] = x[xOff + i];
    }
    return of(s, w, xd, y, yOff, n, u);
  }

  /** The same on double examples (row-major n×D). */
  public static NetBounds of(Shape s, double[] w, double[] x, int[] y, int yOff, int n, double u) {
    return of(s, w, x, y, yOff, n, u, 0);
  }

  /**
   * The same for a kernel that reads x with a relative error of {@code inputRounding} (u when the float
   * kernel reads these values rounded to float): z1 moves by up to that much of |x|·|W1| besides.
   */
  public static NetBounds of(Shape s, double[] w, double[] x, int[] y, int yOff, int n, double u,
      double inputRounding) {
    int d = s.d(), h = s.h(), c = s.c();
    double g1 = gamma(d + 1, u), g1d = gammaDouble(d + 1), g2 = gamma(h + 1, u), g2d = gammaDouble(h + 1);
    double gc = gamma(c, u), soft = gammaDouble(c + 4), gn = gamma(Math.max(1, n), u);
    double[] grad = new double[s.size()], terms = new double[s.size()];
    double[] scores = new double[n * c], sb = new double[n * c], rsb = new double[n * c];
    double[] z1 = new double[h], e1 = new double[h], a1 = new double[h], e2 = new double[c], p = new double[c];
    double[] ed2 = new double[c], dz2 = new double[c];
    double lossBound = 0, lossSum = 0;
    for (int r = 0; r < n; r++) {
      int xo = r * d;
      double[] e1d = new double[h];
      for (int j = 0; j < h; j++) {
        double v = w[s.b1() + j], m = Math.abs(v), mx = 0;
        for (int i = 0; i < d; i++) {
          double wij = w[s.w1() + i * h + j];
          v += x[xo + i] * wij;
          mx += Math.abs(x[xo + i] * wij);
        }
        m += mx;
        z1[j] = v;
        e1[j] = g1 * m + inputRounding * mx;
        e1d[j] = g1d * m;
        a1[j] = Math.max(v, 0);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        double v = w[s.b2() + k], m = Math.abs(v), carried = 0, carriedD = 0;
        for (int j = 0; j < h; j++) {
          double wjk = Math.abs(w[s.w2() + j * c + k]);
          v += a1[j] * w[s.w2() + j * c + k];
          m += a1[j] * wjk;
          if (z1[j] > -2 * e1[j]) { // where z1 is clearly negative, a1 is exactly 0 in every computation
            carried += e1[j] * wjk;
            carriedD += e1d[j] * wjk;
          }
        }
        scores[r * c + k] = v;
        e2[k] = g2 * m + carried;
        sb[r * c + k] = e2[k];
        rsb[r * c + k] = g2d * m + carriedD;
        max = Math.max(max, v);
      }
      int label = y[yOff + r];
      double sum = 0;
      for (int k = 0; k < c; k++) {
        p[k] = Math.exp(scores[r * c + k] - max);
        sum += p[k];
      }
      double pe = 0;
      for (int k = 0; k < c; k++) {
        p[k] /= sum;
        pe += p[k] * e2[k];
      }
      double shifted = scores[r * c + label] - max;
      lossSum += Math.log(sum) - shifted;
      lossBound += soft * (1 + Math.log(sum) + Math.abs(shifted));
      for (int k = 0; k < c; k++) {
        dz2[k] = p[k] - (k == label ? 1 : 0);
        lossBound += Math.abs(dz2[k]) * e2[k];
        ed2[k] = p[k] * (e2[k] + pe) + (u + soft) * p[k] + (k == label ? u * Math.abs(dz2[k]) : 0);
      }
      for (int j = 0; j < h; j++) {
        double ea1 = z1[j] > -2 * e1[j] ? e1[j] : 0;
        for (int k = 0; k < c; k++) {
          int at = s.w2() + j * c + k;
          terms[at] += a1[j] * Math.abs(dz2[k]);
          grad[at] += ea1 * Math.abs(dz2[k]) + a1[j] * ed2[k];
        }
      }
      for (int k = 0; k < c; k++) {
        terms[s.b2() + k] += Math.abs(dz2[k]);
        grad[s.b2() + k] += ed2[k];
      }
      for (int j = 0; j < h; j++) {
        double q = 0, pre = 0, carried = 0;
        for (int k = 0; k < c; k++) {
          double wjk = w[s.w2() + j * c + k];
          q += dz2[k] * wjk;
          pre += Math.abs(dz2[k] * wjk);
          carried += ed2[k] * Math.abs(wjk);
        }
        double e = gc * pre + carried, mag, err;
        if (Math.abs(z1[j]) > 2 * e1[j]) { // the mask is the same in every computation
          mag = z1[j] > 0 ? Math.abs(q) : 0;
          err = z1[j] > 0 ? e : 0;
        } else { // either way: the whole unmasked magnitude
          mag = pre;
          err = pre + e;
        }
        terms[s.b1() + j] += mag;
        grad[s.b1() + j] += err;
        if (mag == 0 && err == 0) {
          continue;
        }
        for (int i = 0; i < d; i++) {
          double ax = Math.abs(x[xo + i]);
          terms[s.w1() + i * h + j] += ax * mag;
          grad[s.w1() + i * h + j] += ax * err;
        }
      }
    }
    for (int i = 0; i < grad.length; i++) {
      grad[i] += gn * terms[i];
    }
    double loss = lossBound + gammaDouble(Math.max(1, n)) * lossSum;
    return new NetBounds(n, c, loss, grad, terms, scores, sb, rsb);
  }

  /** Entry by entry {@code this.gradient + other.gradient}: two computations, each within its bound. */
  public double[] gradientPlus(NetBounds other) {
    double[] b = gradient.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] += other.gradient[i];
    }
    return b;
  }

  /** {@code 2·γ_n·terms} in precision u: the same n terms summed in two orders. */
  public double[] reordering(double u) {
    double g = 2 * gamma(Math.max(1, n), u);
    double[] b = terms.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] *= g;
    }
    return b;
  }

  /**
   * Whether example r's argmax is the same for every pair of computations within {@code this} and
   * {@code other}'s score bounds: the reference's top class beats every other class by more than the
   * bounds of both scores in both computations and the reference's own error.
   */
  public boolean clearArgmax(int r, NetBounds other) {
    int o = r * c, top = 0;
    for (int k = 1; k < c; k++) {
      if (scores[o + k] > scores[o + top]) {
        top = k;
      }
    }
    for (int k = 0; k < c; k++) {
      if (k == top) {
        continue;
      }
      // and for a ranking by probabilities, their own roundings: p_top ≥ 1/C, so a gap g in the scores
      // is one of at least g/C in p, against γ^double_{C+4} of each p
      double margin = scoreBound[o + top] + scoreBound[o + k] + other.scoreBound[o + top] + other.scoreBound[o + k]
          + 2 * (referenceScoreBound[o + top] + referenceScoreBound[o + k]) + 2 * c * gammaDouble(c + 4);
      if (scores[o + top] - scores[o + k] <= margin) {
        return false;
      }
    }
    return true;
  }
}
