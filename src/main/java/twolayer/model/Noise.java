package twolayer.model;

import java.io.Serializable;

/**
 * The train-time noise of one iteration: augmentation of the batch's images ({@code flip}, {@code cropPad})
 * and dropout of the hidden layer ({@code dropout}, a rate). Every random choice for an example comes from
 * {@link #rowSeed}, a hash of (seed, epoch, iteration, the example's global row), so it is the same
 * whatever the partition layout, on any executor, and after a resume.
 *
 * @param starts global index of each partition's first row (the batch names rows locally)
 */
public record Noise(boolean flip, int cropPad, double dropout, long seed, int epoch, int iteration, long[] starts)
    implements Serializable {
  /** No noise: evaluation, the gradient check's default, and the defaults. */
  public static final Noise NONE = new Noise(false, 0, 0, 0, 0, 0, new long[0]);

  /** Whether the batch's images are changed before the forward pass. */
  public boolean augments() {
    return flip || cropPad > 0;
  }

  /** The seed of local row {@code row} of partition {@code partition} in this iteration. */
  public long rowSeed(int partition, int row) {
    long h = seed;
    h = mix(h ^ (epoch + 0x9E3779B97F4A7C15L));
    h = mix(h ^ (iteration + 0xBF58476D1CE4E5B9L));
    return mix(h ^ (starts[partition] + row));
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser: every input bit reaches every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
