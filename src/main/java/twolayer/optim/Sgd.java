package twolayer.optim;

/** Plain stochastic gradient descent: {@code w ← w − lr·dw}. */
public final class Sgd implements Updater {
  @Override
  public void update(double[] w, double[] g, int at, int n, double learningRate) {
    for (int k = 0; k < n; k++) {
      w[k] -= learningRate * g[k];
    }
  }
}
