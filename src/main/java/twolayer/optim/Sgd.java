package twolayer.optim;

/** Plain stochastic gradient descent: {@code w ← w − lr·dw}. */
public final class Sgd implements Updater {
  @Override
  public void update(double[] w, double[] g, double learningRate, int from, int to) {
    for (int i = from; i < to; i++) {
      w[i] -= learningRate * g[i];
    }
  }
}
