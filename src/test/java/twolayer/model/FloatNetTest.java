package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float32 kernel agrees with the double reference at CIFAR-like scales. */
class FloatNetTest {
  @Test
  void floatGradientAndLossMatchTheDoubleKernel() {
    Shape s = new Shape(300, 40, 10);
    int m = 50;
    Random rnd = new Random(4);
    float[] xf = new float[m * s.d()];
    double[] x = new double[xf.length];
    for (int i = 0; i < xf.length; i++) {
      xf[i] = (float) (rnd.nextGaussian() * 60); // centred pixels
      x[i] = xf[i];
    }
    int[] y = rnd.ints(m, 0, s.c()).toArray();
    double[] w = TwoLayerNet.initialWeights(s, 1e-2, 3);
    float[] wf = Weights.of(s, w, true).floats();
    for (int i = 0; i < w.length; i++) {
      w[i] = wf[i]; // the same weights in both precisions
    }
    double[] gd = new double[s.size()];
    float[] gf = new float[s.size()];
    double ld = TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, m, gd, new Workspace());
    double lf = FloatNet.lossAndGradient(s, wf, xf, 0, y, 0, m, gf, new Workspace());
    assertEquals(ld, lf, 1e-5 * ld);
    double max = 0, diff = 0;
    for (int i = 0; i < gd.length; i++) {
      max = Math.max(max, Math.abs(gd[i]));
      diff = Math.max(diff, Math.abs(gd[i] - gf[i]));
    }
    assertTrue(diff < 1e-4 * max, "float vs double gradient: " + diff + " of " + max);
  }

  @Test
  void reluMaskKeepsExactlyThePositives() {
    float[] kept = {Float.MIN_VALUE, 1e-30f, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
    float[] dropped = {0f, -0f, -Float.MIN_VALUE, -1f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
    for (float z : kept) {
      assertEquals(-1, FloatNet.positiveMask(z), "keeps " + z);
    }
    for (float z : dropped) {
      assertEquals(0, FloatNet.positiveMask(z), "drops " + z);
    }
  }
}
