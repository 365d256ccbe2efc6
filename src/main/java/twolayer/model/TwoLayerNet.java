package twolayer.model;

/**
 * The math of the two-layer network, on plain arrays (no Spark):
 * {@code z1 = X·W1 + b1, a1 = relu(z1), z2 = a1·W2 + b2, p = softmax(z2)}.
 *
 * <p>Storage: X is n×D row-major (one example per row), parameters as laid out by {@link Shape}.
 * The data loss of example i is {@code −ln p[y_i]}; the methods here return sums over examples,
 * never means, and never add regularisation: the driver divides by n once and adds
 * {@code λ(ΣW1² + ΣW2²)} (gradient {@code 2λW}, no ½) once, see {@link #addRegularization}.
 */
public final class TwoLayerNet {
  /** This kernel behind {@link NetKernel}: double weights, double sums (the reference). */
  public static final NetKernel KERNEL = Kernel.DOUBLE;

  private TwoLayerNet() {}

  private enum Kernel implements NetKernel {
    DOUBLE;

    @Override
    public Weights weights(Shape s, double[] w) {
      return Weights.of(s, w);
    }

    @Override
    public Sums sums() {
      return new DoubleSums();
    }

    @Override
    public double evaluate(Weights w, Rows x, int[] y, int r0, int m, long[] confusion, double loss,
        Workspace ws) {
      Shape s = w.shape();
      int c = s.c();
      double[] z = scores(s, w.doubles(), ws.widen(ws.rows(x, r0, m), s.d(), 0, m), 0, m, ws);
      for (int i = 0; i < m; i++) {
        int label = y[r0 + i];
        confusion[label * c + argmax(z, i * c, c)]++;
        loss += softmaxInPlace(z, i * c, c, label);
      }
      return loss;
    }

    @Override
    public void read(Weights w, int from, double[] into, int n) {
      System.arraycopy(w.doubles(), from, into, 0, n);
    }

    @Override
    public void write(double[] values, Weights w, int from, int n) {
      System.arraycopy(values, 0, w.doubles(), from, n);
    }

    @Override
    public double sumOfSquares(Weights w, int from, int to) {
      return Gemm.sumOfSquares(w.doubles(), from, to);
    }
  }

  /**
   * Adds the summed data-loss gradient of m examples to {@code grad} and returns their summed loss.
   *
   * @param x m×D row-major at {@code xOff}; @param y m labels at {@code yOff}
   * @param grad accumulator in the {@link Shape} layout (added to, not overwritten)
   */
  public static double lossAndGradient(Shape s, double[] w, double[] x, int xOff, int[] y, int yOff,
      int m, double[] grad, Workspace ws) {
    return lossAndGradient(s, w, x, xOff, y, yOff, m, grad, ws, true, false);
  }

  /**
   * The same; with {@code denseW1} false the W1 part is left out and {@code grad} holds the layout from
   * b1 on, and with {@code overwrite} the gradient is written instead of added (as {@link FloatNet}'s).
   */
  public static double lossAndGradient(Shape s, double[] w, double[] x, int xOff, int[] y, int yOff, int m,
      double[] grad, Workspace ws, boolean denseW1, boolean overwrite) {
    return lossAndGradient(s, w, x, xOff, y, yOff, m, grad, ws, denseW1, overwrite, null);
  }

  /** The same with the hidden layer's inverted dropout {@code drop} (null: none), as {@link FloatNet}'s. */
  public static double lossAndGradient(Shape s, double[] w, double[] x, int xOff, int[] y, int yOff, int m,
      double[] grad, Workspace ws, boolean denseW1, boolean overwrite, Dropout drop) {
    int d = s.d(), h = s.h(), c = s.c(), base = denseW1 ? 0 : s.b1();
    double beta = overwrite ? 0 : 1;
    forward(s, w, x, xOff, m, ws, drop);
    double[] z1 = ws.z1, a1 = ws.a1, z2 = ws.z2;
    double loss = 0;
    // z2 := p − onehot(y) = dz2 (m×C)
    for (int i = 0; i < m; i++) {
      loss += softmaxInPlace(z2, i * c, c, y[yOff + i]);
      z2[i * c + y[yOff + i]] -= 1.0;
    }
    // dW2 += a1ᵀ·dz2: (H×m)·(m×C) = H×C
    Gemm.gemm(true, false, h, c, m, 1.0, a1, 0, z2, 0, beta, grad, s.w2() - base);
    Gemm.columnSums(z2, m, c, beta, grad, s.b2() - base);
    // dz1 := (dz2·W2ᵀ) ⊙ [z1 > 0] (⊙ m/(1−p): z1 is +0 where dropped): (m×C)·(C×H) = m×H, into a1
    Gemm.gemm(false, true, m, h, c, drop == null ? 1.0 : drop.scale(), z2, 0, w, s.w2(), 0.0, a1, 0);
    for (int i = 0; i < m * h; i++) {
      a1[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(a1[i]) & positiveMask(z1[i]));
    }
    // dW1 += Xᵀ·dz1: (D×m)·(m×H) = D×H
    if (denseW1) {
      Gemm.gemm(true, false, d, h, m, 1.0, x, xOff, a1, 0, beta, grad, s.w1());
    }
    Gemm.columnSums(a1, m, h, beta, grad, s.b1() - base);
    return loss;
  }

