package twolayer.model;

/**
 * Scratch buffers of the kernels, grown on demand and reused across calls, so an iteration allocates
 * no large arrays. Not thread-safe: one per task thread (see {@link #get()}).
 */
public final class Workspace {
  private static final ThreadLocal<Workspace> PER_THREAD = ThreadLocal.withInitial(Workspace::new);

  int[] y = new int[0]; // gathered labels, m
  // double kernel (TwoLayerNet)
  double[] x = new double[0]; // gathered batch rows, m×D
  double[] z1 = new double[0]; // m×H: pre-activations
  double[] a1 = new double[0]; // m×H: relu(z1), then dz1
  double[] z2 = new double[0]; // m×C: scores, then probabilities, then dz2
  // float kernel (FloatNet), same roles
  float[] xf = new float[0];
  float[] z1f = new float[0];
  float[] a1f = new float[0];
  float[] z2f = new float[0];

  /** The calling thread's workspace: on an executor, one per task slot, kept across iterations. */
  public static Workspace get() {
    return PER_THREAD.get();
  }

  /** Copies rows of a row-major n×D float block (and their labels), widened to double; returns the m×D rows. */
  public double[] gather(float[] blockX, int[] blockY, int d, int[] rows) {
    int m = rows.length;
    ensure(m, d, 0, 0);
    for (int i = 0; i < m; i++) {
      int src = rows[i] * d, dst = i * d;
      for (int j = 0; j < d; j++) {
        x[dst + j] = blockX[src + j];
      }
      y[i] = blockY[rows[i]];
    }
    return x;
  }

  /** Copies rows of a row-major n×D float block (and their labels); returns the m×D rows. */
  public float[] gatherFloat(float[] blockX, int[] blockY, int d, int[] rows) {
    ensureFloat(rows.length, d, 0, 0);
    return gatherFloat(blockX, blockY, d, rows, xf);
  }

  /** The same into {@code into} (at least m×D): for rows that outlive the call (the W1 factors). */
  public float[] gatherFloat(float[] blockX, int[] blockY, int d, int[] rows, float[] into) {
    int m = rows.length;
    ensureFloat(m, 0, 0, 0);
    for (int i = 0; i < m; i++) {
      System.arraycopy(blockX, rows[i] * d, into, i * d, d);
      y[i] = blockY[rows[i]];
    }
    return into;
  }

  /** Rows {@code [r0, r0+m)} of a float block widened to double (the float kernel reads blocks in place). */
  public double[] widen(float[] blockX, int d, int r0, int m) {
    ensure(m, d, 0, 0);
    for (int i = 0; i < m * d; i++) {
      x[i] = blockX[r0 * d + i];
    }
    return x;
  }

  /** dz1 (m×H) of the last float backward pass, valid until the next kernel call. */
  public float[] lastDz1() {
    return a1f;
  }

  /** Labels of the last gather. */
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
    if (x.length < m * d) {
      x = new double[m * d];
    }
    if (y.length < m) {
      y = new int[m];
    }
  }

  void ensureFloat(int m, int d, int h, int c) {
    if (z1f.length < m * h) {
      z1f = new float[m * h];
      a1f = new float[m * h];
    }
    if (z2f.length < m * c) {
      z2f = new float[m * c];
    }
    if (xf.length < m * d) {
      xf = new float[m * d];
    }
    if (y.length < m) {
      y = new int[m];
    }
  }
}
