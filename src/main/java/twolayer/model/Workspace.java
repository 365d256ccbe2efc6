package twolayer.model;

/**
 * Scratch buffers of the kernel, grown on demand and reused across calls, so an iteration allocates
 * no large arrays. Not thread-safe: one per task thread (see {@link #get()}).
 */
public final class Workspace {
  private static final ThreadLocal<Workspace> PER_THREAD = ThreadLocal.withInitial(Workspace::new);

  double[] x = new double[0]; // gathered batch rows, m×D
  int[] y = new int[0]; // gathered labels, m
  double[] z1 = new double[0]; // m×H: pre-activations, then dz1
  double[] a1 = new double[0]; // m×H: relu(z1)
  double[] z2 = new double[0]; // m×C: scores, then probabilities, then dz2

  /** The calling thread's workspace: on an executor, one per task slot, kept across iterations. */
  public static Workspace get() {
    return PER_THREAD.get();
  }

  /** Copies the given rows of a row-major n×D block (and their labels) into this workspace; returns the m×D rows. */
  public double[] gather(double[] blockX, int[] blockY, int d, int[] rows) {
    int m = rows.length;
    ensure(m, d, 0, 0);
    for (int i = 0; i < m; i++) {
      System.arraycopy(blockX, rows[i] * d, x, i * d, d);
      y[i] = blockY[rows[i]];
    }
    return x;
  }

  /** Labels of the last {@link #gather}. */
  public int[] labels() {
    return y;
  }

  void ensure(int m, int d, int h, int c) {
    if (z1.length < m * h) {
      z1 = new double[m * h];
      a1 = new double[m * h];
    }
    if (z2.length < m * c) {
      z2 = new double[m * c];
    }
    if (d > 0 && x.length < m * d) {
      x = new double[m * d];
      y = new int[m];
    }
  }
}
