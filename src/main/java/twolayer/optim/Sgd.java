package twolayer.optim;

/**
 * Plain stochastic gradient descent: {@code w ← w − lr·dw}. On the mean gradient with regularisation,
 * {@code dw = sum/B + 2λw}, that is the {@link #linear} step {@code w ← w − (lr/B)·sum − 2λ·lr·w}, which
 * the driver takes.
 */
public final class Sgd implements Updater {
  @Override
  public void update(double[] w, double[] g, int at, int n, double learningRate) {
    for (int k = 0; k < n; k++) {
      w[k] -= learningRate * g[k];
    }
  }

  @Override
  public Linear linear(double learningRate, double reg, double inv) {
    return new Linear(learningRate * inv, 2 * reg * learningRate);
  }
}
