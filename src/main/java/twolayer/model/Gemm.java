package twolayer.model;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major {@code C = alpha·op(A)·op(B) + beta·C} over netlib's column-major BLAS.
 * A row-major matrix is the column-major storage of its transpose, so row-major {@code C = A·B}
 * is column-major {@code Cᵀ = Bᵀ·Aᵀ}: swap the operands and keep the transpose flags.
 */
public final class Gemm {
  private static final BLAS BLAS_ = choose(BLAS.getInstance(), c1Only());

  private Gemm() {}

  /**
   * netlib's BLAS, except for one case. Where native BLAS is missing netlib falls back to Java: to its
   * Vector API version (VectorBLAS) where the incubating module is there, as Spark puts it on every
   * executor. The Vector API is fast only once C2 compiles it. Under C1 only, as {@code submit.sh} runs
   * every JVM, it stays a slow library call per vector. There the plain-Java fallback (Java11BLAS) is
   * chosen. One thread, sgemm forward and back for 100 rows (D=3072), measured here:
   *
   * <pre>
   *          native | C1: VectorBLAS  Java11BLAS | C2: VectorBLAS  Java11BLAS
   *   H=50    0.72  |        95          9.4     |        4.8          7.7     ms
   *   H=500   6.1   |       974         70       |       21           55       ms
   * </pre>
   */
  static BLAS choose(BLAS netlib, boolean c1Only) {
    if (!c1Only || !netlib.getClass().getName().equals("dev.ludovic.netlib.blas.VectorBLAS")) {
      return netlib;
    }
    try { // package-private in netlib
      java.lang.reflect.Method plain = Class.forName("dev.ludovic.netlib.blas.Java11BLAS").getDeclaredMethod("getInstance");
      plain.setAccessible(true);
      return (BLAS) plain.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return netlib;
    }
  }

  /** Whether this JVM compiles with C1 only ({@code -XX:TieredStopAtLevel} below 4, as {@code submit.sh} sets). */
  public static boolean c1Only() {
    try {
      var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
          && Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) < 4;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @param transA use Aᵀ (A stored k×m) instead of A (stored m×k)
   * @param transB use Bᵀ (B stored n×k) instead of B (stored k×n)
   * @param m rows of C, n columns of C, k the inner dimension; C is stored m×n at cOff
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, double[] b, int bOff, double beta, double[] c, int cOff) {
    if (m == 0 || n == 0) {
      return;
    }
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    BLAS_.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
        b, bOff, Math.max(1, ldb), a, aOff, Math.max(1, lda), beta, c, cOff, Math.max(1, n));
  }

  /** The same in single precision (sgemm). */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
    gemm(transA, transB, m, n, k, alpha, a, aOff, transA ? m : k, b, bOff, transB ? k : n, beta, c, cOff, n);
  }

  /**
   * sgemm on sub-matrices: {@code lda}, {@code ldb}, {@code ldc} are the row lengths of the stored
   * matrices A, B, C (at least their used column counts), so a block of columns can be addressed in place.
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    BLAS_.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
        b, bOff, Math.max(1, ldb), a, aOff, Math.max(1, lda), beta, c, cOff, Math.max(1, ldc));
  }

  /**
   * {@code Σ w[i]²} over {@code w[from..to)} (0 when empty), accumulated in double by BLAS's sdsdot; only
   * the result is rounded to float (6e-8 relative). Under C1 a Java loop over the 1.5 M weights of H=500
   * took 1.6 ms, sdsdot 0.3 ms.
   */
  public static double sumOfSquares(float[] w, int from, int to) {
    return to <= from ? 0 : BLAS_.sdsdot(to - from, 0f, w, from, 1, w, from, 1);
  }

  /**
   * {@code out[outOff + j] = beta·out[outOff + j] + Σ_i a[i·n + j]}: the column sums of row-major m×n
   * {@code a} (the bias gradients), as sgemv of {@code a}ᵀ with a vector of ones: (n×m)·(m). A Java
   * loop under C1 took 1.4 ms for 1000×500. Beta 0 ignores what {@code out} held (sgemv's own rule).
   */
  public static void columnSums(float[] a, int m, int n, float beta, float[] out, int outOff) {
    if (m == 0 || n == 0) { // BLAS returns early on an empty sum without applying beta
      if (beta == 0f) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0f);
      } else if (beta != 1f) {
        scale(n, beta, out, outOff);
      }
      return;
    }
    float[] ones = new float[m];
    java.util.Arrays.fill(ones, 1f);
    // row-major m×n is column-major n×m: y(n) += A(n×m)·ones(m)
    BLAS_.sgemv("N", n, m, 1f, a, 0, n, ones, 0, 1, beta, out, outOff, 1);
  }

  /**
   * {@code a += b} by BLAS's saxpy with alpha 1 (the same bits as the Java loop: 1·b is exact): merging
   * two partial sums, 1.5 M floats at H=500, is the driver's wait between the last task and the update,
   * and a Java loop under C1 is several times slower than saxpy.
   */
  public static void add(float[] a, float[] b) {
    BLAS_.saxpy(a.length, 1f, b, 1, a, 1);
  }

  /** {@code y[yOff..yOff+n) += alpha·x[xOff..xOff+n)} by saxpy. */
  public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    if (n > 0) {
      BLAS_.saxpy(n, alpha, x, xOff, 1, y, yOff, 1);
    }
  }

  /** {@code x[off..off+n) *= alpha} by sscal. */
  public static void scale(int n, float alpha, float[] x, int off) {
    if (n > 0) {
      BLAS_.sscal(n, alpha, x, off, 1);
    }
  }

  /** The same in double precision (daxpy). */
  public static void add(double[] a, double[] b) {
    BLAS_.daxpy(a.length, 1.0, b, 1, a, 1);
  }

  /** {@code y[yOff..yOff+n) += alpha·x[xOff..xOff+n)} by daxpy. */
  public static void axpy(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
    if (n > 0) {
      BLAS_.daxpy(n, alpha, x, xOff, 1, y, yOff, 1);
    }
  }

  /** {@code x[off..off+n) *= alpha} by dscal. */
  public static void scale(int n, double alpha, double[] x, int off) {
    if (n > 0) {
      BLAS_.dscal(n, alpha, x, off, 1);
    }
  }

  /** {@code Σ w[i]²} over {@code w[from..to)} (0 when empty) by ddot. */
  public static double sumOfSquares(double[] w, int from, int to) {
    return to <= from ? 0 : BLAS_.ddot(to - from, w, from, 1, w, from, 1);
  }

  /** {@link #columnSums(float[], int, int, float, float[], int)} in double precision (dgemv). */
  public static void columnSums(double[] a, int m, int n, double beta, double[] out, int outOff) {
    if (m == 0 || n == 0) {
      if (beta == 0) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0);
      } else if (beta != 1) {
        scale(n, beta, out, outOff);
      }
      return;
    }
    double[] ones = new double[m];
    java.util.Arrays.fill(ones, 1);
    // row-major m×n is column-major n×m: y(n) += A(n×m)·ones(m)
    BLAS_.dgemv("N", n, m, 1, a, 0, n, ones, 0, 1, beta, out, outOff, 1);
  }

  /** The BLAS implementation in use (native OpenBLAS through JNI, or the Java fallback). */
  public static String implementation() {
    return BLAS_.getClass().getName();
  }
}
