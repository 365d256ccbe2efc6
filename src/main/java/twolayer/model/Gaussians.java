package twolayer.model;

/**
 * The Gaussian sequence of {@code new java.util.Random(seed).nextGaussian()}, bit for bit: the JDK
 * specifies both its 48-bit linear congruential generator and the polar method it draws with. This
 * copy has no atomic seed and no lock, which the weights' initialisation (1.5 M draws at H=500) pays
 * for on every draw: 70-77 ms against 176-188 ms under C1, the JVM a local master runs.
 */
final class Gaussians {
  private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
  private long seed;
  private double nextNext;
  private boolean haveNext;

  Gaussians(long seed) {
    this.seed = (seed ^ MULTIPLIER) & MASK; // Random(long)'s scrambling
  }

  private int next(int bits) {
    seed = (seed * MULTIPLIER + ADDEND) & MASK;
    return (int) (seed >>> (48 - bits));
  }

  private double nextDouble() {
    return (((long) next(26) << 27) + next(27)) * 0x1.0p-53;
  }

  double next() {
    if (haveNext) {
      haveNext = false;
      return nextNext;
    }
    double v1, v2, s;
    do { // a point uniform in the unit disc, as Random draws it
      v1 = 2 * nextDouble() - 1;
      v2 = 2 * nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    nextNext = v2 * multiplier;
    haveNext = true;
    return v1 * multiplier;
  }
}
