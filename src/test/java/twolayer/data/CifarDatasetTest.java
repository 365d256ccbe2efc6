package twolayer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.UserError;

/** The CIFAR-10 binary reader on small generated files, good and bad; no Spark. */
class CifarDatasetTest {
  static final Configuration CONF = new Configuration();
  static final int REC = CifarDataset.CIFAR_D + 1;

  @TempDir Path tmp;

  @Test
  void plansContiguousSplitsAcrossFilesAndReadsThem() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("c"), 7, CifarDataset.CIFAR_D, 1);
    CifarDataset ds = CifarDataset.open(dir.toString(), CONF);
    assertEquals(35, ds.trainRecords());
    assertEquals(7, ds.testRecords());
    assertEquals(10, ds.numClasses());
    List<RecordSplit> splits = CifarDataset.splits(ds.trainFiles, 3, 33, 4);
    assertEquals(4, splits.size());
    assertEquals(30, splits.stream().mapToInt(RecordSplit::n).sum());
    // the concatenation of the splits is records 3..32 of the five files, in order
    byte[] all = new byte[0];
    for (String f : CifarDataset.TRAIN_FILES) {
      all = concat(all, Files.readAllBytes(dir.resolve(f)));
    }
    byte[] read = new byte[0];
    long expectStart = 0;
    for (RecordSplit s : splits) {
      assertEquals(expectStart, s.start());
      expectStart += s.n();
      RawRecords r = CifarDataset.read(s, REC, 10, CONF);
      assertNull(r.error());
      read = concat(read, r.bytes());
    }
    assertArrayEquals(Arrays.copyOfRange(all, 3 * REC, 33 * REC), read);
  }

  @Test
  void missingFileIsNamed() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("c"), 2, CifarDataset.CIFAR_D, 1);
    Files.delete(dir.resolve("data_batch_3.bin"));
    UserError e = assertThrows(UserError.class, () -> CifarDataset.open(dir.toString(), CONF));
    assertTrue(e.getMessage().contains("data_batch_3.bin: file is missing"), e.getMessage());
  }

  @Test
  void lengthNotAMultipleOfTheRecordSizeIsNamed() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("c"), 2, CifarDataset.CIFAR_D, 1);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("test_batch.bin").toFile(), "rw")) {
      f.setLength(2 * REC - 5);
    }
    UserError e = assertThrows(UserError.class, () -> CifarDataset.open(dir.toString(), CONF));
    assertTrue(e.getMessage().contains("test_batch.bin: length " + (2 * REC - 5) + " is not a positive multiple of"),
        e.getMessage());
  }

  @Test
  void labelAboveNineIsNamedWithItsRecord() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("c"), 4, CifarDataset.CIFAR_D, 1);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data_batch_2.bin").toFile(), "rw")) {
      f.seek(2L * REC);
      f.write(12);
    }
    CifarDataset ds = CifarDataset.open(dir.toString(), CONF);
    RawRecords r = CifarDataset.read(CifarDataset.splits(ds.trainFiles, 0, 20, 1).get(0), REC, 10, CONF);
    assertNull(r.bytes());
    assertTrue(r.error().contains("data_batch_2.bin: record 2 has label 12, above 9"), r.error());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
