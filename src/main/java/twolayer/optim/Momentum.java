package twolayer.optim;

import java.util.Map;

/**
 * SGD with momentum (Polyak 1964): {@code v ← μv − lr·dw; w ← w + v}; with {@code nesterov}, the
 * look-ahead form of Sutskever et al. (2013) as CS231n writes it:
 * {@code v' ← μv − lr·dw; w ← w − μv + (1 + μ)v'}.
 */
public final class Momentum implements Updater {
  private final double mu;
  private final boolean nesterov;
  private double[] v;

  public Momentum(int size, double mu, boolean nesterov) {
    this.v = new double[size];
    this.mu = mu;
    this.nesterov = nesterov;
  }

  @Override
  public void update(double[] w, double[] g, int at, int n, double lr) {
    for (int k = 0, i = at; k < n; k++, i++) {
      double prev = v[i];
      v[i] = mu * v[i] - lr * g[k];
      w[k] += nesterov ? -mu * prev + (1 + mu) * v[i] : v[i];
    }
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of("velocity", v.clone());
  }

  @Override
  public void restore(Map<String, double[]> state) {
    v = state.get("velocity").clone();
  }
}