  /**
   * Scores z2 (m×C) of m examples into {@code ws.z2}, leaving z1 and a1 (m×H) in the workspace.
   */
  static void forward(Shape s, double[] w, double[] x, int xOff, int m, Workspace ws, Dropout drop) {
    int d = s.d(), h = s.h(), c = s.c();
    ws.ensure(m, 0, h, c);
    double[] z1 = ws.z1, a1 = ws.a1, z2 = ws.z2;
    // z1 = X·W1 + b1: (m×D)·(D×H) = m×H
    Gemm.gemm(false, false, m, h, d, 1.0, x, xOff, w, s.w1(), 0.0, z1, 0);
    for (int i = 0; i < m; i++) {
      for (int j = 0, o = i * h, b1 = s.b1(); j < h; j++) {
        double v = z1[o + j] + w[b1 + j];
        z1[o + j] = v;
        a1[o + j] = Double.longBitsToDouble(Double.doubleToRawLongBits(v) & positiveMask(v)); // see FloatNet
      }
    }
    if (drop != null) {
      drop.apply(z1, a1, h); // train time only: scores() passes none
    }
    // z2 = a1·W2 + b2: (m×H)·(H×C) = m×C
    Gemm.gemm(false, false, m, c, h, 1.0, a1, 0, w, s.w2(), 0.0, z2, 0);
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < c; k++) {
        z2[i * c + k] += w[s.b2() + k];
      }
    }
  }

  /** All ones when {@code z > 0}, else 0 (also for −0), without a branch (see {@link FloatNet}). */
  static long positiveMask(double z) {
    long b = Double.doubleToRawLongBits(z);
    return ~(((b - 1) | b) >> 63);
  }

  /**
   * Class scores of m examples, for prediction and evaluation.
   *
   * @return the workspace's m×C score buffer (valid until the next call on this workspace)
   */
  public static double[] scores(Shape s, double[] w, double[] x, int xOff, int m, Workspace ws) {
    forward(s, w, x, xOff, m, ws, null);
    return ws.z2;
  }

  /**
   * Turns scores {@code z[off..off+c)} into probabilities, stably (max subtracted before exp), and
   * returns {@code −ln p[label] = ln Σexp(z − max) − (z[label] − max)}, exact even where p underflows.
   */
  public static double softmaxInPlace(double[] z, int off, int c, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, z[off + k]);
    }
    double shiftedLabel = z[off + label] - max;
    double sum = 0;
    for (int k = 0; k < c; k++) {
      double e = Math.exp(z[off + k] - max);
      sum += e;
      z[off + k] = e;
    }
    for (int k = 0; k < c; k++) {
      z[off + k] /= sum;
    }
    return Math.log(sum) - shiftedLabel;
  }

  /** {@code λ(ΣW1² + ΣW2²)}, and with {@code grad != null} adds {@code 2λW} to the weight parts. */
  public static double addRegularization(Shape s, double[] w, double reg, double[] grad) {
    double sq = 0;
    for (int[] range : new int[][] {{s.w1(), s.b1()}, {s.w2(), s.b2()}}) {
      for (int i = range[0]; i < range[1]; i++) {
        sq += w[i] * w[i];
        if (grad != null) {
          grad[i] += 2 * reg * w[i];
        }
      }
    }
    return reg * sq;
  }

  /** Initial parameters: weights {@code std·N(0,1)} from {@code seed}, biases zero. */
  public static double[] initialWeights(Shape s, double std, long seed) {
    Gaussians rnd = new Gaussians(seed); // java.util.Random's sequence, fixed by the JDK spec
    double[] w = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      if (s.isWeight(i)) {
        w[i] = std * rnd.next();
      }
    }
    return w;
  }

  /** He initialisation: weights {@code √(2/fan_in)·N(0,1)} (fan_in D for W1, H for W2), biases zero. */
  public static double[] heWeights(Shape s, long seed) {
    Gaussians rnd = new Gaussians(seed);
    double[] w = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      if (s.isWeight(i)) {
        w[i] = Math.sqrt(2.0 / (i < s.b1() ? s.d() : s.h())) * rnd.next();
      }
    }
    return w;
  }

  /** Index of the largest of {@code z[off..off+c)}. */
  public static int argmax(double[] z, int off, int c) {
    int best = 0;
    for (int k = 1; k < c; k++) {
      if (z[off + k] > z[off + best]) {
        best = k;
      }
    }
    return best;
  }
}
