package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.assertWithin;

import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.FloatBounds;
import twolayer.NetBounds;

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
    float[] wf = FloatNet.KERNEL.weights(s, w).floats();
    for (int i = 0; i < w.length; i++) {
      w[i] = wf[i]; // the same weights in both precisions
    }
    double[] gd = new double[s.size()];
    float[] gf = new float[s.size()];
    double ld = TwoLayerNet.lossAndGradient(s, w, x, 0, y, 0, m, gd, new Workspace());
    double lf = FloatNet.lossAndGradient(s, wf, xf, 0, y, 0, m, gf, new Workspace());
    // each kernel is within its rounding-error bound of the exact loss and gradient (NetBounds: γ_{D+1}
    // through the forward pass, γ_m over the examples' terms), so the two are within the sum of both
    NetBounds single = NetBounds.of(s, w, xf, 0, y, 0, m, U_FLOAT), dbl = NetBounds.of(s, w, xf, 0, y, 0, m, U_DOUBLE);
    assertEquals(ld, lf, single.loss + dbl.loss);
    double[] bound = single.gradientPlus(dbl);
    assertWithin(gd, widen(gf), bound, "float vs double gradient");
    // and a wrong gradient is outside it: the float sum without its last example
    float[] short1 = new float[s.size()];
    FloatNet.lossAndGradient(s, wf, xf, 0, y, 0, m - 1, short1, new Workspace());
    assertTrue(FloatBounds.worstExcess(gd, widen(short1), bound) > 0, "an example left out exceeds the bound");
  }

  static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
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
