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

  /**
   * Gathers rows {@code rows} of a block (and their labels) under the iteration's {@code noise} (see
   * {@link Rows#write}), widened to double; returns the m×D rows.
   */
  public double[] gather(Rows x, int[] y, int[] rows, int partition, Noise noise) {
    return widen(gatherFloat(x, y, rows, partition, noise), x.d(), 0, rows.length);
  }

  /** Gathers rows {@code rows} of a block (and their labels) under {@code noise}; returns the m×D rows. */
  public float[] gatherFloat(Rows x, int[] y, int[] rows, int partition, Noise noise) {
    ensureFloat(rows.length, x.d(), 0, 0);
    return gatherFloat(x, y, rows, partition, noise, xf, null);
  }

  /**
   * The same into {@code into} (at least m×D): for rows that outlive the call (the W1 factors); their
   * bytes also into {@code bytes} when not null (see {@link Rows#write(int[], int, Noise, float[], byte[])}).
   */
  public float[] gatherFloat(Rows x, int[] y, int[] rows, int partition, Noise noise, float[] into, byte[] bytes) {
    int m = rows.length;
    ensureFloat(m, 0, 0, 0);
    x.write(rows, partition, noise, into, bytes);
    for (int i = 0; i < m; i++) {
      this.y[i] = y[rows[i]];
    }
    return into;
  }

  /** Rows {@code [r0, r0+m)} of a block as they are (an evaluation chunk); returns the m×D rows. */
  public float[] rows(Rows x, int r0, int m) {
    ensureFloat(m, x.d(), 0, 0);
    x.write(r0, m, xf);
    return xf;
  }

  /** Rows {@code [r0, r0+m)} of row-major float rows (D each) widened to double. */
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
