package twolayer.model;

import java.io.Serializable;

/**
 * Sizes of the network and the layout of its one flat parameter array:
 * {@code [W1 (D×H) | b1 (H) | W2 (H×C) | b2 (C)]}, matrices row-major. One array makes broadcast,
 * merge, update and checkpoint single array operations.
 */
public record Shape(int d, int h, int c) implements Serializable {
  public Shape {
    if (d <= 0 || h <= 0 || c <= 0) {
      throw new IllegalArgumentException("bad shape D=" + d + " H=" + h + " C=" + c);
    }
    if ((long) d * h + h + (long) h * c + c > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("network too large for one array: D=" + d + " H=" + h);
    }
  }

  public int w1() {
    return 0;
  }

  public int b1() {
    return d * h;
  }

  public int w2() {
    return d * h + h;
  }

  public int b2() {
    return d * h + h + h * c;
  }

  /** Number of parameters. */
  public int size() {
    return b2() + c;
  }

  /** True for the offsets of W1 and W2 (the regularised weights), false for biases. */
  public boolean isWeight(int i) {
    return i < b1() || (i >= w2() && i < b2());
  }
}
