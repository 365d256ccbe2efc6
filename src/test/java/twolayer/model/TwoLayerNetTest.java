package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.gammaDouble;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.FloatBounds;
import twolayer.NetBounds;

/** Tier 1: the pure math, no Spark. */
class TwoLayerNetTest {

  @Test
  void gradientMatchesCentredDifferencesForEveryParameter() {
    Map<String, Double> errors = GradCheck.run(new Shape(4, 10, 3), 5, 0.3, 7);
    assertEquals(4, errors.size());
    // 1e-7 is the gradcheck command's threshold (CS231n's), not a rounding bound: with h = 1e-5 the centred
    // difference's truncation error is about h²·|L'|/6 and its rounding error about (bound of L's
    // rounding)/h, some 1e-16/1e-5 = 1e-11 in double whatever the summation order, far below it
    errors.forEach((name, err) -> assertTrue(err < 1e-7, name + " relative error " + err));
  }

  @Test
  void gradientWithDropoutMatchesCentredDifferencesUnderItsFixedMask() {
    // one mask for the analytic gradient and every loss of the differences: a fixed piecewise-linear
    // change of the net, so the same threshold holds
    Map<String, Double> errors = GradCheck.run(new Shape(4, 10, 3), 5, 0.3, 7, 0.5);
    errors.forEach((name, err) -> assertTrue(err < 1e-7, name + " relative error " + err));
  }

