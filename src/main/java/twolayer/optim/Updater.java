package twolayer.optim;

/**
 * An update rule {@code (w, dw, lr) → w}, applied on the driver once per iteration to the flat
 * parameter array (see {@link twolayer.model.Shape}). Rules with state (momentum, Adam) keep it
 * inside, on the driver.
 */
public interface Updater {
  /** Updates {@code w} in place from the mean gradient {@code g} (regularisation included). */
  void update(double[] w, double[] g, double learningRate);
}
