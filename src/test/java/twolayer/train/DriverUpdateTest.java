package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.agg.GradientSum;
import twolayer.agg.Step;
import twolayer.data.Block;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
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
      double[] ref = TwoLayerNet.initialWeights(S, 0.01, 7), fused = ref.clone();
      Updater refRule = Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8);
      DriverUpdate driver = new DriverUpdate(S, Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8), reg, true);
      driver.narrow(fused);
      for (int it = 0; it < 3; it++) {
        GradientSum a = sum(Weights.of(S, ref, true), block);
        assertEquals(ROWS, a.factorRows());
        double[] g = a.gradient();
        for (int i = 0; i < g.length; i++) {
          g[i] /= a.count();
        }
        double refLoss = TwoLayerNet.addRegularization(S, ref, reg, g);
        refRule.update(ref, g, lr);

        GradientSum b = sum(driver.weights(fused), block);
        double loss = driver.apply(fused, b, lr);
        assertEquals(refLoss, loss, 1e-9 * refLoss, rule); // the weights differ by float rounding after the first step
        double diff = 0, step = 0;
        float[] narrow = driver.weights(fused).floats();
        for (int i = 0; i < ref.length; i++) {
          diff = Math.max(diff, Math.abs(ref[i] - fused[i]));
          step = Math.max(step, Math.abs(g[i]) * lr);
          assertEquals((float) fused[i], narrow[i], "the broadcast copy follows w");
        }
        assertTrue(diff <= 1e-6 * step, rule + " iteration " + it + ": " + diff + " vs step " + step);
      }
    }
  }

  @Test
  void nonFiniteWeightsGiveNaN() {
    double[] w = TwoLayerNet.initialWeights(S, 0.01, 7);
    float[] x = new float[ROWS * S.d()];
    x[5] = Float.NaN;
    DriverUpdate driver = new DriverUpdate(S, Updater.of("sgd", S.size(), 0, 0, 0, 0), 0.01, true);
    driver.narrow(w);
    GradientSum sum = sum(driver.weights(w), Block.of(0, x, new int[ROWS]));
    assertTrue(Double.isNaN(driver.apply(w, sum, 0.1)));
  }

  static GradientSum sum(Weights w, Block block) {
    int[] rows = new int[block.n];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    return new GradientSum().add(new Step(w, new int[][] {rows}), block);
  }
}
