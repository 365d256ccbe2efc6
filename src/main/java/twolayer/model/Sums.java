package twolayer.model;

import java.io.Serializable;

/**
 * A partition's data-loss gradient sums in its kernel's precision, in the {@link Shape} layout: what
 * tasks send back ({@link NetKernel#sums}). Sums only: the driver divides by n and adds {@code 2λW}.
 */
public interface Sums extends Serializable {
  /**
   * Adds the gradient of rows {@code rows} of partition {@code partition}'s block {@code x} (n×D, labels
   * y) under the iteration's train-time {@code noise}; returns their summed loss.
   */
  double add(Weights w, Rows x, int[] y, int[] rows, int partition, Noise noise);

  /** Adds {@code o} (of the same kernel) into these sums and returns them; o is spent. */
  Sums merge(Sums o);

  /** The summed gradient widened to double, every factor multiplied out. */
  double[] gradient();

  /** {@code g[0..to−from) = f · sum[from..to)}, widened to double (no factors left, see {@link #factors}). */
  void scaledInto(double f, double[] g, int from, int to);

  /**
   * {@code w[i] −= decay·w[i] + scale·sum[i]} over {@code [from, to)}, in the weights' precision by BLAS
   * passes: {@code t = scale·sum; t += decay·w; w −= t} (w rounded once per step), the sums there overwritten.
   */
  void stepInto(Weights w, int from, int to, double decay, double scale);

  /** The W1 gradient rows still held as factors (float only), or null. */
  default W1Factors factors() {
    return null;
  }

  /** Whether the sums hold a W1 part (false while the W1 gradient exists only as {@link #factors}). */
  default boolean hasW1() {
    return true;
  }

  /**
   * Gives the sums their W1 part for the factors' product to write or add into (written into {@code reuse}
   * when they had none and it has the layout's size), and returns the array in the layout.
   */
  default float[] withW1(float[] reuse) {
    throw new UnsupportedOperationException("no factors");
  }

  /**
   * The factors, for the caller to multiply out (into {@link #withW1}) or into the weights; the sums hold
   * none afterwards (the arrays stay valid until {@link #recycle}).
   */
  default W1Factors takeFactors() {
    return null;
  }

  /** Gives pooled arrays back for the next tasks in this JVM; the sums are empty afterwards. */
  void recycle();
}
