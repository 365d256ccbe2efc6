package twolayer.optim;

/** Plain stochastic gradient descent: {@code w ← w − lr·dw}. */
public final class Sgd implements Updater {
  @Override
  public void update(double[] w, double[] g, double learningRate) {
    for (int i = 0; i < w.length; i++) {
      w[i] -= learningRate * g[i];
    }
  }
}
