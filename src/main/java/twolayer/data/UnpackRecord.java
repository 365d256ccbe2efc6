package twolayer.data;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Properties;

/**
 * The archive a cache folder was unpacked from: its path, size, modification time (ms), MD5 and, for a
 * download, its URL. Kept inside the folder ({@value #FILE}), so it is written into the temporary
 * folder before that is renamed into place and never describes data it did not produce.
 */
record UnpackRecord(String archive, long size, long modified, String md5, String url) {
  static final String FILE = "unpacked-from.properties";

  /** The record in {@code folder}, or null when it has none (unpacked by an older version) or it is unreadable. */
  static UnpackRecord read(Path folder) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(folder.resolve(FILE), StandardCharsets.UTF_8)) {
      p.load(r);
      String archive = p.getProperty("archive"), md5 = p.getProperty("md5");
      if (archive == null || md5 == null) return null;
      return new UnpackRecord(archive, Long.parseLong(p.getProperty("size", "")),
          Long.parseLong(p.getProperty("modified", "")), md5, p.getProperty("url"));
    } catch (IOException | IllegalArgumentException e) {
      return null; // treated like no record: the archive given is unpacked again
    }
  }

  /** Writes this record into {@code folder}, replacing its old one in a single rename. */
  void write(Path folder) throws IOException {
    Properties p = new Properties();
    p.setProperty("archive", archive);
    p.setProperty("size", Long.toString(size));
    p.setProperty("modified", Long.toString(modified));
    p.setProperty("md5", md5);
    if (url != null) p.setProperty("url", url);
    Path tmp = Files.createTempFile(folder, "." + FILE, ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "the archive this folder was unpacked from; another archive given as data is unpacked"
            + " again");
      }
      Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Same path, size, modification time and URL: the file that was unpacked, read again for nothing. */
  boolean sameFile(UnpackRecord other) {
    return archive.equals(other.archive) && size == other.size && modified == other.modified
        && Objects.equals(url, other.url);
  }
}
