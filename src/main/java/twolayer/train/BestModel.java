package twolayer.train;

import java.util.function.Supplier;

/**
 * The best validation accuracy seen at an epoch end, for early stopping: when it was, how many epochs have
 * passed since, and (only when early stopping is on, {@code patience > 0}) a copy of its weights.
 */
final class BestModel {
  private final int patience;
  private double accuracy = -1;
  private int iteration;
  private int epochsSince;
  private double[] weights;

  BestModel(int patience) {
    this.patience = patience;
  }

  /** An epoch ended at {@code iteration} (1-based) with this accuracy; {@code w} is read only if it is kept. */
  void epochEnd(double valAccuracy, int iteration, Supplier<double[]> w) {
    if (valAccuracy > accuracy) {
      accuracy = valAccuracy;
      this.iteration = iteration;
      epochsSince = 0;
      weights = patience > 0 ? w.get().clone() : null;
    } else {
      epochsSince++;
    }
  }

  /** True when early stopping is on and {@code patience} epochs have brought nothing better. */
  boolean exhausted() {
    return patience > 0 && epochsSince >= patience;
  }

  /** True when weights are kept and they are better than the final model's {@code valAccuracy}. */
  boolean beats(double valAccuracy) {
    return weights != null && accuracy > valAccuracy;
  }

  double accuracy() {
    return accuracy;
  }

  int iteration() {
    return iteration;
  }

  int epochsSince() {
    return epochsSince;
  }

  double[] weights() {
    return weights;
  }
}
