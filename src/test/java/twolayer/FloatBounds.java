package twolayer;

/**
 * Rounding-error bounds for the tests' floating-point comparisons (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., 2002, §3.1 and §3.5). A sum of k products {@code Σ aᵢbᵢ} computed in
 * any order, with or without fused multiply-adds, is within {@code γ_k·Σ|aᵢbᵢ|} of the exact sum, where
 * {@code γ_k = k·u/(1 − k·u)} and u is the unit roundoff (2⁻²⁴ in float, 2⁻⁵³ in double); a matrix
 * product is within {@code γ_k·|A|·|B|} entry by entry. BLAS picks its summation order per CPU (OpenBLAS
 * chooses its kernels by core type) and the pure-Java fallback has an order of its own, so a tolerance
 * of a few ulps of the result bets on one order; a tolerance from these bounds holds for all of them.
 * Two computations of the same quantity, each within its bound of the exact value, are within the sum
 * of their bounds of each other.
 */
public final class FloatBounds {
  /** Unit roundoff of float32: half an ulp of 1. */
  public static final double U_FLOAT = 0x1p-24;
  /** Unit roundoff of float64. */
  public static final double U_DOUBLE = 0x1p-53;

  private FloatBounds() {}

  /** {@code γ_k = k·u/(1 − k·u)}: the relative error bound of k rounded operations in a row. */
  public static double gamma(int k, double u) {
    if (k * u >= 1) {
      throw new IllegalArgumentException("k·u = " + k * u + ": no bound");
    }
    return k * u / (1 - k * u);
  }

  public static double gammaFloat(int k) {
    return gamma(k, U_FLOAT);
  }

  public static double gammaDouble(int k) {
    return gamma(k, U_DOUBLE);
  }

  /**
   * {@code |A|·|B|} (m×n, row-major) of row-major A (m×k, or k×m stored when {@code transA}) and B (k×n),
   * in double: what the rounding error of the product's entries scales with.
   */
  public static double[] absProduct(boolean transA, int m, int n, int k, float[] a, int aOff, float[] b, int bOff) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double av = Math.abs(transA ? a[aOff + p * m + i] : a[aOff + i * k + p]);
        if (av == 0) {
          continue;
        }
        for (int j = 0; j < n; j++) {
          c[i * n + j] += av * Math.abs(b[bOff + p * n + j]);
        }
      }
    }
    return c;
  }

  /** The largest of {@code |expected[i] − actual[i]| − bound[i]}: at most 0 when every entry is within its bound. */
  public static double worstExcess(double[] expected, double[] actual, double[] bound) {
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) - bound[i]);
    }
    return worst;
  }

  /** Asserts {@code |expected[i] − actual[i]| ≤ bound[i]} for every i, naming the first entry that is not. */
  public static void assertWithin(double[] expected, double[] actual, double[] bound, String what) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": lengths");
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      if (!(diff <= bound[i])) {
        org.junit.jupiter.api.Assertions.fail(what + " at " + i + ": expected " + expected[i] + ", was " + actual[i]
            + ", difference " + diff + " above its error bound " + bound[i]);
      }
    }
  }
}
