package twolayer.agg;

import java.io.Serializable;
import twolayer.model.Noise;
import twolayer.model.Weights;

/**
 * What the driver broadcasts for one iteration of K models trained together (K = 1 for a plain run):
 * their weights and, per partition, the local rows of the shared mini-batch and its noise (see {@link Step}).
 */
public record PackedStep(Weights[] models, int[][] rows, Noise noise) implements Serializable {
  /** Model k's step. */
  public Step step(int k) {
    return new Step(models[k], rows, noise);
  }
}
