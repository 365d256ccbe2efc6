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

/**
 * Test data: the real CIFAR-10 from ../shared (unpacked once into the ignored data/ folder) for the
 * tests of accuracy on it, and generated CIFAR-format files for everything else, so that those run on
 * every machine.
 */
public final class TestData {
  public static final String SHARED_ARCHIVE = "../shared/cifar10/cifar-10-binary.tar.gz";

  private TestData() {}

  /** The real CIFAR-10 folder, unpacked from ../shared into data/ on first use; skips the test if absent. */
  public static String cifarFolder() {
    Assumptions.assumeTrue(Files.exists(Path.of(SHARED_ARCHIVE)), SHARED_ARCHIVE + " is not here");
    return CifarLocator.resolve(List.of("data/cifar-10-batches-bin", SHARED_ARCHIVE), Path.of("data"), null,
        new Configuration());
  }

  /** A loopback port that nothing listens on (just closed): a connection to it is refused at once. */
  public static int closedLoopbackPort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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

  /**
   * A small CIFAR-format folder that a network can learn, though not at a glance: every pixel is noise,
   * uniform in [0, {@value #BASE}), and each class brightens its own random tenth of the pixels by
   * {@value #SIGNAL}. The class shows only in the sum over its pixels (tens of times the noise's spread
   * there), not in any one pixel, so the untrained network is at chance. {@code perTrainFile} records in
   * each of data_batch_1..5.bin, {@code testRecords} in test_batch.bin (labels at random), and
   * batches.meta.txt naming CIFAR-10's classes.
   */
  public static Path learnableCifar(Path dir, int perTrainFile, int testRecords, long seed) {
    Random rnd = new Random(seed);
    int d = CifarDataset.CIFAR_D;
    boolean[][] masks = new boolean[10][d];
    for (boolean[] m : masks) {
      for (int j = 0; j < d; j++) {
        m[j] = rnd.nextInt(10) == 0;
      }
    }
    try {
      Files.createDirectories(dir);
      for (String f : CifarDataset.TRAIN_FILES) {
        Files.write(dir.resolve(f), learnable(rnd, masks, perTrainFile));
      }
      Files.write(dir.resolve(CifarDataset.TEST_FILES.get(0)), learnable(rnd, masks, testRecords));
      Files.write(dir.resolve("batches.meta.txt"), CifarDataset.CIFAR10_CLASSES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static final int BASE = 192;
  static final int SIGNAL = 63;

  static byte[] learnable(Random rnd, boolean[][] masks, int n) {
    int d = masks[0].length;
    byte[] b = new byte[n * (d + 1)];
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(masks.length), o = i * (d + 1);
      b[o] = (byte) label;
      for (int j = 0; j < d; j++) {
        b[o + 1 + j] = (byte) (rnd.nextInt(BASE) + (masks[label][j] ? SIGNAL : 0));
      }
    }
    return b;
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
