package twolayer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.data.RawRecords;
import twolayer.data.RecordSplit;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;

/**
 * Seeded random corruptions of model files and CIFAR-10 {@code .bin} files: every reader either reads
 * the bytes or fails with the project's own one-line error, never with another exception or a hang.
 */
class FuzzTest {
  static final ExecutorService POOL = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fuzz");
    t.setDaemon(true);
    return t;
  });

  @TempDir Path tmp;

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  /** Runs a reader on one case within 5 s: success or UserError; anything else fails the test with the seed. */
  static String attempt(String what, long seed, java.util.concurrent.Callable<?> reader) {
    Future<?> f = POOL.submit(reader);
    try {
      f.get(5, TimeUnit.SECONDS);
      return "ok";
    } catch (TimeoutException e) {
      f.cancel(true);
      fail(what + " case " + seed + " hung");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof UserError u) {
        assertEquals(1, u.getMessage().lines().count(), "one line: " + u.getMessage());
        return "error";
      }
      throw new AssertionError(what + " case " + seed + " threw " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return "?";
  }

  static byte[] mutate(byte[] good, Random rnd) {
    byte[] b = good.clone();
    switch (rnd.nextInt(5)) {
      case 0 -> { // flip a few bytes
        for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
      case 2 -> { // extend with garbage
        b = java.util.Arrays.copyOf(b, b.length + 1 + rnd.nextInt(5000));
        for (int i = good.length; i < b.length; i++) {
          b[i] = (byte) rnd.nextInt(256);
        }
      }
      case 3 -> { // overwrite a 4-byte field (lengths, offsets, sizes) with an extreme value
        int at = rnd.nextInt(Math.max(1, b.length - 4));
        int v = rnd.nextBoolean() ? Integer.MAX_VALUE : rnd.nextInt();
        for (int i = 0; i < 4 && at + i < b.length; i++) {
          b[at + i] = (byte) (v >>> (8 * i));
        }
      }
      default -> { // copy one region over another
        int from = rnd.nextInt(b.length), to = rnd.nextInt(b.length), n = rnd.nextInt(200);
        for (int i = 0; i < n && from + i < b.length && to + i < b.length; i++) {
          b[to + i] = good[from + i];
        }
      }
    }
    return b;
  }

  @Test
  void corruptedModelFilesReadOrFailWithTheProjectsError() throws Exception {
    Shape s = new Shape(12, 5, 3);
    Path good = tmp.resolve("good.npz");
    new ModelFile(s, TwoLayerNet.initialWeights(s, 0.1, 1), new double[12], null).save(good);
    byte[] bytes = Files.readAllBytes(good);
    Path file = tmp.resolve("case.npz");
    int errors = 0, cases = 3000;
    long t0 = System.nanoTime();
    for (long seed = 0; seed < cases; seed++) {
      Files.write(file, mutate(bytes, new Random(seed)));
      errors += attempt("npz", seed, () -> ModelFile.load(file)).equals("error") ? 1 : 0;
    }
    System.out.printf("npz fuzz: %d cases, %d refused, %.1f s%n", cases, errors, (System.nanoTime() - t0) / 1e9);
    assertTrue(errors > cases / 2, "most corruptions are noticed: " + errors);
  }

  @Test
  void corruptedBinFilesReadOrFailWithTheProjectsError() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("c"), 3, CifarDataset.CIFAR_D, 7);
    Configuration conf = new Configuration();
    List<String> files = new java.util.ArrayList<>(CifarDataset.TRAIN_FILES);
    files.addAll(CifarDataset.TEST_FILES);
    int errors = 0, cases = 2000;
    long t0 = System.nanoTime();
    for (long seed = 0; seed < cases; seed++) {
      Random rnd = new Random(seed);
      Path f = dir.resolve(files.get(rnd.nextInt(files.size())));
      byte[] good = Files.readAllBytes(f);
      Files.write(f, mutate(good, rnd));
      String r = attempt("bin", seed, () -> {
        CifarDataset ds = CifarDataset.open(dir.toString(), conf);
        for (List<CifarDataset.FileInfo> set : List.of(ds.trainFiles, ds.testFiles)) {
          long n = set.stream().mapToLong(CifarDataset.FileInfo::records).sum();
          for (RecordSplit split : CifarDataset.splits(set, 0, n, 2)) {
            RawRecords raw = CifarDataset.read(split, CifarDataset.CIFAR_D + 1, ds.numClasses(), conf);
            if (raw.error() != null) {
              throw new UserError(raw.error()); // how the trainer reports it
            }
          }
        }
        return null;
      });
      errors += r.equals("error") ? 1 : 0;
      Files.write(f, good);
    }
    System.out.printf("bin fuzz: %d cases, %d refused, %.1f s%n", cases, errors, (System.nanoTime() - t0) / 1e9);
    assertTrue(errors > cases / 4, "length and label corruptions are noticed: " + errors);
  }
}
