package twolayer.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The W1 gradient of a share of the batch in its smallest exact form: {@code dW1 = Σ_k X_kᵀ·dz1_k}
 * over segments k (X_k: m_k×D, dz1_k: m_k×H), worth it while {@code rows·(D+H) < D·H} (at H=500 and
 * 100 rows: 1.4 MB instead of 6.1 MB). One segment per partition, kept in partition order whatever
 * order the partial sums arrive in, so the product adds its rows in one order on every run; merges
 * interleave segments and never copy them into one matrix (measured at H=500, B=200: that copy of
 * 2.8 MB took 0.8-0.9 ms of the merge; the product costs the same either way). Rows gathered from
 * pixel bytes are serialised as those bytes and decoded back into the same floats (at H=500 and 100
 * rows: 0.5 MB instead of 1.4 MB on the wire).
 */
public final class W1Factors implements Serializable {
  private int rows;
  private transient int[] partition = new int[0];
  private transient int[] count = new int[0];
  private transient float[][] x = new float[0][]; // segment k: count[k]×D
  private transient float[][] dz = new float[0][]; // segment k: count[k]×H
  private transient byte[][] bytes = new byte[0][]; // segment k: X_k's bytes (count[k]×D), or null
  private transient RowDecoder[] decoder = new RowDecoder[0]; // how bytes[k] read back as X_k, or null

  /** True while {@code rows·(D+H)} floats are fewer than the D·H of a dense W1 gradient. */
  public static boolean smaller(Shape s, long rows) {
    return rows * (s.d() + s.h()) < (long) s.d() * s.h();
  }

  /** Factor rows held (0 when none). */
  public int rows() {
    return rows;
  }

  /**
   * Appends m rows of {@code partition}: {@code x} (m×D) kept as it is, with its bytes {@code xBytes} and
   * their {@code xDecoder} when its block holds bytes (else both null), {@code dz1} (m×H) as {@code dzCopy}.
   */
  void append(int p, float[] xs, byte[] xBytes, RowDecoder xDecoder, float[] dz1, float[] dzCopy, int m, int h) {
    System.arraycopy(dz1, 0, dzCopy, 0, m * h);
    int k = grow(count.length + 1);
    partition[k] = p;
    count[k] = m;
    x[k] = xs;
    dz[k] = dzCopy;
    bytes[k] = xBytes;
    decoder[k] = xDecoder;
    rows += m;
  }

  /** Room for n segments (the first ones kept); returns the old count. */
  private int grow(int n) {
    int k = count.length;
    partition = Arrays.copyOf(partition, n);
    count = Arrays.copyOf(count, n);
    x = Arrays.copyOf(x, n);
    dz = Arrays.copyOf(dz, n);
    bytes = Arrays.copyOf(bytes, n);
    decoder = Arrays.copyOf(decoder, n);
    return k;
  }

  /** Takes o's segments, both sides' interleaved by partition (each side is already sorted). */
  void merge(W1Factors o) {
    if (o.rows == 0) {
      return;
    }
    W1Factors mine = take(a -> {});
    grow(mine.count.length + o.count.length);
    for (int k = 0, i = 0, j = 0; k < count.length; k++) {
      boolean first = j == o.count.length || (i < mine.count.length && mine.partition[i] <= o.partition[j]);
      W1Factors from = first ? mine : o;
      int at = first ? i++ : j++;
      partition[k] = from.partition[at];
      count[k] = from.count[at];
      x[k] = from.x[at];
      dz[k] = from.dz[at];
      bytes[k] = from.bytes[at];
      decoder[k] = from.decoder[at];
    }
    rows = mine.rows + o.rows;
  }

  /**
   * Rows d0..d1 of the W1 part of {@code c} (Shape layout): {@code := beta·c + alpha·Σ_k X_k[:, d0:d1]ᵀ·dz1_k},
   * ((d1−d0)×m_k)·(m_k×H) per segment, one sgemm each in partition order (the first with beta, the rest
   * adding on); X read in place (row length D).
   */
  public void product(Shape s, int d0, int d1, float alpha, float beta, float[] c) {
    int d = s.d(), h = s.h();
    for (int k = 0; k < count.length; k++) {
      Gemm.gemm(true, false, d1 - d0, h, count[k], alpha, x[k], d0, d, dz[k], 0, h, k == 0 ? beta : 1f, c,
          s.w1() + d0 * h, h);
    }
  }

  /** A copy holding these segments; every segment's array goes to {@code spent} and these hold none. */
  W1Factors take(Consumer<float[]> spent) {
    W1Factors t = new W1Factors();
    t.rows = rows;
    t.partition = partition;
    t.count = count;
    t.x = x;
    t.dz = dz;
    t.bytes = bytes;
    t.decoder = decoder;
    clear(spent);
    return t;
  }

  /** Hands every segment's arrays to {@code to} and holds no rows afterwards. */
  void clear(Consumer<float[]> to) {
    for (int k = 0; k < count.length; k++) {
      to.accept(x[k]);
      to.accept(dz[k]);
    }
    rows = 0;
    partition = new int[0];
    count = new int[0];
    x = new float[0][];
    dz = new float[0][];
    bytes = new byte[0][];
    decoder = new RowDecoder[0];
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeObject(new int[][] {partition, count});
    for (int k = 0; k < count.length; k++) {
      out.writeObject(decoder[k]); // a handle: the statistics themselves are shared
      if (decoder[k] != null) {
        ArrayIO.writeBytes(out, bytes[k]);
      } else {
        ArrayIO.writeFloats(out, x[k]);
      }
      ArrayIO.writeFloats(out, dz[k]);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int[][] segments = (int[][]) in.readObject();
    partition = segments[0];
    count = segments[1];
    x = new float[count.length][];
    dz = new float[count.length][];
    bytes = new byte[count.length][];
    decoder = new RowDecoder[count.length];
    for (int k = 0; k < count.length; k++) {
      decoder[k] = (RowDecoder) in.readObject();
      if (decoder[k] != null) {
        bytes[k] = ArrayIO.readBytes(in); // kept: a merge on an executor sends them on as bytes
        x[k] = new float[bytes[k].length];
        decoder[k].decode(bytes[k], count[k], x[k]);
      } else {
        x[k] = ArrayIO.readFloats(in);
      }
      dz[k] = ArrayIO.readFloats(in);
    }
  }
}
