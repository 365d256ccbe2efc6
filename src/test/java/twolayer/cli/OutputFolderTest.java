package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.UserError;

/** Tier 1: the {@code out} folder on this machine and on Hadoop paths that fail (HdfsTest writes to a real one). */
class OutputFolderTest {
  @TempDir Path tmp;

  @Test
  void aLocalFolderIsWrittenInPlaceAndAskedNoHadoopSettings() {
    Path dir = tmp.resolve("a/b");
    try (OutputFolder out = OutputFolder.open(dir.toString(), () -> {
      throw new AssertionError("a local folder needs no Hadoop configuration");
    })) {
      assertEquals(dir, out.local());
      assertTrue(Files.isDirectory(dir));
      assertEquals(dir.resolve("model.npz").toString(), out.show("model.npz"));
      assertFalse(out.holds("metrics.json"));
      out.publish(); // nothing to copy
    }
    assertTrue(Files.isDirectory(dir), "close leaves a local folder alone");
  }

  @Test
  void aFileUriIsThatLocalFolder() {
    Path dir = tmp.resolve("c");
    try (OutputFolder out = OutputFolder.open("file:" + dir, Configuration::new)) {
      assertEquals(dir, out.local());
      assertTrue(Files.isDirectory(dir));
    }
  }

  @Test
  void aLocalFileInTheWayIsOneLine() throws IOException {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    UserError e = assertThrows(UserError.class, () -> OutputFolder.open(file.toString(), Configuration::new));
    assertTrue(e.getMessage().startsWith("out: cannot create the output folder " + file + " ("), e.getMessage());
  }

  @Test
  void aHadoopServerThatRefusesIsOneLineNamingTheFolder() throws IOException {
    int closed = TestData.closedLoopbackPort();
    String out = "hdfs://127.0.0.1:" + closed + "/runs/a";
    UserError e = assertThrows(UserError.class, () -> OutputFolder.open(out, Configuration::new));
    assertEquals("out: cannot create the output folder " + out + " (cannot connect to 127.0.0.1:" + closed
        + ": connection refused)", e.getMessage());
  }

  @Test
  void aFileSystemHadoopDoesNotKnowIsOneLine() {
    UserError e = assertThrows(UserError.class, () -> OutputFolder.open("nosuchfs://host/x", Configuration::new));
    assertTrue(e.getMessage().startsWith("out: cannot create the output folder nosuchfs://host/x ("), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
