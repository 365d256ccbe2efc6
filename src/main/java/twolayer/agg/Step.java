package twolayer.agg;

import java.io.Serializable;
import twolayer.model.Noise;
import twolayer.model.Weights;

/**
 * What the driver broadcasts for one iteration: the weights, per partition the local row indices of
 * that partition's share of the mini-batch (sorted; empty when it has none), and the iteration's noise.
 */
public record Step(Weights weights, int[][] rows, Noise noise) implements Serializable {
  /** A step without train-time noise. */
  public Step(Weights weights, int[][] rows) {
    this(weights, rows, Noise.NONE);
  }
}
