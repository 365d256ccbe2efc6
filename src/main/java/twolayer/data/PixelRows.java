package twolayer.data;

import twolayer.model.Noise;
import twolayer.model.RowDecoder;
import twolayer.model.Rows;

/**
 * Rows cached as the records' own pixel bytes (n×D, labels stripped: a quarter of float32's size) and
 * preprocessed when read ({@link Preprocessing#applyRow}, the same floats a float block would hold).
 * Under train-time noise each gathered image is first augmented ({@link Augment}) from its row seed.
 * The statistics are the driver's, shared by every block of a JVM, not copied per block.
 */
final class PixelRows implements Rows {
  private final byte[] pixels;
  private final int d;
  private final double[] mean;
  private final double[] std; // null: centring only
  private final Centring centring; // the same statistics, as they cross to the driver

  PixelRows(byte[] pixels, int d, Centring centring) {
    this.pixels = pixels;
    this.d = d;
    this.mean = centring.mean();
    this.std = centring.std();
    this.centring = centring;
  }

  @Override
  public int d() {
    return d;
  }

  @Override
  public RowDecoder decoder() {
    return centring;
  }

  @Override
  public void write(int[] rows, int partition, Noise noise, float[] dst) {
    write(rows, partition, noise, dst, null);
  }

  @Override
  public void write(int[] rows, int partition, Noise noise, float[] dst, byte[] bytes) {
    if (!noise.augments()) {
      for (int i = 0; i < rows.length; i++) {
        Preprocessing.applyRow(pixels, rows[i] * d, mean, std, dst, i * d);
        if (bytes != null) {
          System.arraycopy(pixels, rows[i] * d, bytes, i * d, d);
        }
      }
      return;
    }
    if (d != Augment.D) {
      throw new IllegalArgumentException("flip and crop-pad need 3x32x32 images, not D=" + d);
    }
    byte[] image = new byte[d];
    for (int i = 0; i < rows.length; i++) {
      Augment.apply(pixels, rows[i] * d, Augment.draw(noise.rowSeed(partition, rows[i]), noise.flip(),
          noise.cropPad()), image);
      Preprocessing.applyRow(image, 0, mean, std, dst, i * d);
      if (bytes != null) {
        System.arraycopy(image, 0, bytes, i * d, d);
      }
    }
  }

  @Override
  public void write(int r0, int m, float[] dst) {
    for (int i = 0; i < m; i++) {
      Preprocessing.applyRow(pixels, (r0 + i) * d, mean, std, dst, i * d);
    }
  }
}
