package twolayer.optim;

import java.util.Map;

/**
 * An update rule {@code (w, dw, lr) → w}, applied on the driver once per iteration to the flat
 * parameter array (see {@link twolayer.model.Shape}), after the mean gradient (regularisation
 * included) is known. Rules with state (velocity, moments) keep it here, on the driver, and hand it to
 * checkpoints through {@link #state()} / {@link #restore}.
 */
public interface Updater {
  /** Updates {@code w} in place from the mean gradient {@code g}. */
  default void update(double[] w, double[] g, double learningRate) {
    begin();
    update(w, g, 0, w.length, learningRate);
  }

  /** Starts an iteration: rules that count steps count here, once, before the slices are updated. */
  default void begin() {}

  /**
   * Updates the {@code n} parameters from {@code at} on: {@code w[k]} and {@code g[k]} (k &lt; n) are
   * parameter {@code at + k}, so the driver can pass a slice in cache-sized scratch arrays (widened
   * from the float weights); the rule's own state is indexed {@code at + k}. Every rule is
   * element-wise, so slices are independent and the driver updates them on all its cores at once.
   */
  void update(double[] w, double[] g, int at, int n, double learningRate);

  /**
   * The step as {@code w ← w − scale·sum − decay·w} (decay on the weights, not the biases) for the batch's
   * summed gradient, when the rule is that linear, else null: the driver then takes it in the weights'
   * own precision, in place, fused with the W1 product (see {@code train.DriverUpdate}).
   *
   * @param inv 1/B; @param reg λ of {@code λ(ΣW1² + ΣW2²)}
   */
  default Linear linear(double learningRate, double reg, double inv) {
    return null;
  }

  /** A step {@code w ← w − scale·sum − decay·w}. */
  record Linear(double scale, double decay) {}

  /** The rule's state as named arrays (a copy of nothing for plain SGD). */
  default Map<String, double[]> state() {
    return Map.of();
  }

  /** Puts back a state saved by {@link #state()}. */
  default void restore(Map<String, double[]> state) {}

  /**
   * The rule named by {@code update-rule}.
   *
   * @param momentum μ for momentum and Nesterov; @param beta1 @param beta2 @param eps Adam's
   */
  static Updater of(String name, int size, double momentum, double beta1, double beta2, double eps) {
    return switch (name) {
      case "sgd" -> new Sgd();
      case "momentum" -> new Momentum(size, momentum, false);
      case "nesterov" -> new Momentum(size, momentum, true);
      case "adam" -> new Adam(size, beta1, beta2, eps);
      default -> throw new IllegalArgumentException("unknown update rule " + name);
    };
  }
}
