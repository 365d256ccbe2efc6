package twolayer.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Compares the analytic gradient of the full loss {@code (1/n)Σ −ln p_y + λ(ΣW1² + ΣW2²)} with centred
 * differences {@code (L(w+h) − L(w−h)) / 2h} on a small random problem, in double precision, with or
 * without the hidden layer's dropout.
 */
public final class GradCheck {
  private GradCheck() {}

  /** Largest relative error {@code |a − num| / max(1e-8, |a| + |num|)} for W1, b1, W2, b2. */
  public static Map<String, Double> run(Shape s, int n, double reg, long seed) {
    return run(s, n, reg, seed, 0);
  }

  /**
   * The same with inverted dropout at rate {@code dropout} on the hidden layer: one fixed mask (the rows of
   * one iteration's {@link Noise}), the same for the analytic gradient and every loss of the differences.
   */
  public static Map<String, Double> run(Shape s, int n, double reg, long seed, double dropout) {
    Random rnd = new Random(seed);
    double[] x = new double[n * s.d()];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(s.c());
    }
    double[] w = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian() * 0.5; // biases too, so their gradients are not special-cased zeros
    }
    Dropout drop = Dropout.of(new Noise(false, 0, dropout, seed, 0, 0, new long[1]), 0, IntStream.range(0, n).toArray());
    double[] grad = new double[s.size()];
    Workspace ws = new Workspace();
    TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, n, grad, ws, true, false, drop);
    for (int i = 0; i < grad.length; i++) {
      grad[i] /= n;
    }
    TwoLayerNet.addRegularization(s, w, reg, grad);

    double h = 1e-5;
    double[] err = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      double keep = w[i];
      w[i] = keep + h;
      double plus = loss(s, w, x, y, n, reg, ws, drop);
      w[i] = keep - h;
      double minus = loss(s, w, x, y, n, reg, ws, drop);
      w[i] = keep;
      double num = (plus - minus) / (2 * h);
      err[i] = Math.abs(grad[i] - num) / Math.max(1e-8, Math.abs(grad[i]) + Math.abs(num));
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("W1", max(err, s.w1(), s.b1()));
    out.put("b1", max(err, s.b1(), s.w2()));
    out.put("W2", max(err, s.w2(), s.b2()));
    out.put("b2", max(err, s.b2(), s.size()));
    return out;
  }

  /** The full mean loss with regularisation. */
  public static double loss(Shape s, double[] w, double[] x, int[] y, int n, double reg, Workspace ws) {
    return loss(s, w, x, y, n, reg, ws, null);
  }

  private static double loss(Shape s, double[] w, double[] x, int[] y, int n, double reg, Workspace ws, Dropout drop) {
    double[] scratch = new double[s.size()];
    double sum = TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, n, scratch, ws, true, false, drop);
    return sum / n + TwoLayerNet.addRegularization(s, w, reg, null);
  }

  private static double max(double[] a, int from, int to) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Math.max(m, a[i]);
    }
    return m;
  }
}
