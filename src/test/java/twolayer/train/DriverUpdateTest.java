package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.assertWithin;
import static twolayer.FloatBounds.gammaDouble;
import static twolayer.FloatBounds.gammaFloat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.FloatBounds;
import twolayer.agg.GradientSum;
import twolayer.agg.Step;
import twolayer.data.Block;
import twolayer.model.FloatNet;
import twolayer.model.NetKernel;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;
import twolayer.optim.Updater;

/** Tier 1: the fused, sliced driver update equals mean, regularisation and update rule done one after another. */
class DriverUpdateTest {
  // 30,840 parameters: two slices, the first boundary inside W1, b1 and W2 inside the second
  static final Shape S = new Shape(3072, 10, 10);
  static final int ROWS = 8; // 8·3082 < 30720: the W1 gradient arrives as factors

  @Test
  void fusedUpdateEqualsTheStepsOneAfterAnother() {
    Random r = new Random(3);
    float[] x = new float[ROWS * S.d()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    int[] y = r.ints(ROWS, 0, S.c()).toArray();
    Block block = Block.of(0, x, y);
    double reg = 0.05, lr = 0.1;
    for (String rule : new String[] {"sgd", "momentum", "nesterov", "adam"}) {
      double[] ref = TwoLayerNet.initialWeights(S, 0.01, 7), w = ref.clone();
      Updater refRule = Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8);
      DriverUpdate driver = new DriverUpdate(S, Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8), reg, w, FloatNet.KERNEL);
      RuleBound rb = new RuleBound(rule, S.size());
      boolean noticed = false;
      for (int it = 0; it < 3; it++) {
        driver.copyTo(ref); // each step checked from the same weights: their roundings do not add up
        double[] w0 = ref.clone();
        GradientSum a = sum(FloatNet.KERNEL.weights(S, ref), block);
        assertEquals(ROWS, a.factorRows());
        double[] data = a.gradient();
        for (int i = 0; i < data.length; i++) {
          data[i] /= a.count();
        }
        double[] g = data.clone();
        double refLoss = TwoLayerNet.addRegularization(S, ref, reg, g);
        Map<String, double[]> before = refRule.state();
        refRule.update(ref, g, lr);

        GradientSum b = sum(driver.weights(), block);
        double loss = driver.apply(b, lr);
        // the regularisation loss is λ·Σw², a sum of positive terms (Σ|aᵢbᵢ| is the sum itself): in double
        // (γ^double_n each side), and for plain SGD from sdsdot, whose double sums come back rounded to float (u)
        double sq = ("sgd".equals(rule) ? U_FLOAT : 0) + 2 * gammaDouble(S.size() + 1);
        assertEquals(refLoss, loss, sq * refLoss, rule);
        driver.copyTo(w);
        float[] broadcast = driver.weights().floats();
        for (int i = 0; i < ref.length; i++) {
          assertEquals((float) w[i], broadcast[i], "what is broadcast is the weights");
        }
        // The driver multiplies the W1 factors out in blocks of rows, the reference in one product: both
        // sums of the same ROWS products x·dz1, each within γ_ROWS·Σ|x·dz1| of the exact sum (the rest
        // of the sums are the same bits). The rule carries that into the weights (RuleBound); plain SGD
        // multiplies the factors straight into the float weights (sgdBound).
        double[] terms = w1Terms(FloatNet.KERNEL.weights(S, w0), block);
        double[] bound;
        if ("sgd".equals(rule)) {
          bound = sgdBound(w0, ref, data, terms, reg, lr, ROWS, ROWS, true);
        } else {
          double[] dg = new double[S.size()];
          for (int i = 0; i < dg.length; i++) {
            dg[i] = (i < S.b1() ? 2 * gammaFloat(ROWS) * terms[i] / ROWS : 0) + gammaDouble(3) * Math.abs(g[i]);
          }
          bound = rb.step(dg, g, w0, ref, before, refRule.state(), lr, U_FLOAT);
        }
        assertWithin(ref, w, bound, rule + " iteration " + it);
        // the bound still tells a wrong step: the same rule without the regularisation gradient 2λw
        Updater wrongRule = Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8);
        wrongRule.restore(before);
        double[] wrong = w0.clone();
        wrongRule.update(wrong, data, lr);
        noticed |= FloatBounds.worstExcess(wrong, w, bound) > 0;
      }
      assertTrue(noticed, rule + ": a step without 2λW is outside the bound");
    }
  }

  @Test
  void doublePrecisionUpdatesTheCallersArray() {
    Random r = new Random(4);
    float[] x = new float[ROWS * S.d()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Block block = Block.of(0, x, r.ints(ROWS, 0, S.c()).toArray());
    double[] ref = TwoLayerNet.initialWeights(S, 0.01, 7), w = ref.clone();
    DriverUpdate driver = new DriverUpdate(S, Updater.of("momentum", S.size(), 0.9, 0, 0, 0), 0.05, w, TwoLayerNet.KERNEL);
    Updater refRule = Updater.of("momentum", S.size(), 0.9, 0, 0, 0);
    RuleBound rb = new RuleBound("momentum", S.size());
    for (int it = 0; it < 2; it++) {
      driver.copyTo(ref); // in double the driver's weights are w itself; the reference starts from them
      double[] w0 = ref.clone();
      GradientSum a = sum(TwoLayerNet.KERNEL.weights(S, ref), block);
      double[] g = a.gradient();
      for (int i = 0; i < g.length; i++) {
        g[i] /= a.count();
      }
      double refLoss = TwoLayerNet.addRegularization(S, ref, 0.05, g);
      Map<String, double[]> before = refRule.state();
      refRule.update(ref, g, 0.1);
      // Σw² in double on either side: γ^double_n of the sum each
      assertEquals(refLoss, driver.apply(sum(driver.weights(), block), 0.1), 2 * gammaDouble(S.size() + 1) * refLoss);
      assertTrue(driver.weights().doubles() == w, "double precision broadcasts the caller's array");
      // the same dgemm calls on the same weights give the same sums; the mean and 2λw are formed in a
      // few double roundings on either side
      double[] dg = new double[S.size()];
      for (int i = 0; i < dg.length; i++) {
        dg[i] = gammaDouble(3) * Math.abs(g[i]);
      }
      assertWithin(ref, w, rb.step(dg, g, w0, ref, before, refRule.state(), 0.1, U_DOUBLE), "iteration " + it);
    }
  }

  @Test
  void plainSgdTakesFactorsMergedIntoDenseSums() {
    // one partition's share small enough for factors, the other's sent dense: the merged sum holds a
    // dense W1 part and factors at once, which the update cannot multiply into the weights directly
    Random r = new Random(5);
    Block[] blocks = new Block[2];
    for (int p = 0; p < 2; p++) {
      float[] x = new float[ROWS * S.d()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      blocks[p] = Block.of(p, x, r.ints(ROWS, 0, S.c()).toArray());
    }
    double reg = 0.05, lr = 0.1;
    double[] ref = TwoLayerNet.initialWeights(S, 0.01, 7), w = ref.clone();
    DriverUpdate driver = new DriverUpdate(S, Updater.of("sgd", S.size(), 0, 0, 0, 0), reg, w, FloatNet.KERNEL);
    driver.copyTo(ref);
    double[] w0 = ref.clone();
    GradientSum a = mixed(FloatNet.KERNEL.weights(S, ref), blocks);
    assertTrue(a.factorRows() > 0 && a.sums().hasW1(), "factors beside a dense W1 part");
    double[] data = a.gradient();
    for (int i = 0; i < data.length; i++) {
      data[i] /= a.count();
    }
    double[] g = data.clone();
    double refLoss = TwoLayerNet.addRegularization(S, ref, reg, g);
    Updater.of("sgd", S.size(), 0, 0, 0, 0).update(ref, g, lr);
    // Σw² from sdsdot: double sums rounded to float (u), against a double sum
    assertEquals(refLoss, driver.apply(mixed(driver.weights(), blocks), lr),
        (U_FLOAT + 2 * gammaDouble(S.size() + 1)) * refLoss);
    driver.copyTo(w);
    // W1 is partition 1's dense float sum plus partition 0's factors multiplied out onto it (beta 1), in
    // blocks on the driver and in one product for the reference: each within γ_{ROWS+1}·(|dense| + Σ|x·dz1|)
    Weights wf = FloatNet.KERNEL.weights(S, w0);
    double[] dense = new GradientSum().add(new Step(Weights.of(S, wf.floats()).denseSums(), both()), blocks[1]).gradient();
    double[] terms = w1Terms(wf, blocks[0]);
    for (int i = 0; i < S.b1(); i++) {
      terms[i] += Math.abs(dense[i]);
    }
    double[] bound = sgdBound(w0, ref, data, terms, reg, lr, 2 * ROWS, ROWS + 1, false);
    assertWithin(ref, w, bound, "plain SGD");
    double[] wrong = w0.clone(); // without 2λW
    Updater.of("sgd", S.size(), 0, 0, 0, 0).update(wrong, data, lr);
    assertTrue(FloatBounds.worstExcess(wrong, w, bound) > 0, "a step without 2λW is outside the bound");
  }

  /**
   * How far plain SGD's float step may be from the double reference {@code wRef = w0 − lr·(data + 2λw0)}
   * (data the mean data gradient of a batch of B, W1's from products whose magnitudes are {@code terms},
   * k terms each). The reference's W1 product is within γ_k·terms/B of the exact one. On the driver, when
   * {@code into} (the factors multiplied straight into W1): sgemm's {@code β·W1 + α·Xᵀ·dz1} with β =
   * 1 − 2λ·lr and α = −lr/B rounded to float, γ_{k+2} of the magnitudes for the product, the α and β
   * terms and the sum, u for each rounded coefficient. Otherwise {@code t = scale·sum; t += decay·w; w −= t}
   * in float (scale and decay rounded: γ_4 of the step's magnitudes, u of the result), with W1's sums
   * from a product of their own (γ_k·terms/B again). Plus a few double roundings of the reference.
   */
  static double[] sgdBound(double[] w0, double[] wRef, double[] data, double[] terms, double reg, double lr,
      int batch, int k, boolean into) {
    double[] bound = new double[w0.length];
    double beta = 1 - 2 * reg * lr, alpha = lr / batch;
    for (int i = 0; i < bound.length; i++) {
      double decay = S.isWeight(i) ? 2 * reg * lr * Math.abs(w0[i]) : 0, step = lr * Math.abs(data[i]) + decay;
      double b = gammaDouble(4) * (Math.abs(w0[i]) + step);
      if (i < S.b1()) {
        double product = gammaFloat(k) * alpha * terms[i]; // the reference's own product
        if (into) {
          b += gammaFloat(k + 3) * (beta * Math.abs(w0[i]) + alpha * terms[i]) + product;
        } else {
          b += U_FLOAT * Math.abs(wRef[i]) + gammaFloat(4) * step + 2 * product;
        }
      } else {
        b += U_FLOAT * Math.abs(wRef[i]) + gammaFloat(4) * step;
      }
      bound[i] = b;
    }
    return bound;
  }

  /**
   * The error of an update rule's step carried into the weights: given a bound δg of how far the
   * driver's mean gradient may be from the reference's, the weights after the step, from the same weights
   * w0, differ by at most what the rule makes of δg, plus the differences its state carries from earlier
   * steps (velocity; Adam's moments), its own double roundings (a few of 2⁻⁵³ each) and the rounding of the
   * result to the weights' precision u. Adam's step is monotone in m and in v, so its extremes over the
   * box of possible (m, v) are at the corners.
   */
  static final class RuleBound {
    final String rule;
    final double mu = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    final double[] dv, dm; // bounds of the state differences: velocity or Adam's v; Adam's m

    RuleBound(String rule, int n) {
      this.rule = rule;
      this.dv = new double[n];
      this.dm = new double[n];
    }

    double[] step(double[] dg, double[] g, double[] w0, double[] wRef, Map<String, double[]> before,
        Map<String, double[]> after, double lr, double u) {
      double[] bound = new double[w0.length];
      for (int i = 0; i < bound.length; i++) {
        double out = (u + U_DOUBLE) * Math.abs(wRef[i]);
        switch (rule) {
          case "sgd" -> bound[i] = lr * dg[i] + gammaDouble(2) * (Math.abs(w0[i]) + lr * Math.abs(g[i])) + out;
          case "momentum", "nesterov" -> {
            double v0 = before.get("velocity")[i], v1 = after.get("velocity")[i];
            double dv1 = mu * dv[i] + lr * dg[i] + gammaDouble(3) * (mu * Math.abs(v0) + lr * Math.abs(g[i]));
            bound[i] = "momentum".equals(rule) ? dv1 + out
                : mu * dv[i] + (1 + mu) * dv1 + gammaDouble(5) * (Math.abs(w0[i]) + mu * Math.abs(v0) + (1 + mu) * Math.abs(v1)) + out;
            dv[i] = dv1;
          }
          case "adam" -> {
            double m0 = before.get("m")[i], v0 = before.get("v")[i], m1 = after.get("m")[i], v1 = after.get("v")[i];
            double t = after.get("t")[0], c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
            double dm1 = beta1 * dm[i] + (1 - beta1) * dg[i] + gammaDouble(3) * (beta1 * Math.abs(m0) + (1 - beta1) * Math.abs(g[i]));
            double dv1 = beta2 * dv[i] + (1 - beta2) * (2 * Math.abs(g[i]) * dg[i] + dg[i] * dg[i])
                + gammaDouble(4) * (beta2 * v0 + (1 - beta2) * g[i] * g[i]);
            double s = adamStep(m1, v1, c1, c2, lr), worst = 0;
            for (double m : new double[] {m1 - dm1, m1 + dm1}) {
              for (double v : new double[] {Math.max(0, v1 - dv1), v1 + dv1}) {
                worst = Math.max(worst, Math.abs(adamStep(m, v, c1, c2, lr) - s));
              }
            }
            bound[i] = worst + gammaDouble(8) * (Math.abs(s) + Math.abs(w0[i])) + out;
            dm[i] = dm1;
            dv[i] = dv1;
          }
          default -> throw new IllegalArgumentException(rule);
        }
      }
      return bound;
    }

    double adamStep(double m, double v, double c1, double c2, double lr) {
      return lr * (m / c1) / (Math.sqrt(v / c2) + eps);
    }
  }

  /** |X|ᵀ·|dz1| (D×H, in the W1 part of the layout) of the float kernel on all of the block's rows. */
  static double[] w1Terms(Weights w, Block block) {
    Shape s = w.shape();
    Workspace ws = new Workspace();
    float[] x = ws.rows(block.x, 0, block.n).clone();
    FloatNet.lossAndGradient(s, w.floats(), x, 0, block.y, 0, block.n, new float[s.size() - s.b1()], ws, false,
        true);
    double[] t = new double[s.size()];
    double[] p = FloatBounds.absProduct(true, s.d(), s.h(), block.n, x, 0, ws.lastDz1(), 0);
    System.arraycopy(p, 0, t, s.w1(), p.length);
    return t;
  }

  /** Partition 0's rows as factors merged with partition 1's rows as dense sums. */
  private static GradientSum mixed(Weights w, Block[] blocks) {
    int[][] both = both();
    Weights dense = Weights.of(w.shape(), w.floats()).denseSums();
    GradientSum a = new GradientSum().add(new Step(w, both), blocks[0]);
    return a.merge(new GradientSum().add(new Step(dense, both), blocks[1]));
  }

  static int[][] both() {
    int[] rows = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      rows[i] = i;
    }
    return new int[][] {rows, rows};
  }

  @Test
  void nonFiniteWeightsGiveNaN() {
    for (NetKernel kernel : new NetKernel[] {FloatNet.KERNEL, TwoLayerNet.KERNEL}) {
      double[] w = TwoLayerNet.initialWeights(S, 0.01, 7);
      float[] x = new float[ROWS * S.d()];
      x[5] = Float.NaN;
      DriverUpdate driver = new DriverUpdate(S, Updater.of("sgd", S.size(), 0, 0, 0, 0), 0.01, w, kernel);
      Block bad = Block.of(0, x, new int[ROWS]);
      assertTrue(Double.isFinite(driver.apply(sum(driver.weights(), bad), 0.1)), "the weights before were finite");
      // the NaN gradient made weights NaN: the next iteration's loss shows it
      assertTrue(Double.isNaN(driver.apply(sum(driver.weights(), Block.of(0, new float[ROWS * S.d()], new int[ROWS])), 0.1)));
    }
  }

  static GradientSum sum(Weights w, Block block) {
    int[] rows = new int[block.n];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    return new GradientSum().add(new Step(w, new int[][] {rows}), block);
  }
}
