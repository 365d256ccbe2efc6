package twolayer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.gammaDouble;

import org.junit.jupiter.api.Test;

/** Tier 1: each update rule against its formula, step by step, and its state round trip. */
class UpdaterTest {
  @Test
  void sgdStepsAgainstTheGradient() {
    double[] w = {1, -2};
    Updater.of("sgd", 2, 0, 0, 0, 0).update(w, new double[] {0.5, -1}, 0.1);
    // lr·g and w − lr·g each rounded, and the literal: γ_3 of |w| + |lr·g|
    assertEquals(0.95, w[0], gammaDouble(3) * (1 + 0.05));
    assertEquals(-1.9, w[1], gammaDouble(3) * (2 + 0.1));
  }

  @Test
  void momentumAccumulatesVelocity() {
    Updater u = Updater.of("momentum", 1, 0.9, 0, 0, 0);
    double[] w = {1};
    u.update(w, new double[] {1}, 0.1); // v = -0.1, w = 0.9
    u.update(w, new double[] {1}, 0.1); // v = 0.9·-0.1 - 0.1 = -0.19, w = 0.71
    // two steps of 4 roundings and the literal, on values of at most 1.29 in magnitude
    assertEquals(0.71, w[0], gammaDouble(9) * 1.29);
    assertEquals(-0.19, u.state().get("velocity")[0], gammaDouble(9) * 1.29);
  }

  @Test
  void nesterovUsesTheLookAheadForm() {
    Updater u = Updater.of("nesterov", 1, 0.9, 0, 0, 0);
    double[] w = {1};
    u.update(w, new double[] {1}, 0.1); // v' = -0.1; w += -0.9·0 + 1.9·-0.1 = 0.81
    assertEquals(0.81, w[0], gammaDouble(9) * 1.19); // 8 roundings and the literal, values of at most 1.19
    u.update(w, new double[] {1}, 0.1); // v' = -0.19; w += -0.9·-0.1 + 1.9·-0.19 = 0.81 + 0.09 - 0.361
    assertEquals(0.539, w[0], gammaDouble(17) * 1.55); // 16 roundings and the literal, values of at most 1.55
  }

  @Test
  void adamCorrectsItsBiasAndStepsByAboutTheLearningRate() {
    Updater u = Updater.of("adam", 2, 0, 0.9, 0.999, 1e-8);
    double[] w = {0, 0};
    u.update(w, new double[] {3, -0.002}, 0.01); // first step: m̂ = g, v̂ = g², step = lr·g/(|g| + ε)
    assertEquals(-0.01 * 3 / (3 + 1e-8), w[0], adamRounding(1, 0.01));
    assertEquals(0.01 * 0.002 / (0.002 + 1e-8), w[1], adamRounding(1, 0.01));
    assertTrue(Math.abs(w[1] - 0.01) > adamRounding(1, 0.01), "ε shows against the bound");
    u.update(w, new double[] {3, -0.002}, 0.01); // the same gradient: the same step again
    assertEquals(-0.02 * 3 / (3 + 1e-8), w[0], adamRounding(2, 0.01));
    assertEquals(2.0, u.state().get("t")[0]);
  }

  /**
   * Rounding bound of t Adam steps of size about lr (β2 = 0.999): some ten roundings a step, and the bias
   * correction 1 − β2ᵗ, a cancellation whose few ulps of 1 are relative errors of 2⁻⁵³/(1 − β2ᵗ) ≥ 1000 times
   * larger (√ halves it, the second moment's own (1 − β2)·g² adds as much again).
   */
  static double adamRounding(int t, double lr) {
    return t * lr * (gammaDouble(12) + 4 * U_DOUBLE / (1 - 0.999));
  }

  @Test
  void stateRoundTripContinuesIdentically() {
    for (String rule : new String[] {"momentum", "nesterov", "adam"}) {
      Updater a = Updater.of(rule, 3, 0.9, 0.9, 0.999, 1e-8), b = Updater.of(rule, 3, 0.9, 0.9, 0.999, 1e-8);
      double[] wa = {1, 2, 3}, g = {0.3, -0.1, 0.7};
      a.update(wa, g, 0.05);
      double[] wb = wa.clone();
      b.restore(a.state());
      a.update(wa, g, 0.05);
      b.update(wb, g, 0.05);
      assertArrayEquals(wa, wb, 0.0, rule);
    }
  }
}
