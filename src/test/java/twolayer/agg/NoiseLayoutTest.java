package twolayer.agg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.data.Augment;
import twolayer.data.Block;
import twolayer.data.RawRecords;
import twolayer.data.RecordSplit;
import twolayer.model.Noise;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;

/**
 * Tier 2: under augmentation a row's flip and crop come from its global index alone, so one partition
 * or three gather the same augmented rows and add the same gradient.
 */
class NoiseLayoutTest {
  static final int N = 30;
  static final int D = Augment.D;
  static final Shape S = new Shape(D, 4, 10);
  static final int[] GLOBAL = {1, 5, 8, 12, 20, 29}; // the batch, as global rows

  final Random rnd = new Random(21);
  final byte[] records = new byte[N * (D + 1)];
  final double[] mean = new double[D];

  NoiseLayoutTest() {
    rnd.nextBytes(records);
    for (int i = 0; i < N; i++) {
      records[i * (D + 1)] = (byte) rnd.nextInt(10);
    }
    Arrays.fill(mean, 120.25);
  }

  /** The records cut at {@code cuts} (first rows of partitions 1..) into blocks. */
  Block[] blocks(int... cuts) {
    int[] at = new int[cuts.length + 2];
    System.arraycopy(cuts, 0, at, 1, cuts.length);
    at[at.length - 1] = N;
    Block[] out = new Block[at.length - 1];
    for (int p = 0; p < out.length; p++) {
      int n = at[p + 1] - at[p];
      byte[] raw = Arrays.copyOfRange(records, at[p] * (D + 1), at[p + 1] * (D + 1));
      out[p] = Block.of(new RecordSplit(p, at[p], n, List.of()), new RawRecords(raw, n, null), mean, null);
    }
    return out;
  }

  static Noise noise(long[] starts) {
    return new Noise(true, 4, 0, 3, 2, 77, starts);
  }

  /** Each global row of the batch as gathered by its partition, in global order. */
  static float[][] gathered(Block[] blocks, long[] starts, Noise noise) {
    float[][] out = new float[GLOBAL.length][];
    for (int k = 0; k < GLOBAL.length; k++) {
      int p = partitionOf(starts, GLOBAL[k]);
      int[] local = {GLOBAL[k] - (int) starts[p]};
      out[k] = new Workspace().gatherFloat(blocks[p].x, blocks[p].y, local, p, noise).clone();
    }
    return out;
  }

  static int partitionOf(long[] starts, int g) {
    int p = starts.length - 1;
    while (starts[p] > g) {
      p--;
    }
    return p;
  }

  static int[][] localRows(long[] starts, int parts) {
    int[][] rows = new int[parts][];
    for (int p = 0; p < parts; p++) {
      final int q = p;
      rows[p] = Arrays.stream(GLOBAL).filter(g -> partitionOf(starts, g) == q).map(g -> g - (int) starts[q]).toArray();
    }
    return rows;
  }

  @Test
  void oneOrThreePartitionsGatherTheSameAugmentedRows() {
    long[] one = {0}, three = {0, 7, 19};
    float[][] a = gathered(blocks(), one, noise(one)), b = gathered(blocks(7, 19), three, noise(three));
    float[][] plain = gathered(blocks(), one, Noise.NONE);
    int changed = 0;
    for (int k = 0; k < GLOBAL.length; k++) {
      assertArrayEquals(a[k], b[k], "global row " + GLOBAL[k]);
      changed += Arrays.equals(a[k], plain[k]) ? 0 : 1;
    }
    assertFalse(changed < GLOBAL.length - 1, "augmentation changed " + changed + " of " + GLOBAL.length + " rows");
  }

  @Test
  void theSummedGradientDoesNotDependOnTheLayout() {
    double[] w = TwoLayerNet.initialWeights(S, 0.01, 4);
    Weights wd = TwoLayerNet.KERNEL.weights(S, w);
    long[] one = {0}, three = {0, 7, 19};
    GradientSum whole = new GradientSum().add(new Step(wd, localRows(one, 1), noise(one)), blocks()[0]);
    GradientSum parts = new GradientSum();
    Block[] bs = blocks(7, 19);
    for (Block b : bs) {
      parts.merge(new GradientSum().add(new Step(wd, localRows(three, 3), noise(three)), b));
    }
    assertEquals(whole.count(), parts.count());
    assertEquals(whole.loss(), parts.loss(), 1e-12 * Math.abs(whole.loss()));
    double[] g1 = whole.gradient(), g3 = parts.gradient();
    for (int i = 0; i < g1.length; i++) {
      assertEquals(g1[i], g3[i], 1e-12 + 1e-9 * Math.abs(g1[i]), "gradient entry " + i);
    }
  }
}
