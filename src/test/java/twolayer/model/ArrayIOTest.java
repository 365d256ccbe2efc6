package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tier 1: arrays of every size around the 64 KB chunk come back exactly, and the stream goes on after them. */
class ArrayIOTest {
  @Test
  void floatsAndDoublesRoundTripAtChunkBoundaries() throws Exception {
    Random rnd = new Random(3);
    for (int n : new int[] {0, 1, 8191, 8192, 8193, 16383, 16384, 16385, 100_003}) {
      float[] f = new float[n];
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        f[i] = (float) rnd.nextGaussian();
        d[i] = rnd.nextGaussian();
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        ArrayIO.writeFloats(out, f);
        ArrayIO.writeDoubles(out, d);
        ArrayIO.writeFloats(out, null);
        out.writeInt(42);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertArrayEquals(f, ArrayIO.readFloats(in), "floats, n=" + n);
        assertArrayEquals(d, ArrayIO.readDoubles(in), "doubles, n=" + n);
        assertNull(ArrayIO.readFloats(in));
        assertEquals(42, in.readInt(), "what follows the arrays, n=" + n);
      }
    }
  }
}
