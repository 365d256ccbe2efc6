package twolayer.model;

import java.io.Serializable;

/**
 * A partition's n examples as the kernels read them, D floats per row, written into the kernels' own
 * buffers when a batch is gathered or an evaluation chunk is scored: a cached block may hold them in
 * another form (the images' bytes, a quarter of float32's size) and convert only the rows a call touches.
 */
public interface Rows extends Serializable {
  /** Features per row. */
  int d();

  /**
   * Writes rows {@code rows[i]} into {@code dst} (m×D row-major) under the iteration's train-time
   * {@code noise}: row r's random choices come from {@code noise.rowSeed(partition, r)} alone.
   */
  void write(int[] rows, int partition, Noise noise, float[] dst);

  /**
   * The same, also writing each row's bytes (m×D, under the same noise) into {@code bytes} when the
   * block holds bytes ({@link #decoder} is not null); {@code bytes} may be null.
   */
  default void write(int[] rows, int partition, Noise noise, float[] dst, byte[] bytes) {
    write(rows, partition, noise, dst);
  }

  /** How rows written as bytes read back as floats; null when the block holds floats. */
  default RowDecoder decoder() {
    return null;
  }

  /** Writes rows {@code [r0, r0+m)} as they are (evaluation: no noise) into {@code dst} (m×D). */
  void write(int r0, int m, float[] dst);

  /** Rows held as floats (n×D row-major, already preprocessed): inputs that are not image bytes. */
  static Rows of(float[] x, int d) {
    return new FloatRows(x, d);
  }
}
