package twolayer.data;

/**
 * The network's one preprocessing, fitted on the training set and kept in the model:
 * {@code x'_j = (x_j − mean_j) / std_j}, or {@code x_j − mean_j} when {@code std} is null (centring only).
 * Training blocks, Spark ML frames, predictions and the saved model all go through these functions.
 */
public final class Preprocessing {
  /** Added to every standard deviation: a constant feature must not divide by zero. */
  public static final double STD_EPSILON = 1e-8;

  private Preprocessing() {}

  /** Feature {@code j} of value {@code v}, centred on {@code mean[j]} and, when std is not null, divided by {@code std[j]}. */
  public static double apply(double v, int j, double[] mean, double[] std) {
    double c = v - mean[j];
    return std == null ? c : c / std[j];
  }

  /**
   * One row of unsigned bytes {@code src[off, off+D)} (D = mean.length) into {@code dst[at, at+D)}, each
   * feature exactly {@code (float) apply(v, j, mean, std)}: the expression in double, rounded once.
   */
  public static void applyRow(byte[] src, int off, double[] mean, double[] std, float[] dst, int at) {
    int d = mean.length, j = 0;
    if (std == null) {
      // eight at a time: the default path of every gathered batch row, 20% faster so under C1 (measured)
      for (; j + 7 < d; j += 8) {
        int s = off + j, t = at + j;
        dst[t] = (float) ((src[s] & 0xFF) - mean[j]);
        dst[t + 1] = (float) ((src[s + 1] & 0xFF) - mean[j + 1]);
        dst[t + 2] = (float) ((src[s + 2] & 0xFF) - mean[j + 2]);
        dst[t + 3] = (float) ((src[s + 3] & 0xFF) - mean[j + 3]);
        dst[t + 4] = (float) ((src[s + 4] & 0xFF) - mean[j + 4]);
        dst[t + 5] = (float) ((src[s + 5] & 0xFF) - mean[j + 5]);
        dst[t + 6] = (float) ((src[s + 6] & 0xFF) - mean[j + 6]);
        dst[t + 7] = (float) ((src[s + 7] & 0xFF) - mean[j + 7]);
      }
      for (; j < d; j++) {
        dst[at + j] = (float) ((src[off + j] & 0xFF) - mean[j]);
      }
    } else {
      for (; j < d; j++) {
        dst[at + j] = (float) (((src[off + j] & 0xFF) - mean[j]) / std[j]);
      }
    }
  }

  /** {@link #apply} to every feature of {@code x} (D), in place; returns {@code x}. */
  public static double[] applyInPlace(double[] x, double[] mean, double[] std) {
    for (int j = 0; j < x.length; j++) {
      x[j] = apply(x[j], j, mean, std);
    }
    return x;
  }

  /**
   * The training statistics from sums over {@code n} examples: {@code mean_j = Σx_j / n} and, when
   * {@code squares} ({@code Σx_j²}) is not null, {@code std_j = sqrt(max(Σx_j²/n − mean_j², 0)) + ε}.
   *
   * @return {mean, std} (each D), std null without squares
   */
  public static double[][] meanStd(double[] sums, double[] squares, long n) {
    int d = sums.length;
    double[] mean = new double[d], std = squares != null ? new double[d] : null;
    for (int j = 0; j < d; j++) {
      mean[j] = sums[j] / n;
      if (std != null) {
        std[j] = Math.sqrt(Math.max(squares[j] / n - mean[j] * mean[j], 0)) + STD_EPSILON;
      }
    }
    return new double[][] {mean, std};
  }
}