  @Test
  void gradcheckNoticesAWrongGradient() {
    // the same comparison must fail when the analytic gradient is off: drop the 2 of 2λW
    Shape s = new Shape(3, 4, 2);
    Random rnd = new Random(3);
    double[] w = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian();
    }
    double[] x = {0.5, -1, 2, 1, 0.3, -0.7};
    int[] y = {1, 0};
    double[] grad = new double[s.size()];
    TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, 2, grad, new Workspace());
    double reg = 0.5, h = 1e-5;
    int i = s.w2(); // a regularised weight
    double analyticWrong = grad[i] / 2 + reg * w[i];
    w[i] += h;
    double plus = GradCheck.loss(s, w, x, y, 2, reg, new Workspace());
    w[i] -= 2 * h;
    double minus = GradCheck.loss(s, w, x, y, 2, reg, new Workspace());
    double num = (plus - minus) / (2 * h);
    assertTrue(Math.abs(analyticWrong - num) / (Math.abs(analyticWrong) + Math.abs(num)) > 1e-3);
  }

  @Test
  void lossOfAHandComputableCase() {
    // D=2, H=2, C=2, W1 = W2 = identity, biases 0.
    Shape s = new Shape(2, 2, 2);
    double[] w = new double[s.size()];
    w[s.w1()] = 1;
    w[s.w1() + 3] = 1;
    w[s.w2()] = 1;
    w[s.w2() + 3] = 1;
    // x=(1,0), y=0: z1=(1,0), a1=(1,0), z2=(1,0): −ln(e/(e+1)) = ln(1+e⁻¹)
    // x=(−1,2), y=1: z1=(−1,2), a1=(0,2), z2=(0,2): −ln(e²/(1+e²)) = ln(1+e⁻²)
    double[] x = {1, 0, -1, 2};
    int[] y = {0, 1};
    double sum = TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, 2, new double[s.size()], new Workspace());
    // the kernel within its rounding bound (NetBounds: exact products here, the softmax's exp, sums and log);
    // the expected value with its own roundings (exp, 1 + e, log, the sum: γ_4 of each term), the printed
    // constants within half an ulp each
    double expected = Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-2));
    double kernel = NetBounds.of(s, w, x, y, 0, 2, U_DOUBLE).loss;
    assertEquals(expected, sum, kernel + gammaDouble(4) * expected);
    assertEquals(0.31326168751822286 + 0.12692801104297263, sum, kernel + gammaDouble(2) * expected);
    // λ(ΣW1² + ΣW2²) = 0.1·(2 + 2), biases excluded even when non-zero
    w[s.b1()] = 5;
    w[s.b2()] = 5;
    // Σw² = 4 exactly, one rounding of 0.1·4 and the literal 0.4's own
    assertEquals(0.4, TwoLayerNet.addRegularization(s, w, 0.1, null), gammaDouble(2) * 0.4);
  }

  @Test
  void regularisationGradientIsTwoLambdaW() {
    Shape s = new Shape(2, 2, 2);
    double[] w = new double[s.size()];
    java.util.Arrays.fill(w, 3);
    double[] g = new double[s.size()];
    TwoLayerNet.addRegularization(s, w, 0.5, g);
    for (int i = 0; i < w.length; i++) {
      assertEquals(s.isWeight(i) ? 3.0 : 0.0, g[i], 0.0, "index " + i);
    }
  }

  @Test
  void softmaxIsStableForHugeScores() {
    double[] z = {1000, 0, -1000};
    double loss = TwoLayerNet.softmaxInPlace(z, 0, 3, 2);
    // −ln p = ln Σexp(z − max) − (z_y − max): exp, a sum of C terms and log, γ_{C+4} of 1 + |z_y − max|
    assertEquals(2000, loss, gammaDouble(3 + 4) * (1 + 2000));
    // exp(−1000) and exp(−2000) underflow to 0 in double: the probabilities are exactly 1, 0, 0
    assertArrayEquals(new double[] {1, 0, 0}, z, 0.0);
  }

  @Test
  void gemmMatchesNaiveProductForEveryTransposeCombination() {
    Random rnd = new Random(1);
    int m = 3, n = 4, k = 5;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        double[] a = random(rnd, m * k + 2), b = random(rnd, k * n + 1), c = random(rnd, m * n + 3);
        double[] expected = c.clone(), bound = new double[c.length];
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++) {
              double av = ta ? a[2 + p * m + i] : a[2 + i * k + p];
              double bv = tb ? b[1 + j * k + p] : b[1 + p * n + j];
              sum += av * bv;
              abs += Math.abs(av * bv);
            }
            expected[3 + i * n + j] = 2 * sum + 0.5 * c[3 + i * n + j];
            // alpha·Σ + beta·c: k products summed, scaled, added (γ_{k+2}), on either side
            bound[3 + i * n + j] = 2 * gammaDouble(k + 2) * (2 * abs + 0.5 * Math.abs(c[3 + i * n + j]));
          }
        }
        Gemm.gemm(ta, tb, m, n, k, 2, a, 2, b, 1, 0.5, c, 3);
        FloatBounds.assertWithin(expected, c, bound, "transA=" + ta + " transB=" + tb);
      }
    }
  }

  @Test
  void gaussiansAreJavaUtilRandomsSequenceBitForBit() {
    for (long seed : new long[] {0, 1, -7, 123_456_789_012L}) {
      Random expected = new Random(seed);
      Gaussians actual = new Gaussians(seed);
      for (int i = 0; i < 100_001; i++) { // odd: the cached second value of a pair is checked too
        assertEquals(Double.doubleToRawLongBits(expected.nextGaussian()), Double.doubleToRawLongBits(actual.next()),
            "seed " + seed + " draw " + i);
      }
    }
  }

  @Test
  void sumOfSquaresIsTheDoubleSumOfTheRangeRoundedToFloat() {
    Random rnd = new Random(11);
    float[] w = new float[100_003];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 1e3 : 1e-3)); // magnitudes far apart: a float sum would lose the small ones
    }
    double expected = 0;
    for (int i = 5; i < w.length - 2; i++) {
      expected += (double) w[i] * w[i];
    }
    // positive terms, so Σ|aᵢbᵢ| is the sum itself: a double sum (γ^double_n, here and in sdsdot) rounded
    // to float (u); a float sum would be off by up to γ^float_n, some 5000 times more
    int n = w.length - 7;
    assertEquals(expected, Gemm.sumOfSquares(w, 5, w.length - 2), (U_FLOAT + 2 * gammaDouble(n)) * expected);
    assertEquals(0, Gemm.sumOfSquares(w, 9, 9));
  }

  @Test
  void initialWeightsAreScaledGaussiansAndBiasesZero() {
    Shape s = new Shape(300, 50, 10);
    double[] w = TwoLayerNet.initialWeights(s, 1e-4, 5);
    assertArrayEquals(w, TwoLayerNet.initialWeights(s, 1e-4, 5));
    double sq = 0;
    int count = 0;
    for (int i = 0; i < w.length; i++) {
      if (s.isWeight(i)) {
        sq += w[i] * w[i];
        count++;
      } else {
        assertEquals(0, w[i]);
      }
    }
    // a statistical bound, not a rounding one: the sample standard deviation of n Gaussians has a relative
    // standard error of 1/√(2n) (0.0057 for these 15,500); 2e-6 is 3.5 of them (the draws are fixed by the seed)
    assertEquals(1e-4, Math.sqrt(sq / count), 3.5 * 1e-4 / Math.sqrt(2.0 * count));
  }

  static double[] random(Random rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextGaussian();
    }
    return a;
  }

  @Test
  void reluMaskKeepsExactlyThePositives() {
    double[] kept = {Double.MIN_VALUE, 1e-300, 1, Double.MAX_VALUE, Double.POSITIVE_INFINITY};
    double[] dropped = {0, -0.0, -Double.MIN_VALUE, -1, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY};
    for (double z : kept) {
      assertEquals(-1L, TwoLayerNet.positiveMask(z), "keeps " + z);
    }
    for (double z : dropped) {
      assertEquals(0L, TwoLayerNet.positiveMask(z), "drops " + z);
    }
  }

  @Test
  void kernelsAreChosenOnceByPrecision() {
    Shape s = new Shape(2, 3, 2);
    double[] w = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0, 0, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 0, 0};
    Weights d = NetKernel.of(false).weights(s, w), f = NetKernel.of(true).weights(s, w);
    assertTrue(d.kernel() == TwoLayerNet.KERNEL && d.doubles() == w, "double: the caller's array");
    assertTrue(f.kernel() == FloatNet.KERNEL && f.floats()[4] == 0.5f, "float: a rounded copy");
  }
}
