package twolayer.train;

/**
 * A model's learning rate, iteration by iteration: {@code step} multiplies it by {@code lr-decay} after every
 * epoch, {@code cosine} sets it to {@code lr₀ · ½(1 + cos(π·it/T))} before each iteration (from lr₀ to 0).
 */
final class LearningRate {
  private final TrainConfig.Optim optim;
  private double lr;

  /** Starts at {@code start}: the configured rate, or a resumed run's. */
  LearningRate(TrainConfig.Optim optim, double start) {
    this.optim = optim;
    this.lr = start;
  }

  double get() {
    return lr;
  }

  /** Before iteration {@code it} (0-based) of {@code total}. */
  void beforeIteration(int it, int total) {
    if (optim.schedule().equals("cosine")) {
      lr = optim.learningRate() * 0.5 * (1 + Math.cos(Math.PI * it / total));
    }
  }

  /** After the last iteration of an epoch (its evaluation already logged with the epoch's rate). */
  void afterEpoch() {
    if (optim.schedule().equals("step")) {
      lr *= optim.lrDecay();
    }
  }
}
