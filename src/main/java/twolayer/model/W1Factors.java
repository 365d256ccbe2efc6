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
 * 2.8 MB took 0.8-0.9 ms of the merge; the product costs the same either way).
 */
public final class W1Factors implements Serializable {
  private int rows;
  private transient int[] partition = new int[0];
  private transient int[] count = new int[0];
  private transient float[][] x = new float[0][]; // segment k: count[k]×D
  private transient float[][] dz = new float[0][]; // segment k: count[k]×H

  /** True while {@code rows·(D+H)} floats are fewer than the D·H of a dense W1 gradient. */
  public static boolean smaller(Shape s, long rows) {
    return rows * (s.d() + s.h()) < (long) s.d() * s.h();
  }

  /** Factor rows held (0 when none). */
  public int rows() {
    return rows;
  }

  /** Appends m rows of {@code partition}: {@code x} (m×D) kept as it is, {@code dz1} (m×H) as {@code dzCopy}. */
  void append(int p, float[] xs, float[] dz1, float[] dzCopy, int m, int h) {
    System.arraycopy(dz1, 0, dzCopy, 0, m * h);
    int k = count.length;
    partition = Arrays.copyOf(partition, k + 1);
    count = Arrays.copyOf(count, k + 1);
    x = Arrays.copyOf(x, k + 1);
    dz = Arrays.copyOf(dz, k + 1);
    partition[k] = p;
    count[k] = m;
    x[k] = xs;
    dz[k] = dzCopy;
    rows += m;
  }

  /** Takes o's segments, both sides' interleaved by partition (each side is already sorted). */
  void merge(W1Factors o) {
    if (o.rows == 0) {
      return;
    }
    int n = count.length + o.count.length;
    int[] parts = new int[n], counts = new int[n];
    float[][] xs = new float[n][], dzs = new float[n][];
    for (int k = 0, i = 0, j = 0; k < n; k++) {
      boolean mine = j == o.count.length || (i < count.length && partition[i] <= o.partition[j]);
      W1Factors from = mine ? this : o;
      int at = mine ? i++ : j++;
      parts[k] = from.partition[at];
      counts[k] = from.count[at];
      xs[k] = from.x[at];
      dzs[k] = from.dz[at];
    }
    rows += o.rows;
    partition = parts;
    count = counts;
    x = xs;
    dz = dzs;
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
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeObject(new int[][] {partition, count});
    for (int k = 0; k < count.length; k++) {
      ArrayIO.writeFloats(out, x[k]);
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
    for (int k = 0; k < count.length; k++) {
      x[k] = ArrayIO.readFloats(in);
      dz[k] = ArrayIO.readFloats(in);
    }
  }
}
