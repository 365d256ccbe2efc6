package twolayer.optim;

import java.util.Map;

/**
 * Adam (Kingma and Ba 2015): {@code m ← β1·m + (1−β1)·dw; v ← β2·v + (1−β2)·dw²; t ← t + 1;
 * w ← w − lr·(m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)}.
 */
public final class Adam implements Updater {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private double[] m;
  private double[] v;
  private long t;

  public Adam(int size, double beta1, double beta2, double eps) {
    this.m = new double[size];
    this.v = new double[size];
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  @Override
  public void begin() {
    t++;
  }

  @Override
  public void update(double[] w, double[] g, int at, int n, double lr) {
    double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
    for (int k = 0, i = at; k < n; k++, i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[k];
      v[i] = beta2 * v[i] + (1 - beta2) * g[k] * g[k];
      w[k] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
    }
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of("m", m.clone(), "v", v.clone(), "t", new double[] {t});
  }

  @Override
  public void restore(Map<String, double[]> state) {
    m = state.get("m").clone();
    v = state.get("v").clone();
    t = (long) state.get("t")[0];
  }
}
