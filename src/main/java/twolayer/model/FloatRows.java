package twolayer.model;

/**
 * {@link Rows} kept as floats, copied as they are. Not images: augmentation does not apply to them
 * (the trainer refuses it for data that are not 3×32×32), dropout is the kernels' and not theirs.
 */
final class FloatRows implements Rows {
  private final float[] x; // n×D row-major
  private final int d;

  FloatRows(float[] x, int d) {
    this.x = x;
    this.d = d;
  }

  @Override
  public int d() {
    return d;
  }

  @Override
  public void write(int[] rows, int partition, Noise noise, float[] dst) {
    if (noise.augments()) {
      throw new IllegalArgumentException("flip and crop-pad need 3x32x32 image bytes, not float rows");
    }
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(x, rows[i] * d, dst, i * d, d);
    }
  }

  @Override
  public void write(int r0, int m, float[] dst) {
    System.arraycopy(x, r0 * d, dst, 0, m * d);
  }
}
