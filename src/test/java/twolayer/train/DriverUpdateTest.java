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
      double[] ref = TwoLayerNet.initialWeights(S, 0.01, 7), w = ref.clone();
      Updater refRule = Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8);
      DriverUpdate driver = new DriverUpdate(S, Updater.of(rule, S.size(), 0.9, 0.9, 0.999, 1e-8), reg, w, true);
      for (int it = 0; it < 3; it++) {
        driver.copyTo(ref); // each step checked from the same weights: their roundings do not add up
        GradientSum a = sum(Weights.of(S, ref, true), block);
        assertEquals(ROWS, a.factorRows());
        double[] g = a.gradient();
        for (int i = 0; i < g.length; i++) {
          g[i] /= a.count();
        }
        double refLoss = TwoLayerNet.addRegularization(S, ref, reg, g);
        refRule.update(ref, g, lr);

        GradientSum b = sum(driver.weights(), block);
        double loss = driver.apply(b, lr);
        // plain SGD on floats takes Σw² from sdsdot, whose double sum comes back rounded to float
        assertEquals(refLoss, loss, ("sgd".equals(rule) ? 1e-7 : 1e-9) * refLoss, rule);
        driver.copyTo(w);
        float[] broadcast = driver.weights().floats();
        for (int i = 0; i < ref.length; i++) {
          // float weights: a rounding or two apart (plain SGD computes in float), and the blocked
          // product on the driver may round the gradient differently
          double step = Math.abs(g[i]) * lr;
          assertEquals(ref[i], w[i], 1e-6 * step + 2 * Math.ulp((float) ref[i]), rule + " iteration " + it + " at " + i);
          assertEquals((float) w[i], broadcast[i], "what is broadcast is the weights");
        }
      }
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
    DriverUpdate driver = new DriverUpdate(S, Updater.of("momentum", S.size(), 0.9, 0, 0, 0), 0.05, w, false);
    Updater refRule = Updater.of("momentum", S.size(), 0.9, 0, 0, 0);
    for (int it = 0; it < 2; it++) {
      GradientSum a = sum(Weights.of(S, ref, false), block);
      double[] g = a.gradient();
      for (int i = 0; i < g.length; i++) {
        g[i] /= a.count();
      }
      double refLoss = TwoLayerNet.addRegularization(S, ref, 0.05, g);
      refRule.update(ref, g, 0.1);
      assertEquals(refLoss, driver.apply(sum(driver.weights(), block), 0.1), 1e-12 * refLoss);
      assertTrue(driver.weights().doubles() == w, "double precision broadcasts the caller's array");
      for (int i = 0; i < ref.length; i++) {
        assertEquals(ref[i], w[i], 1e-15 + 1e-12 * Math.abs(ref[i]));
      }
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
    DriverUpdate driver = new DriverUpdate(S, Updater.of("sgd", S.size(), 0, 0, 0, 0), reg, w, true);
    driver.copyTo(ref);
    GradientSum a = mixed(Weights.of(S, ref, true), blocks);
    assertTrue(a.factorRows() > 0 && a.floatBase() == 0, "factors beside a dense W1 part");
    double[] g = a.gradient();
    for (int i = 0; i < g.length; i++) {
      g[i] /= a.count();
    }
    double refLoss = TwoLayerNet.addRegularization(S, ref, reg, g);
    Updater.of("sgd", S.size(), 0, 0, 0, 0).update(ref, g, lr);
    assertEquals(refLoss, driver.apply(mixed(driver.weights(), blocks), lr), 1e-7 * refLoss); // sdsdot's float result
    driver.copyTo(w);
    for (int i = 0; i < ref.length; i++) {
      assertEquals(ref[i], w[i], 1e-6 * Math.abs(g[i]) * lr + 2 * Math.ulp((float) ref[i]), "at " + i);
    }
  }

  /** Partition 0's rows as factors merged with partition 1's rows as dense sums. */
  private static GradientSum mixed(Weights w, Block[] blocks) {
    int[] rows = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      rows[i] = i;
    }
    int[][] both = {rows, rows};
    Weights dense = Weights.of(w.shape(), w.floats()).denseSums();
    GradientSum a = new GradientSum().add(new Step(w, both), blocks[0]);
    return a.merge(new GradientSum().add(new Step(dense, both), blocks[1]));
  }

  @Test
  void nonFiniteWeightsGiveNaN() {
    for (boolean single : new boolean[] {true, false}) {
      double[] w = TwoLayerNet.initialWeights(S, 0.01, 7);
      float[] x = new float[ROWS * S.d()];
      x[5] = Float.NaN;
      DriverUpdate driver = new DriverUpdate(S, Updater.of("sgd", S.size(), 0, 0, 0, 0), 0.01, w, single);
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
