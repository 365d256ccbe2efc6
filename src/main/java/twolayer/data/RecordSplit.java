package twolayer.data;

import java.io.Serializable;
import java.util.List;

/**
 * The records one partition reads: consecutive slices of fixed-length record files.
 *
 * @param start global index (within the split set, e.g. the training set) of the first record
 */
public record RecordSplit(int partition, long start, int n, List<Slice> slices) implements Serializable {
  /**
   * {@code count} records of {@code file}, from record {@code first}, read from {@code source} (where the
   * tasks reach the file: {@link twolayer.transport.Transport#reachable}).
   */
  public record Slice(String file, long first, int count, String source) implements Serializable {
    public Slice(String file, long first, int count) {
      this(file, first, count, file);
    }
  }
}
