package twolayer.data;

import java.io.Serializable;

/**
 * One partition's examples stacked into a dense row-major matrix, built once and cached:
 * {@code x} is n×D float32 (pixel minus mean image: the form the kernels read, one cached copy), {@code y} the n labels.
 * A batch names rows by their index in the block (see {@code BatchSampler}): no scan of the data.
 * A block that could not be read carries an {@code error} (one line naming the file) instead of data,
 * so bad input ends the run with a message, not a failed Spark task.
 */
public final class Block implements Serializable {
  public final int partition;
  public final int n;
  public final int d;
  public final float[] x;
  public final int[] y;
  public final String error;

  private Block(int partition, int n, int d, float[] x, int[] y, String error) {
    this.partition = partition;
    this.n = n;
    this.d = d;
    this.x = x;
    this.y = y;
    this.error = error;
  }

  /**
   * Raw records ({@code n × (1 + D)} bytes: label, then D pixels) through {@link Preprocessing#apply}:
   * centred on {@code mean} (D) and, when {@code std} is not null, divided by it.
   */
  public static Block of(RecordSplit split, RawRecords raw, double[] mean, double[] std) {
    if (raw.error() != null) {
      return new Block(split.partition(), 0, mean.length, null, null, raw.error());
    }
    int n = raw.n(), d = mean.length, rec = d + 1;
    float[] x = new float[n * d];
    int[] y = new int[n];
    byte[] b = raw.bytes();
    for (int i = 0; i < n; i++) {
      y[i] = b[i * rec] & 0xFF;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) Preprocessing.apply(b[i * rec + 1 + j] & 0xFF, j, mean, std);
      }
    }
    return new Block(split.partition(), n, d, x, y, null);
  }

  /** A block built from arrays (tests, and inputs other than CIFAR files). */
  public static Block of(int partition, float[] x, int[] y) {
    return new Block(partition, y.length, y.length == 0 ? 0 : x.length / y.length, x, y, null);
  }
}
