package twolayer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.model.Noise;

/** Tier 1: blocks cached as pixel bytes read back exactly the floats the float path computed. */
class PixelRowsTest {
  static final int N = 12;
  static final int D = Augment.D;

  final Random rnd = new Random(8);
  final byte[] records = new byte[N * (D + 1)]; // label, then D pixels
  final double[] mean = new double[D];
  final double[] std = new double[D];

  PixelRowsTest() {
    rnd.nextBytes(records);
    for (int i = 0; i < N; i++) {
      records[i * (D + 1)] = (byte) rnd.nextInt(10);
    }
    for (int j = 0; j < D; j++) {
      mean[j] = 60 + 140 * rnd.nextDouble(); // any double: the statistics are sums / n
      std[j] = 20 + 60 * rnd.nextDouble() + Preprocessing.STD_EPSILON;
    }
  }

  Block block(double[] sd) {
    return Block.of(new RecordSplit(0, 0, N, List.of()), new RawRecords(records, N, null), mean, sd);
  }

  /** The float a block held before: {@code (float) Preprocessing.apply(byte, j, mean, std)}. */
  float expected(int row, int j, double[] sd) {
    return (float) Preprocessing.apply(records[row * (D + 1) + 1 + j] & 0xFF, j, mean, sd);
  }

  @Test
  void gatheredAndChunkedRowsAreTheFloatPathsBits() {
    for (double[] sd : new double[][] {null, std}) {
      Block b = block(sd);
      int[] rows = {7, 0, 11, 7};
      float[] gathered = new float[rows.length * D], chunk = new float[5 * D];
      b.x.write(rows, 0, Noise.NONE, gathered);
      b.x.write(3, 5, chunk);
      for (int j = 0; j < D; j++) {
        for (int i = 0; i < rows.length; i++) {
          assertEquals(Float.floatToIntBits(expected(rows[i], j, sd)), Float.floatToIntBits(gathered[i * D + j]));
        }
        for (int i = 0; i < 5; i++) {
          assertEquals(Float.floatToIntBits(expected(3 + i, j, sd)), Float.floatToIntBits(chunk[i * D + j]));
        }
      }
      for (int i = 0; i < N; i++) {
        assertEquals(records[i * (D + 1)], b.y[i]);
      }
    }
  }

  @Test
  void rowsOfAnyLengthAreExact() {
    for (int d : new int[] {1, 7, 13, 16}) {
      byte[] src = new byte[d + 3];
      rnd.nextBytes(src);
      double[] m = java.util.Arrays.copyOf(mean, d);
      float[] dst = new float[d + 2];
      Preprocessing.applyRow(src, 3, m, null, dst, 2);
      for (int j = 0; j < d; j++) {
        assertEquals(Float.floatToIntBits((float) Preprocessing.apply(src[3 + j] & 0xFF, j, m, null)),
            Float.floatToIntBits(dst[2 + j]), "D=" + d + ", feature " + j);
      }
    }
  }

  @Test
  void augmentedRowsAreTheAugmentedImagesPreprocessedWithBlackPadding() {
    Block b = block(std);
    Noise noise = new Noise(true, 4, 0, 9, 1, 17, new long[] {100});
    int[] rows = {2, 5};
    float[] got = new float[rows.length * D];
    b.x.write(rows, 0, noise, got);
    for (int i = 0; i < rows.length; i++) {
      Augment.Choice c = Augment.draw(noise.rowSeed(0, rows[i]), true, 4);
      byte[] image = new byte[D];
      Augment.apply(records, rows[i] * (D + 1) + 1, c, image);
      for (int j = 0; j < D; j++) {
        float want = (float) Preprocessing.apply(image[j] & 0xFF, j, mean, std);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i * D + j]));
      }
    }
  }
}
