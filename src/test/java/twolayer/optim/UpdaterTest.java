package twolayer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Tier 1: each update rule against its formula, step by step, and its state round trip. */
class UpdaterTest {
  @Test
  void sgdStepsAgainstTheGradient() {
    double[] w = {1, -2};
    Updater.of("sgd", 2, 0, 0, 0, 0).update(w, new double[] {0.5, -1}, 0.1);
    assertArrayEquals(new double[] {0.95, -1.9}, w, 1e-15);
  }

  @Test
  void momentumAccumulatesVelocity() {
    Updater u = Updater.of("momentum", 1, 0.9, 0, 0, 0);
    double[] w = {1};
    u.update(w, new double[] {1}, 0.1); // v = -0.1, w = 0.9
    u.update(w, new double[] {1}, 0.1); // v = 0.9·-0.1 - 0.1 = -0.19, w = 0.71
    assertEquals(0.71, w[0], 1e-15);
    assertEquals(-0.19, u.state().get("velocity")[0], 1e-15);
  }

  @Test
  void nesterovUsesTheLookAheadForm() {
    Updater u = Updater.of("nesterov", 1, 0.9, 0, 0, 0);
    double[] w = {1};
    u.update(w, new double[] {1}, 0.1); // v' = -0.1; w += -0.9·0 + 1.9·-0.1 = 0.81
    assertEquals(0.81, w[0], 1e-15);
    u.update(w, new double[] {1}, 0.1); // v' = -0.19; w += -0.9·-0.1 + 1.9·-0.19 = 0.81 + 0.09 - 0.361
    assertEquals(0.539, w[0], 1e-15);
  }

  @Test
  void adamCorrectsItsBiasAndStepsByAboutTheLearningRate() {
    Updater u = Updater.of("adam", 2, 0, 0.9, 0.999, 1e-8);
    double[] w = {0, 0};
    u.update(w, new double[] {3, -0.002}, 0.01); // first step: m̂ = g, v̂ = g², step = lr·g/|g|
    assertEquals(-0.01, w[0], 1e-9);
    assertEquals(0.01, w[1], 1e-7);
    u.update(w, new double[] {3, -0.002}, 0.01);
    assertEquals(-0.02, w[0], 1e-9);
    assertEquals(2.0, u.state().get("t")[0]);
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
