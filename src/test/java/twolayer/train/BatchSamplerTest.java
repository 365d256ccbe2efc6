package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {
  final long[] counts = {40, 0, 25, 35}; // an empty partition too

  @Test
  void everyBatchHasExactlyBExamplesAndAnEpochSeesEachAtMostOnce() {
    BatchSampler s = new BatchSampler(counts, 30, 9);
    long[] starts = {0, 40, 40, 65};
    Set<Long> seen = new HashSet<>();
    for (int t = 0; t < 3; t++) { // 100 / 30 = 3 batches per epoch
      int[][] rows = s.rows(0, t);
      int total = 0;
      for (int p = 0; p < rows.length; p++) {
        for (int r : rows[p]) {
          assertTrue(r >= 0 && r < counts[p], "row " + r + " of partition " + p);
          assertTrue(seen.add(starts[p] + r), "row seen twice in an epoch");
        }
        total += rows[p].length;
      }
      assertEquals(30, total);
    }
  }

  @Test
  void deterministicForASeedAndDifferentAcrossEpochs() {
    BatchSampler a = new BatchSampler(counts, 30, 9), b = new BatchSampler(counts, 30, 9);
    assertArrayEquals(a.rows(2, 1), b.rows(2, 1));
    assertArrayEquals(a.rows(0, 0), new BatchSampler(counts, 30, 9).rows(0, 0));
    assertFalse(java.util.Arrays.deepEquals(a.rows(0, 0), a.rows(1, 0)));
    assertFalse(java.util.Arrays.deepEquals(a.rows(0, 0), new BatchSampler(counts, 30, 10).rows(0, 0)));
  }
}
