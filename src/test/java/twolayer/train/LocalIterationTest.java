package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.data.Block;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
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
    double[] w0 = TwoLayerNet.initialWeights(S, 0.01, 1);
    double expected = 0;
    for (int k = 0; k < 2; k++) {
      Workspace ws = Workspace.get();
      double[] x = ws.gather(blocks[k].x, blocks[k].y, S.d(), rows[k]);
      expected += TwoLayerNet.lossAndGradient(S, w0, x, 0, ws.labels(), 0, rows[k].length, new double[S.size()], ws);
    }
    expected /= 9;
    try (LocalIteration it = new LocalIteration(S, blocks, 0.01, 1, 0.0)) {
      double first = it.run(rows, 0.05);
      assertEquals(expected, first, 1e-5 * expected, "float batch loss against the double one");
      double last = first;
      for (int i = 0; i < 30; i++) {
        last = it.run(rows, 0.05);
      }
      assertTrue(last < 0.5 * first, "30 steps on one batch: " + first + " -> " + last);
    }
  }
}
