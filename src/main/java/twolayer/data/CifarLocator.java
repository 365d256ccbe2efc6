package twolayer.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import twolayer.UserError;

/**
 * Turns the {@code data} setting (folders, {@code .tar.gz} archives, URLs) into the Hadoop path of a
 * folder that holds the CIFAR-10 binary batches, unpacking ({@link ArchiveCache}) or downloading
 * ({@link CifarDownload}) into a cache folder once.
 */
public final class CifarLocator {
  /** The folder the official archive unpacks to. */
  public static final String FOLDER = "cifar-10-batches-bin";
  /** The files a complete folder must hold. */
  public static final List<String> BATCHES = Stream.concat(
      CifarDataset.TRAIN_FILES.stream(), CifarDataset.TEST_FILES.stream()).toList();
  private static final int RECORD_BYTES = CifarDataset.CIFAR_D + 1;

  private CifarLocator() {}

  /**
   * Tries each candidate in order: a folder holding {@code data_batch_1.bin} (directly or in {@code
   * cifar-10-batches-bin/}), a {@code .tar.gz}/{@code .tgz} archive, or an http(s) URL of one.
   * Missing candidates (absent path, HTTP 404/410) are skipped; broken ones are an error.
   *
   * @param expectedMd5 MD5 a download must have; null = the official one for the official URL, else none
   * @return the folder as a Hadoop path string, local folders as {@code file:/abs/path}
   * @throws UserError if no candidate holds CIFAR-10 or one is broken
   */
  public static String resolve(List<String> candidates, Path cacheDir, String expectedMd5,
      Configuration hadoopConf) {
    Configuration conf = hadoopConf != null ? hadoopConf : new Configuration();
    Path cache = (cacheDir != null ? cacheDir : Path.of("data")).toAbsolutePath().normalize();
    List<String> tried = new ArrayList<>();
    for (String raw : candidates) {
      String c = raw.trim();
      if (c.isEmpty()) continue;
      tried.add(c);
      String lower = c.toLowerCase(Locale.ROOT);
      String found;
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        found = CifarDownload.fromUrl(c, cache, expectedMd5);
      } else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
        found = fromArchive(c, cache, conf);
      } else {
        found = fromFolder(c, conf);
      }
      if (found != null) return found;
    }
    throw new UserError("data: none of " + tried + " holds CIFAR-10 (data_batch_1.bin ... test_batch.bin);"
        + " pass --data FOLDER|ARCHIVE|URL");
  }

  /** True if {@code dir} holds all six batch files, each a whole positive number of records. */
  public static boolean isComplete(Path dir) {
    for (String b : BATCHES) {
      Path f = dir.resolve(b);
      try {
        long n = Files.size(f);
        if (!Files.isRegularFile(f) || n <= 0 || n % RECORD_BYTES != 0) return false;
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static String fromFolder(String c, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path dir = HadoopLookup.hadoopPath(c);
      try (HadoopLookup l = HadoopLookup.of(dir, conf)) {
        for (org.apache.hadoop.fs.Path d : List.of(dir, new org.apache.hadoop.fs.Path(dir, FOLDER))) {
          if (l.fs().exists(new org.apache.hadoop.fs.Path(d, BATCHES.get(0)))) return d.toString();
        }
      }
      return null;
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(c + ": cannot read this folder (" + HadoopLookup.unreachable(c, e) + ")", e);
    }
  }

  private static String fromArchive(String c, Path cache, Configuration conf) {
    try {
      if (!HadoopLookup.hasScheme(c)) {
        Path p = Path.of(c).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) return null;
        return ArchiveCache.unpackOnce(ArchiveCache.Archive.local(p, null), cache);
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(c);
      try (HadoopLookup l = HadoopLookup.of(p, conf)) {
        FileSystem fs = l.fs();
        FileStatus st;
        try {
          st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
          return null;
        }
        if (!st.isFile()) return null;
        return ArchiveCache.unpackOnce(new ArchiveCache.Archive(c, st.getPath().toString(), st.getLen(),
            st.getModificationTime(), null, () -> fs.open(st.getPath())), cache);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(c + ": cannot read this archive (" + HadoopLookup.unreachable(c, e) + ")", e);
    }
  }
}
