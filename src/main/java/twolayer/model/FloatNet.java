package twolayer.model;

/**
 * {@link TwoLayerNet} in single precision (sgemm, about twice dgemm's speed and half the bytes moved):
 * the training kernel by default. Same storage and contract: sums over examples, no regularisation.
 * Java has no generics over primitive arrays, so this mirrors the double kernel line for line; the
 * double one stays the reference that the gradient check and the invariance tests pin.
 */
public final class FloatNet {
  /** This kernel behind {@link NetKernel}: float weights, float sums (W1 as factors while smaller). */
  public static final NetKernel KERNEL = Kernel.FLOAT;

  private FloatNet() {}

  private enum Kernel implements NetKernel {
    FLOAT;

    @Override
    public Weights weights(Shape s, double[] w) {
      float[] f = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        f[i] = (float) w[i];
      }
      return Weights.of(s, f);
    }

    @Override
    public Sums sums() {
      return new FloatSums();
    }

    @Override
    public double evaluate(Weights w, Rows x, int[] y, int r0, int m, long[] confusion, double loss,
        Workspace ws) {
      Shape s = w.shape();
      int c = s.c();
      float[] z = scores(s, w.floats(), ws.rows(x, r0, m), 0, m, ws);
      for (int i = 0; i < m; i++) {
        int label = y[r0 + i];
        confusion[label * c + argmax(z, i * c, c)]++;
        loss += softmaxInPlace(z, i * c, c, label);
      }
      return loss;
    }

    @Override
    public void read(Weights w, int from, double[] into, int n) {
      float[] f = w.floats();
      for (int k = 0; k < n; k++) {
        into[k] = f[from + k];
      }
    }

    @Override
    public void write(double[] values, Weights w, int from, int n) {
      float[] f = w.floats();
      for (int k = 0; k < n; k++) {
        f[from + k] = (float) values[k];
      }
    }

