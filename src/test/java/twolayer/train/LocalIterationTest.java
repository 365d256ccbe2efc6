package twolayer.train;

import twolayer.model.FloatNet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.gammaDouble;

import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.NetBounds;
import twolayer.data.Block;
import twolayer.model.Noise;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;

/** Tier 2: bench's iteration without Spark computes the batch loss of the trainer's weights and learns. */
class LocalIterationTest {
  static final Shape S = new Shape(3072, 20, 10);

  @Test
  void firstLossIsTheBatchLossOfTheInitialWeightsAndTheLossFalls() throws Exception {
    Random r = new Random(5);
    Block[] blocks = new Block[2];
    for (int k = 0; k < 2; k++) {
      float[] x = new float[50 * S.d()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      blocks[k] = Block.of(k, x, r.ints(50, 0, S.c()).toArray());
    }
    int[][] rows = {{1, 4, 9, 30}, {0, 2, 3, 7, 49}}; // 9 rows: the W1 gradient comes as factors
    // the trainer's weights are these rounded to float: the double reference takes the same values
    float[] wf = FloatNet.KERNEL.weights(S, TwoLayerNet.initialWeights(S, 0.01, 1)).floats();
    double[] w0 = new double[wf.length];
    for (int i = 0; i < wf.length; i++) {
      w0[i] = wf[i];
    }
    double expected = 0, bound = 0;
    for (int k = 0; k < 2; k++) {
      Workspace ws = Workspace.get();
      double[] x = ws.gather(blocks[k].x, blocks[k].y, rows[k], k, Noise.NONE);
      int[] y = java.util.Arrays.copyOf(ws.labels(), rows[k].length);
      // each kernel within its rounding bound of the exact loss of these rows (NetBounds)
      bound += NetBounds.of(S, w0, x, y, 0, rows[k].length, U_FLOAT).loss
          + NetBounds.of(S, w0, x, y, 0, rows[k].length, U_DOUBLE).loss;
      expected += TwoLayerNet.lossAndGradient(S, w0, x, 0, y, 0, rows[k].length, new double[S.size()], ws);
    }
    expected /= 9;
    bound = bound / 9 + gammaDouble(2) * expected; // and the two partitions' sum and the division
    try (LocalIteration it = new LocalIteration(S, blocks, 0.01, 1, 0.0)) {
      double first = it.run(rows, 0.05);
      assertEquals(expected, first, bound, "float batch loss against the double one");
      double last = first;
      for (int i = 0; i < 30; i++) {
        last = it.run(rows, 0.05);
      }
      assertTrue(last < 0.5 * first, "30 steps on one batch: " + first + " -> " + last);
    }
  }
}
