package twolayer.model;

import java.io.Serializable;

/**
 * The network's math in one precision, chosen once from the {@code precision} setting: float32
 * ({@link FloatNet#KERNEL}, sgemm, the training default) or float64 ({@link TwoLayerNet#KERNEL}, the
 * reference the gradient check pins). Weights carry their kernel, so nothing else asks which one it is.
 */
public interface NetKernel extends Serializable {
  /** The float kernel when {@code single}, else the double one: the one place precision is a flag. */
  static NetKernel of(boolean single) {
    return single ? FloatNet.KERNEL : TwoLayerNet.KERNEL;
  }

  /** Parameters {@code w} (the {@link Shape} layout) in this precision: w itself in double, rounded in float. */
  Weights weights(Shape s, double[] w);

  /** Empty partial gradient sums in this precision. */
  Sums sums();

  /**
   * Scores rows {@code [r0, r0+m)} of a block {@code x} (n×D, labels y), adds each row to
   * {@code confusion} (C×C, true × predicted) and returns {@code loss} plus their data losses, added
   * one at a time (the running sum's order does not depend on the chunking).
   */
  double evaluate(Weights w, Rows x, int[] y, int r0, int m, long[] confusion, double loss, Workspace ws);

  /** {@code into[k] = w[from + k]} for k &lt; n, widened to double. */
  void read(Weights w, int from, double[] into, int n);

  /** {@code w[from + k] = values[k]} for k &lt; n, rounded to the kernel's precision. */
  void write(double[] values, Weights w, int from, int n);

  /** {@code Σ w[i]²} over {@code [from, to)} of the weights, accumulated in double. */
  double sumOfSquares(Weights w, int from, int to);
}
