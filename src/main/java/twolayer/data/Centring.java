package twolayer.data;

import twolayer.model.RowDecoder;
import twolayer.transport.Shared;

/**
 * Pixel bytes back into the floats a {@link PixelRows} block gives ({@link Preprocessing#applyRow}: centred,
 * and divided by the standard deviation when there is one), for W1 factor rows that crossed as bytes. On
 * the wire it is the handle of the run's shared statistics (a broadcast's id on a cluster), or, for blocks
 * built from statistics of the caller's own, the statistics themselves.
 */
final class Centring implements RowDecoder {
  private final Shared<double[][]> shared; // {mean, std}, std null when not standardised; or null
  private final double[][] own; // used when shared is null

  private Centring(Shared<double[][]> shared, double[][] own) {
    this.shared = shared;
    this.own = own;
  }

  static Centring shared(Shared<double[][]> meanStd) {
    return new Centring(meanStd, null);
  }

  static Centring of(double[] mean, double[] std) {
    return new Centring(null, new double[][] {mean, std});
  }

  double[] mean() {
    return stats()[0];
  }

  double[] std() {
    return stats()[1];
  }

  private double[][] stats() {
    return shared != null ? shared.get() : own;
  }

  @Override
  public void decode(byte[] bytes, int m, float[] dst) {
    double[][] s = stats();
    int d = s[0].length;
    for (int i = 0; i < m; i++) {
      Preprocessing.applyRow(bytes, i * d, s[0], s[1], dst, i * d);
    }
  }
}
