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
  private transient Segment[] segments = new Segment[0]; // in partition order

  /**
   * One partition's rows: X (count×D) and dz1 (count×H); X's bytes (count×D) and their decoder when its
   * block holds bytes, else both null.
   */
  private record Segment(int partition, int count, float[] x, float[] dz, byte[] bytes, RowDecoder decoder) {}

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
    segments = Arrays.copyOf(segments, segments.length + 1);
    segments[segments.length - 1] = new Segment(p, m, xs, dzCopy, xBytes, xDecoder);
    rows += m;
  }

  /** Takes o's segments, both sides' interleaved by partition (each side is already sorted). */
  void merge(W1Factors o) {
    if (o.rows == 0) {
      return;
    }
    Segment[] mine = segments, theirs = o.segments, all = new Segment[mine.length + theirs.length];
    for (int k = 0, i = 0, j = 0; k < all.length; k++) {
      boolean first = j == theirs.length || (i < mine.length && mine[i].partition <= theirs[j].partition);
      all[k] = first ? mine[i++] : theirs[j++];
    }
    segments = all;
    rows += o.rows;
  }

  /**
   * Rows d0..d1 of the W1 part of {@code c} (Shape layout): {@code := beta·c + alpha·Σ_k X_k[:, d0:d1]ᵀ·dz1_k},
   * ((d1−d0)×m_k)·(m_k×H) per segment, one sgemm each in partition order (the first with beta, the rest
   * adding on); X read in place (row length D).
   */
  public void product(Shape s, int d0, int d1, float alpha, float beta, float[] c) {
    int d = s.d(), h = s.h();
    for (int k = 0; k < segments.length; k++) {
      Segment g = segments[k];
      Gemm.gemm(true, false, d1 - d0, h, g.count, alpha, g.x, d0, d, g.dz, 0, h, k == 0 ? beta : 1f, c,
          s.w1() + d0 * h, h);
    }
  }

  /** A copy holding these segments; every segment's array goes to {@code spent} and these hold none. */
  W1Factors take(Consumer<float[]> spent) {
    W1Factors t = new W1Factors();
    t.rows = rows;
    t.segments = segments;
    clear(spent);
    return t;
  }

  /** Hands every segment's arrays to {@code to} and holds no rows afterwards. */
  void clear(Consumer<float[]> to) {
    for (Segment g : segments) {
      to.accept(g.x);
      to.accept(g.dz);
    }
    rows = 0;
    segments = new Segment[0];
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeInt(segments.length);
    for (Segment g : segments) {
      out.writeInt(g.partition);
      out.writeInt(g.count);
      out.writeObject(g.decoder); // a handle: the statistics themselves are shared
      if (g.decoder != null) {
        ArrayIO.writeBytes(out, g.bytes);
      } else {
        ArrayIO.writeFloats(out, g.x);
      }
      ArrayIO.writeFloats(out, g.dz);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    segments = new Segment[in.readInt()];
    for (int k = 0; k < segments.length; k++) {
      int p = in.readInt(), m = in.readInt();
      RowDecoder decoder = (RowDecoder) in.readObject();
      byte[] bytes = null;
      float[] x;
      if (decoder != null) {
        bytes = ArrayIO.readBytes(in); // kept: a merge on an executor sends them on as bytes
        x = new float[bytes.length];
        decoder.decode(bytes, m, x);
      } else {
        x = ArrayIO.readFloats(in);
      }
      segments[k] = new Segment(p, m, x, ArrayIO.readFloats(in), bytes, decoder);
    }
  }
}