    @Override
    public double sumOfSquares(Weights w, int from, int to) {
      return Gemm.sumOfSquares(w.floats(), from, to);
    }
  }

  /**
   * Adds the summed data-loss gradient of m examples to {@code grad}; returns their summed loss (in double).
   *
   * @param x m×D row-major at {@code xOff}; @param y m labels at {@code yOff}
   */
  public static double lossAndGradient(Shape s, float[] w, float[] x, int xOff, int[] y, int yOff, int m,
      float[] grad, Workspace ws) {
    return lossAndGradient(s, w, x, xOff, y, yOff, m, grad, ws, true, false);
  }

  /**
   * The same; with {@code denseW1} false the W1 part ({@code Xᵀ·dz1}) is left out, {@code grad} holds
   * only the rest of the layout (from b1 on: entry i of the layout at {@code grad[i − b1]}), and dz1 (m×H)
   * stays in {@link Workspace#lastDz1()}: the caller keeps the factors X and dz1 instead. With
   * {@code overwrite} the gradient is written into {@code grad} instead of added to it (beta 0 in every
   * product), so a recycled buffer needs no zeroing.
   */
  public static double lossAndGradient(Shape s, float[] w, float[] x, int xOff, int[] y, int yOff, int m,
      float[] grad, Workspace ws, boolean denseW1, boolean overwrite) {
    return lossAndGradient(s, w, x, xOff, y, yOff, m, grad, ws, denseW1, overwrite, null);
  }

  /**
   * The same with the hidden layer's inverted dropout {@code drop} (its m rows' mask; null: none): the
   * loss and gradient of the dropped-out net, and {@link Workspace#lastDz1()} the masked dz1.
   */
  public static double lossAndGradient(Shape s, float[] w, float[] x, int xOff, int[] y, int yOff, int m,
      float[] grad, Workspace ws, boolean denseW1, boolean overwrite, Dropout drop) {
    int d = s.d(), h = s.h(), c = s.c(), base = denseW1 ? 0 : s.b1();
    float beta = overwrite ? 0f : 1f;
    forward(s, w, x, xOff, m, ws, drop);
    float[] z1 = ws.z1f, a1 = ws.a1f, z2 = ws.z2f;
    double loss = 0;
    // z2 := p − onehot(y) = dz2 (m×C)
    for (int i = 0; i < m; i++) {
      loss += softmaxInPlace(z2, i * c, c, y[yOff + i]);
      z2[i * c + y[yOff + i]] -= 1f;
    }
    // dW2 += a1ᵀ·dz2: (H×m)·(m×C) = H×C
    Gemm.gemm(true, false, h, c, m, 1f, a1, 0, z2, 0, beta, grad, s.w2() - base);
    Gemm.columnSums(z2, m, c, beta, grad, s.b2() - base);
    // dz1 := (dz2·W2ᵀ) ⊙ [z1 > 0] (⊙ m/(1−p): z1 is +0 where dropped): (m×C)·(C×H) = m×H, into a1
    Gemm.gemm(false, true, m, h, c, drop == null ? 1f : (float) drop.scale(), z2, 0, w, s.w2(), 0f, a1, 0);
    for (int i = 0; i < m * h; i++) {
      a1[i] = Float.intBitsToFloat(Float.floatToRawIntBits(a1[i]) & positiveMask(z1[i]));
    }
    // dW1 += Xᵀ·dz1: (D×m)·(m×H) = D×H
    if (denseW1) {
      Gemm.gemm(true, false, d, h, m, 1f, x, xOff, a1, 0, beta, grad, s.w1());
    }
    Gemm.columnSums(a1, m, h, beta, grad, s.b1() - base);
    return loss;
  }

  /** Scores (m×C) of m examples; returns the workspace buffer (valid until the next call). */
  public static float[] scores(Shape s, float[] w, float[] x, int xOff, int m, Workspace ws) {
    forward(s, w, x, xOff, m, ws, null);
    return ws.z2f;
  }

  static void forward(Shape s, float[] w, float[] x, int xOff, int m, Workspace ws, Dropout drop) {
    int d = s.d(), h = s.h(), c = s.c();
    ws.ensureFloat(m, 0, h, c);
    float[] z1 = ws.z1f, a1 = ws.a1f, z2 = ws.z2f;
    // z1 = X·W1 + b1: (m×D)·(D×H) = m×H
    Gemm.gemm(false, false, m, h, d, 1f, x, xOff, w, s.w1(), 0f, z1, 0);
    for (int i = 0; i < m; i++) {
      for (int j = 0, o = i * h, b1 = s.b1(); j < h; j++) {
        float v = z1[o + j] + w[b1 + j];
        z1[o + j] = v;
        // relu as the backward pass's own test, [z1 > 0] on the bits: not v > 0 ? v : 0, a branch that
        // half the signs mispredict, nor Math.max, a call with NaN and −0 branches under C1 (measured
        // at 100×500 under C1: 0.7-0.9 ms, this 0.16-0.25 ms; the same values, NaNs of either sign aside)
        a1[o + j] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & positiveMask(v));
      }
    }
    if (drop != null) {
      drop.apply(z1, a1, h); // train time only: scores() passes none
    }
    // z2 = a1·W2 + b2: (m×H)·(H×C) = m×C
    Gemm.gemm(false, false, m, c, h, 1f, a1, 0, w, s.w2(), 0f, z2, 0);
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < c; k++) {
        z2[i * c + k] += w[s.b2() + k];
      }
    }
  }

  /**
   * All ones when {@code z > 0}, else 0 (also for −0), without a branch: the signs of z1 are random, so
   * {@code if (z1 <= 0)} mispredicts half the time (measured: 3.7 against 0.7 ms at 1000×500). The
   * bits of z as an int are positive exactly for z &gt; 0 (and positive NaNs).
   */
  static int positiveMask(float z) {
    int b = Float.floatToRawIntBits(z);
    return ~(((b - 1) | b) >> 31);
  }

  /** Stable softmax in place (computed in double); returns {@code −ln p[label]}. */
  public static double softmaxInPlace(float[] z, int off, int c, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      max = Math.max(max, z[off + k]);
    }
    double shiftedLabel = z[off + label] - max, sum = 0;
    for (int k = 0; k < c; k++) {
      sum += Math.exp(z[off + k] - max);
    }
    for (int k = 0; k < c; k++) {
      z[off + k] = (float) (Math.exp(z[off + k] - max) / sum);
    }
    return Math.log(sum) - shiftedLabel;
  }

  /** Index of the largest of {@code z[off..off+c)}. */
  public static int argmax(float[] z, int off, int c) {
    int best = 0;
    for (int k = 1; k < c; k++) {
      if (z[off + k] > z[off + best]) {
        best = k;
      }
    }
    return best;
  }
}
