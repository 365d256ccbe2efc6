package twolayer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import twolayer.data.CifarDataset;
import twolayer.data.CifarLocator;

/** Test data: the real CIFAR-10 from ../shared (unpacked once into the ignored data/ folder), or tiny generated files. */
public final class TestData {
  public static final String SHARED_ARCHIVE = "../shared/cifar10/cifar-10-binary.tar.gz";

  private TestData() {}

  /** The real CIFAR-10 folder, unpacked from ../shared into data/ on first use; skips the test if absent. */
  public static String cifarFolder() {
    Assumptions.assumeTrue(Files.exists(Path.of(SHARED_ARCHIVE)), SHARED_ARCHIVE + " is not here");
    return CifarLocator.resolve(List.of("data/cifar-10-batches-bin", SHARED_ARCHIVE), Path.of("data"), null,
        new Configuration());
  }

  /**
   * A small CIFAR-format folder: every training and test file with {@code perFile} random records
   * of D = {@code d} pixels; labels 0..9.
   */
  public static Path tinyCifar(Path dir, int perFile, int d, long seed) {
    Random rnd = new Random(seed);
    try {
      Files.createDirectories(dir);
      for (String f : CifarDataset.TRAIN_FILES) {
        Files.write(dir.resolve(f), records(rnd, perFile, d));
      }
      for (String f : CifarDataset.TEST_FILES) {
        Files.write(dir.resolve(f), records(rnd, perFile, d));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static byte[] records(Random rnd, int n, int d) {
    byte[] b = new byte[n * (d + 1)];
    rnd.nextBytes(b);
    for (int i = 0; i < n; i++) {
      b[i * (d + 1)] = (byte) rnd.nextInt(10);
    }
    return b;
  }
}
