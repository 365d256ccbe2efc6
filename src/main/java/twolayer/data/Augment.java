package twolayer.data;

import java.util.SplittableRandom;

/**
 * Train-time augmentation of one CIFAR record's 3×32×32 planes (R 1024 bytes, then G, then B, each
 * row-major 32×32), in raw byte space as torchvision's {@code RandomCrop(32, padding=P)} then
 * {@code RandomHorizontalFlip()} do before normalising: the image is padded with P black (0) pixels on
 * every side, a 32×32 window at offset (dx, dy) ∈ [−P, P]² is cut out, and it is mirrored left-right with
 * probability 1/2. Output pixel (y, x) of a plane is input pixel (y + dy, x' + dx), x' = 31 − x when
 * flipped, else x; 0 outside the image.
 */
public final class Augment {
  public static final int SIDE = 32;
  public static final int PLANE = SIDE * SIDE;
  /** Bytes of one record's pixels: the only D augmentation applies to. */
  public static final int D = 3 * PLANE;
  /** XOR'd into the row seed, so these draws are not the ones another use of the same seed makes. */
  private static final long SALT = 0x6A09E667F3BCC909L;

  private Augment() {}

  /** One record's choices: mirrored or not, and the crop's offset (0, 0 = the image itself). */
  public record Choice(boolean flip, int dx, int dy) {
    public static final Choice NONE = new Choice(false, 0, 0);
  }

  /**
   * The choices for a row seed: a {@link SplittableRandom} seeded with {@code rowSeed ^ SALT} draws
   * {@code nextBoolean()} (the flip, drawn even when {@code flip} is off, so turning it on does not move
   * the crops), then dx and dy as {@code nextInt(2P+1) − P}.
   */
  public static Choice draw(long rowSeed, boolean flip, int pad) {
    SplittableRandom r = new SplittableRandom(rowSeed ^ SALT);
    boolean f = r.nextBoolean() && flip;
    int dx = r.nextInt(2 * pad + 1) - pad;
    int dy = r.nextInt(2 * pad + 1) - pad;
    return new Choice(f, dx, dy);
  }

  /** Writes record {@code src[off, off+3072)} under {@code c} into {@code dst[0, 3072)}. */
  public static void apply(byte[] src, int off, Choice c, byte[] dst) {
    for (int p = 0; p < 3; p++) {
      for (int y = 0; y < SIDE; y++) {
        int sy = y + c.dy(), to = p * PLANE + y * SIDE;
        if (sy < 0 || sy >= SIDE) {
          java.util.Arrays.fill(dst, to, to + SIDE, (byte) 0);
          continue;
        }
        int from = off + p * PLANE + sy * SIDE;
        for (int x = 0; x < SIDE; x++) {
          int sx = (c.flip() ? SIDE - 1 - x : x) + c.dx();
          dst[to + x] = sx >= 0 && sx < SIDE ? src[from + sx] : 0;
        }
      }
    }
  }
}
