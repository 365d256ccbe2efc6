package twolayer.data;

import java.io.Serializable;
import twolayer.model.Rows;
import twolayer.transport.Shared;

/**
 * One partition's examples, built once and cached: {@code x} the n rows of D features as the kernels
 * read them ({@link Rows}: for CIFAR records the pixel bytes, preprocessed when a batch or an evaluation
 * chunk is read; floats for other inputs), {@code y} the n labels.
 * A batch names rows by their index in the block (see {@code BatchSampler}): no scan of the data.
 * A block that could not be read carries an {@code error} (one line naming the file) instead of data,
 * so bad input ends the run with a message, not a failed Spark task.
 */
public final class Block implements Serializable {
  public final int partition;
  public final int n;
  public final int d;
  public final Rows x;
  public final int[] y;
  public final String error;

  private Block(int partition, int n, int d, Rows x, int[] y, String error) {
    this.partition = partition;
    this.n = n;
    this.d = d;
    this.x = x;
    this.y = y;
    this.error = error;
  }

  /**
   * Raw records ({@code n × (1 + D)} bytes: label, then D pixels), kept as pixel bytes and read through
   * {@link Preprocessing#applyRow}: centred on {@code mean} (D) and, when {@code std} is not null, divided
   * by it. The statistics are referenced, not copied.
   */
  public static Block of(RecordSplit split, RawRecords raw, double[] mean, double[] std) {
    return of(split, raw, Centring.of(mean, std));
  }

  /** The same with the run's statistics {@code {mean, std}} as the tasks share them. */
  static Block of(RecordSplit split, RawRecords raw, Shared<double[][]> meanStd) {
    return of(split, raw, Centring.shared(meanStd));
  }

  private static Block of(RecordSplit split, RawRecords raw, Centring centring) {
    int d = centring.mean().length;
    if (raw.error() != null) {
      return new Block(split.partition(), 0, d, null, null, raw.error());
    }
    int n = raw.n(), rec = d + 1;
    byte[] pixels = new byte[n * d];
    int[] y = new int[n];
    byte[] b = raw.bytes();
    for (int i = 0; i < n; i++) {
      y[i] = b[i * rec] & 0xFF;
      System.arraycopy(b, i * rec + 1, pixels, i * d, d);
    }
    return new Block(split.partition(), n, d, new PixelRows(pixels, d, centring), y, null);
  }

  /** A block built from arrays (tests, and inputs other than CIFAR files): x n×D, preprocessed. */
  public static Block of(int partition, float[] x, int[] y) {
    int d = y.length == 0 ? 0 : x.length / y.length;
    return new Block(partition, y.length, d, Rows.of(x, d), y, null);
  }
}
