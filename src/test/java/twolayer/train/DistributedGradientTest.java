package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.assertWithin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import twolayer.LocalSparkTest;
import twolayer.NetBounds;
import twolayer.agg.GradientSum;
import twolayer.agg.Step;
import twolayer.data.Block;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;

/** Tier 3: the treeAggregate of partition sums in local Spark equals a plain loop on the driver. */
class DistributedGradientTest extends LocalSparkTest {
  @Test
  void sameGradientForOneTwoAndThreePartitions() {
    Shape s = new Shape(20, 8, 4);
    int n = 31;
    Random rnd = new Random(5);
    float[] xf = new float[n * s.d()];
    for (int i = 0; i < xf.length; i++) {
      xf[i] = (float) rnd.nextGaussian();
    }
    double[] x = new double[xf.length];
    for (int i = 0; i < xf.length; i++) {
      x[i] = xf[i];
    }
    int[] y = rnd.ints(n, 0, s.c()).toArray();
    double[] w = rnd.doubles(s.size(), -0.5, 0.5).toArray();
    double[] ref = new double[s.size()];
    double refLoss = 0;
    for (int i = 0; i < n; i++) {
      refLoss += TwoLayerNet.lossAndGradient(s, w, Arrays.copyOfRange(x, i * s.d(), (i + 1) * s.d()), 0,
          new int[] {y[i]}, 0, 1, ref, new Workspace());
    }
    // the double kernel on other row blocks, merged in a tree: each side within the kernel's rounding
    // bound (NetBounds) of the exact sums, whatever order dgemm and the merges take
    NetBounds bounds = NetBounds.of(s, w, xf, 0, y, 0, n, U_DOUBLE);
    double[] twice = bounds.gradientPlus(bounds);
    for (int parts : new int[] {1, 2, 3}) {
      List<Block> blocks = new ArrayList<>();
      int[][] rows = new int[parts][];
      for (int p = 0; p < parts; p++) {
        int lo = n * p / parts, hi = n * (p + 1) / parts;
        blocks.add(Block.of(p, Arrays.copyOfRange(xf, lo * s.d(), hi * s.d()), Arrays.copyOfRange(y, lo, hi)));
        rows[p] = java.util.stream.IntStream.range(0, hi - lo).toArray();
      }
      JavaRDD<Block> rdd = sc.parallelize(blocks, parts);
      Broadcast<Step> step = sc.broadcast(new Step(TwoLayerNet.KERNEL.weights(s, w), rows));
      GradientSum sum = rdd.treeAggregate(new GradientSum(), (a, b) -> a.add(step.value(), b),
          GradientSum::merge, 2);
      step.destroy();
      assertEquals(n, sum.count());
      assertEquals(refLoss, sum.loss(), 2 * bounds.loss);
      assertWithin(ref, sum.gradient(), twice, parts + " partitions");
    }
  }
}
