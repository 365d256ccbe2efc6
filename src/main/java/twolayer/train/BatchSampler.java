package twolayer.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses each iteration's mini-batch: exactly B examples, without replacement within an epoch
 * (a fresh permutation of the training rows per epoch), as local row indices per partition, so the
 * executors take them from the cached blocks without scanning the data. Depends only on the seed,
 * the epoch and the iteration, never on which executor runs a task.
 */
final class BatchSampler {
  private final long[] starts; // global index of each partition's first row; starts[P] = n
  private final int batchSize;
  private final long seed;
  private int permEpoch = -1;
  private int[] perm;

  BatchSampler(long[] counts, int batchSize, long seed) {
    this.starts = new long[counts.length + 1];
    for (int p = 0; p < counts.length; p++) {
      starts[p + 1] = starts[p] + counts[p];
    }
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Global index of each partition's first row (P values). */
  long[] starts() {
    return java.util.Arrays.copyOf(starts, starts.length - 1);
  }

  /** Local row indices, per partition and sorted, of batch {@code t} of {@code epoch}. */
  int[][] rows(int epoch, int t) {
    int n = (int) starts[starts.length - 1];
    if (epoch != permEpoch) {
      perm = permutation(n, new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
      permEpoch = epoch;
    }
    int parts = starts.length - 1;
    int[] perPart = new int[parts];
    int[] owner = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      int g = perm[(int) (((long) t * batchSize + i) % n)];
      int p = Arrays.binarySearch(starts, g);
      p = p >= 0 ? p : -p - 2;
      while (starts[p + 1] == starts[p]) {
        p++; // skip empty partitions sharing the same start
      }
      owner[i] = p;
      perPart[p]++;
    }
    int[][] rows = new int[parts][];
    for (int p = 0; p < parts; p++) {
      rows[p] = new int[perPart[p]];
      perPart[p] = 0;
    }
    for (int i = 0; i < batchSize; i++) {
      int p = owner[i];
      rows[p][perPart[p]++] = perm[(int) (((long) t * batchSize + i) % n)] - (int) starts[p];
    }
    for (int[] r : rows) {
      Arrays.sort(r); // ascending rows read the cached block in memory order
    }
    return rows;
  }

  private static int[] permutation(int n, SplittableRandom rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }
}
