package twolayer.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.UserError;

/** Tier 1: how predict finds and reads its inputs on this machine, and the lines it gives when it cannot. */
class InputFilesTest {
  static final Supplier<Configuration> NO_HADOOP = () -> {
    throw new AssertionError("a file of this machine needs no Hadoop configuration");
  };

  @TempDir Path tmp;

  @Test
  void aPlainPathKeepsItsSpellingAFileUriItsOwnAndBothReadTheSameBytes() throws IOException {
    byte[] bytes = {1, 2, 3, 4, 5};
    Path f = Files.write(tmp.resolve("a.BIN"), bytes);
    try (InputFiles files = new InputFiles(NO_HADOOP)) {
      InputFiles.Input plain = files.find(tmp + "//a.BIN"), uri = files.find("file:" + f);
      assertEquals(f.toString(), plain.name(), "as Path.of spells it, as predict always named it");
      assertEquals("file:" + f, uri.name());
      assertEquals(plain.path(), uri.path());
      assertEquals(5, plain.length());
      assertTrue(plain.bin(), "by its name, in any case");
      assertArrayEquals(bytes, files.read(plain));
      assertArrayEquals(bytes, files.read(uri));
    }
  }

  @Test
  void aMissingFileOrAFolderIsNoSuchFileNamedAsGiven() {
    try (InputFiles files = new InputFiles(NO_HADOOP)) {
      String missing = tmp.resolve("nope.bin").toString();
      assertEquals(missing + ": no such file", assertThrows(UserError.class, () -> files.find(missing)).getMessage());
      assertEquals("file:" + missing + ": no such file",
          assertThrows(UserError.class, () -> files.find("file:" + missing)).getMessage());
      assertEquals(tmp + ": no such file",
          assertThrows(UserError.class, () -> files.find(tmp.toString())).getMessage(), "a folder");
    }
  }

  @Test
  void aServerThatRefusesIsOneLineNamingTheInput() throws IOException {
    int closed = TestData.closedLoopbackPort();
    String in = "hdfs://127.0.0.1:" + closed + "/data/test_batch.bin";
    try (InputFiles files = new InputFiles(Configuration::new)) {
      UserError e = assertThrows(UserError.class, () -> files.find(in));
      assertEquals(in + ": cannot be read (cannot connect to 127.0.0.1:" + closed + ": connection refused)",
          e.getMessage());
    }
  }

  @Test
  void aFileSystemHadoopDoesNotKnowIsOneLine() {
    try (InputFiles files = new InputFiles(Configuration::new)) {
      UserError e = assertThrows(UserError.class, () -> files.find("nosuchfs://host/x.bin"));
      assertTrue(e.getMessage().startsWith("nosuchfs://host/x.bin: cannot be read ("), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
