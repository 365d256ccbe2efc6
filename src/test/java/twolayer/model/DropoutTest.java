package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.assertWithin;
import static twolayer.FloatBounds.gamma;
import static twolayer.FloatBounds.gammaDouble;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import twolayer.NetBounds;

/** Tier 1: the hidden layer's inverted dropout, its mask and both kernels under it; no Spark. */
class DropoutTest {
  @Test
  void maskBitsAreThoseOfASplittableRandomOfTheRowSeed() {
    Noise noise = new Noise(false, 0, 0.3, 5, 1, 7, new long[] {0, 100});
    int[] rows = {4, 9};
    int h = 9; // odd: the last unit takes the high half of its draw alone
    float[] mask = mask(Dropout.of(noise, 1, rows), rows.length, h);
    long threshold = Math.round(0.3 * 0x1p32);
    for (int i = 0; i < rows.length; i++) {
      SplittableRandom r = new SplittableRandom(noise.rowSeed(1, rows[i]));
      long bits = 0;
      for (int j = 0; j < h; j++) {
        bits = j % 2 == 0 ? r.nextLong() : bits;
        long u = j % 2 == 0 ? bits >>> 32 : bits & 0xFFFFFFFFL;
        assertEquals(u < threshold ? 0f : (float) (1 / 0.7), mask[i * h + j], "row " + i + ", unit " + j);
      }
    }
    assertNull(Dropout.of(Noise.NONE, 0, rows), "rate 0: no mask, the kernels' plain path");
  }

  @Test
  void aboutPOfTheUnitsAreDroppedAndTheMaskFollowsTheExampleNotTheLayout() {
    int m = 100, h = 1001;
    Noise two = new Noise(false, 0, 0.3, 9, 2, 40, new long[] {0, 50});
    int[] rows = java.util.stream.IntStream.range(0, m).toArray();
    float[] mask = mask(Dropout.of(two, 0, rows), m, h);
    long dropped = 0;
    for (float v : mask) {
      dropped += v == 0 ? 1 : 0;
    }
    double n = (double) m * h, sigma = Math.sqrt(0.3 * 0.7 / n);
    assertEquals(0.3, dropped / n, 5 * sigma, dropped + " of " + (long) n);
    // global rows 53, 60 and 25 under two partition layouts: local rows 3, 10 of partition 1 or 2, 25 of 0 or 5 of 1
    Noise three = new Noise(false, 0, 0.3, 9, 2, 40, new long[] {0, 20, 50});
    assertArrayEquals(mask(Dropout.of(two, 1, new int[] {3, 10}), 2, h), mask(Dropout.of(three, 2, new int[] {3, 10}), 2, h));
    assertArrayEquals(mask(Dropout.of(two, 0, new int[] {25}), 1, h), mask(Dropout.of(three, 1, new int[] {5}), 1, h));
    // and a row's place in the batch does not matter; the next iteration draws another mask
    assertArrayEquals(Arrays.copyOfRange(mask, 7 * h, 8 * h), mask(Dropout.of(two, 0, new int[] {7}), 1, h));
    Noise next = new Noise(false, 0, 0.3, 9, 2, 41, new long[] {0, 50});
    assertNotEquals(Arrays.toString(mask(Dropout.of(next, 0, new int[] {7}), 1, h)),
        Arrays.toString(mask(Dropout.of(two, 0, new int[] {7}), 1, h)));
  }

