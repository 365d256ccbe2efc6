package twolayer.model;

import java.io.Serializable;

/**
 * How rows that a block holds as bytes (images' pixels) become the floats the kernels read. The W1
 * factor rows of a partial sum cross to the driver as these bytes, a quarter of their floats, and read
 * back there as the same floats.
 */
public interface RowDecoder extends Serializable {
  /** Rows {@code [0, m)} of {@code bytes} (m×D) into {@code dst} (m×D): the floats the block's own {@link Rows#write} gave. */
  void decode(byte[] bytes, int m, float[] dst);
}
