package twolayer.model;

/**
 * Inverted dropout of the hidden layer for one batch, at train time only: after relu,
 * {@code a1 ⊙= m/(1−p)} with {@code m ∈ {0,1}}, {@code P(m = 0) = p}; the backward pass gets the same
 * factor, {@code dz1 = (dz2·W2ᵀ) ⊙ [z1 > 0] ⊙ m/(1−p)}. Evaluation and prediction never see it: their
 * forward pass takes no Dropout, so the trained weights are the model as they are.
 *
 * <p>The bit of (batch row i, hidden unit j) depends only on the row's seed ({@link Noise#rowSeed}: the
 * example's global row, the seed, epoch and iteration) and j, never on the partition layout or the order
 * in which rows are visited: units 2k and 2k+1 take the high and low 32 bits of the (k+1)-th
 * {@code nextLong()} of {@code new SplittableRandom(rowSeed)} (SplitMix64: one hash per two units, no
 * object), and a unit is dropped when its 32 bits, unsigned, are below {@code p·2³²}.
 */
public final class Dropout {
  private static final long GAMMA = 0x9E3779B97F4A7C15L; // SplittableRandom's default increment

  private final double rate;
  private final long threshold; // p·2³²: a unit whose 32 bits are below it is dropped
  private final long[] seeds; // one per batch row

  Dropout(double rate, long[] seeds) {
    this.rate = rate;
    this.threshold = Math.round(rate * 0x1p32);
    this.seeds = seeds;
  }

  /** The mask of rows {@code rows} of partition {@code partition} under {@code noise}; null without dropout. */
  public static Dropout of(Noise noise, int partition, int[] rows) {
    if (noise.dropout() <= 0) {
      return null;
    }
    long[] seeds = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      seeds[i] = noise.rowSeed(partition, rows[i]);
    }
    return new Dropout(noise.dropout(), seeds);
  }

  /** The factor of a kept unit, {@code 1/(1−p)}. */
  public double scale() {
    return 1 / (1 - rate);
  }

  /**
   * Applies the mask to the forward pass's m×H {@code z1} and {@code a1 = relu(z1)} (row-major, m = the
   * batch's rows): a dropped unit gets {@code z1 = a1 = +0}, so the backward pass's {@code [z1 > 0]} drops
   * it too; a kept one {@code a1 ×= 1/(1−p)}. The backward pass then scales {@code dz2·W2ᵀ} by 1/(1−p).
   */
  void apply(float[] z1, float[] a1, int h) {
    float scale = (float) scale();
    for (int i = 0; i < seeds.length; i++) {
      long seed = seeds[i], bits = 0;
      for (int j = 0, o = i * h; j < h; j++) {
        bits = (j & 1) == 0 ? Noise.mix(seed += GAMMA) : bits << 32;
        int keep = (int) keepMask(bits);
        z1[o + j] = Float.intBitsToFloat(Float.floatToRawIntBits(z1[o + j]) & keep);
        a1[o + j] = Float.intBitsToFloat(Float.floatToRawIntBits(a1[o + j]) & keep) * scale;
      }
    }
  }

  /** The same in double (the reference kernel's), with the same bits. */
  void apply(double[] z1, double[] a1, int h) {
    double scale = scale();
    for (int i = 0; i < seeds.length; i++) {
      long seed = seeds[i], bits = 0;
      for (int j = 0, o = i * h; j < h; j++) {
        bits = (j & 1) == 0 ? Noise.mix(seed += GAMMA) : bits << 32;
        long keep = keepMask(bits);
        z1[o + j] = Double.longBitsToDouble(Double.doubleToRawLongBits(z1[o + j]) & keep);
        a1[o + j] = Double.longBitsToDouble(Double.doubleToRawLongBits(a1[o + j]) & keep) * scale;
      }
    }
  }

  /**
   * All ones when the high 32 bits of {@code bits}, unsigned, are at least the threshold (kept), else 0,
   * without a branch: the bits are random, so a branch would mispredict p of the time.
   */
  private long keepMask(long bits) {
    return (threshold - 1 - (bits >>> 32)) >> 63;
  }
}