  /**
   * Under dropout, example r is the plain net with W2's row j times its factor f_j (0 or 1/(1−p)): the same
   * z2, and for W1, b1, b2 the same gradient; W2's is f_j·(that net's). With p = 1/2 the factor 2 scales
   * exactly, so each kernel is within NetBounds of those plain nets, summed over the batch's rows.
   */
  @Test
  void eachExampleIsThePlainNetWithItsDroppedUnitsOutOfW2InBothKernels() {
    Shape s = new Shape(20, 16, 5);
    int m = 6;
    Random rnd = new Random(21);
    float[] xf = new float[m * s.d()];
    double[] x = new double[xf.length];
    for (int i = 0; i < xf.length; i++) {
      xf[i] = (float) rnd.nextGaussian();
      x[i] = xf[i];
    }
    int[] y = rnd.ints(m, 0, s.c()).toArray();
    double[] w = FloatNetTest.widen(FloatNet.KERNEL.weights(s, TwoLayerNet.initialWeights(s, 0.5, 3)).floats());
    Noise noise = new Noise(false, 0, 0.5, 1, 0, 3, new long[] {0});
    int[] rows = java.util.stream.IntStream.range(0, m).toArray();
    Dropout drop = Dropout.of(noise, 0, rows);
    float[] f = mask(drop, m, s.h());

    double[] expected = new double[s.size()], boundF = new double[s.size()], boundD = new double[s.size()];
    double expectedLoss = 0, lossF = 0, lossD = 0;
    for (int r = 0; r < m; r++) {
      double[] wr = w.clone();
      for (int j = 0; j < s.h(); j++) {
        for (int k = 0; k < s.c(); k++) {
          wr[s.w2() + j * s.c() + k] *= f[r * s.h() + j];
        }
      }
      double[] g = new double[s.size()];
      double[] xr = Arrays.copyOfRange(x, r * s.d(), (r + 1) * s.d());
      expectedLoss += TwoLayerNet.lossAndGradient(s, wr, xr, 0, y, r, 1, g, new Workspace());
      NetBounds bf = NetBounds.of(s, wr, xr, y, r, 1, U_FLOAT), bd = NetBounds.of(s, wr, xr, y, r, 1, U_DOUBLE);
      for (int i = 0; i < g.length; i++) {
        double scale = s.w2() <= i && i < s.b2() ? f[r * s.h() + (i - s.w2()) / s.c()] : 1;
        expected[i] += scale * g[i];
        // each kernel's own error, the reference's, and the batch's sums over m rows in any order
        boundF[i] += scale * (bf.gradient[i] + bd.gradient[i] + gamma(m, U_FLOAT) * bf.terms[i]);
        boundD[i] += scale * (2 * bd.gradient[i] + gammaDouble(m) * bd.terms[i]);
      }
      lossF += bf.loss + bd.loss;
      lossD += 2 * bd.loss;
    }
    double[] gd = new double[s.size()];
    double ld = TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, m, gd, new Workspace(), true, false, drop);
    assertEquals(expectedLoss, ld, lossD + 2 * gammaDouble(m) * expectedLoss);
    assertWithin(expected, gd, boundD, "double kernel under dropout");
    float[] gf = new float[s.size()];
    double lf = FloatNet.lossAndGradient(s, FloatNet.KERNEL.weights(s, w).floats(), xf, 0, y, 0, m, gf,
        new Workspace(), true, false, drop);
    assertEquals(expectedLoss, lf, lossF + 2 * gammaDouble(m) * expectedLoss);
    assertWithin(expected, FloatNetTest.widen(gf), boundF, "float kernel under dropout");
    // the plain net is outside those bounds: the mask mattered
    double[] plain = new double[s.size()];
    TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, m, plain, new Workspace());
    assertTrue(twolayer.FloatBounds.worstExcess(expected, plain, boundD) > 0, "dropout changed the gradient");
  }

  @Test
  void evaluationAndScoresNeverDrop() {
    Shape s = new Shape(12, 10, 3);
    int m = 8;
    Random rnd = new Random(5);
    float[] x = new float[m * s.d()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    int[] y = rnd.ints(m, 0, s.c()).toArray();
    Weights w = FloatNet.KERNEL.weights(s, TwoLayerNet.initialWeights(s, 0.5, 8));
    long[] fresh = new long[s.c() * s.c()], after = new long[fresh.length];
    double plain = FloatNet.KERNEL.evaluate(w, Rows.of(x, s.d()), y, 0, m, fresh, 0, new Workspace());
    Workspace ws = new Workspace(); // the training pass leaves its masked z1 and a1 here
    Dropout drop = Dropout.of(new Noise(false, 0, 0.5, 2, 0, 0, new long[] {0}), 0,
        java.util.stream.IntStream.range(0, m).toArray());
    double trained = FloatNet.lossAndGradient(s, w.floats(), x, 0, y, 0, m, new float[s.size()], ws, true, false, drop);
    assertEquals(plain, FloatNet.KERNEL.evaluate(w, Rows.of(x, s.d()), y, 0, m, after, 0, ws), 0.0, "the same bits as without");
    assertArrayEquals(fresh, after);
    assertNotEquals(plain, trained, "the training pass did drop");
    double[] wd = FloatNetTest.widen(w.floats()), xd = FloatNetTest.widen(x);
    assertArrayEquals(TwoLayerNet.scores(s, wd, xd, 0, m, new Workspace()).clone(),
        TwoLayerNet.scores(s, wd, xd, 0, m, ws), 0.0);
  }

  /** The factor of each unit of each row (0 or 1/(1−p)): the mask applied to ones. */
  static float[] mask(Dropout drop, int m, int h) {
    float[] z1 = new float[m * h], a1 = new float[m * h];
    Arrays.fill(z1, 1f);
    Arrays.fill(a1, 1f);
    drop.apply(z1, a1, h);
    return a1;
  }
}
