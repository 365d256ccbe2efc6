package twolayer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.stream.Stream;
import twolayer.UserError;

/**
 * The cache folder {@code cifar-10-batches-bin} and the archive it was unpacked from (see
 * {@link UnpackRecord}): unpacks an archive into it unless it already holds that archive's data.
 */
public final class ArchiveCache {
  private ArchiveCache() {}

  interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * An archive to unpack: {@code shown} as the user gave it (for messages), {@code path} absolute (for the
   * record), its size and modification time (ms), the URL it was downloaded from (or null).
   */
  record Archive(String shown, String path, long size, long modified, String url, Opener opener) {
    static Archive local(Path p, String url) throws IOException {
      return new Archive(p.toString(), p.toString(), Files.size(p), Files.getLastModifiedTime(p).toMillis(), url,
          () -> Files.newInputStream(p));
    }

    UnpackRecord record(String md5) {
      return new UnpackRecord(path, size, modified, md5, url);
    }
  }

  /**
   * The cache folder of archive {@code a}, unpacked unless it already holds this archive's data: the same
   * file as last time (path, size, modification time) is not read at all; a file of the same size is
   * hashed, and the same MD5 only updates the record. Anything else is unpacked, which checks it (gzip
   * CRC, tar checksums, the six batches), and replaces the folder.
   *
   * @return the folder as a Hadoop path string
   */
  static String unpackOnce(Archive a, Path cache) {
    Path target = cache.resolve(CifarLocator.FOLDER);
    UnpackRecord had = CifarLocator.isComplete(target) ? UnpackRecord.read(target) : null;
    if (had == null || !holds(had, a, target)) unpack(a, cache, had);
    return HadoopLookup.fileUri(target);
  }

  /** True if the folder (recorded as {@code had}) holds {@code a}'s data; a new record if it was touched or copied. */
  private static boolean holds(UnpackRecord had, Archive a, Path target) {
    if (had.sameFile(a.record(had.md5()))) return true;
    if (had.size() != a.size()) return false;
    String md5;
    try (InputStream in = a.opener().open()) {
      md5 = Md5.of(in);
    } catch (IOException e) {
      throw new UserError(a.shown() + ": cannot read this archive (" + Messages.oneLine(e) + ")", e);
    }
    if (!md5.equals(had.md5())) return false;
    try {
      a.record(md5).write(target);
    } catch (IOException e) {
      // best effort: without the new record the next run hashes the archive again
    }
    return true;
  }

  /**
   * Unpacks into a temporary folder inside the cache, then renames it into place atomically, so a
   * complete-looking {@code cifar-10-batches-bin} is never half written, even if we are killed.
   */
  private static void unpack(Archive a, Path cache, UnpackRecord had) {
    Path target = cache.resolve(CifarLocator.FOLDER);
    Path tmp = null;
    try {
      Files.createDirectories(cache);
      tmp = Files.createTempDirectory(cache, ".unpack-");
      String replace = had != null ? " (to replace the data unpacked from " + had.archive() + ")"
          : CifarLocator.isComplete(target) ? " (to replace the data it holds, from an unknown archive)" : "";
      System.err.println("unpacking " + a.shown() + " into " + target + replace);
      MessageDigest digest = Md5.digest();
      try (InputStream raw = new DigestInputStream(a.opener().open(), digest)) {
        TarGz.unpack(raw, tmp, a.shown());
        raw.transferTo(java.io.OutputStream.nullOutputStream()); // anything after the gzip data is in the MD5 too
      }
      Path got = completeFolder(tmp);
      if (got == null) {
        throw new UserError(a.shown() + ": archive holds no complete CIFAR-10 folder (data_batch_1.bin ..."
            + " test_batch.bin)");
      }
      String md5 = Md5.hex(digest);
      a.record(md5).write(got);
      install(got, target, cache, md5);
    } catch (TarGz.CorruptArchive e) {
      throw new UserError(a.shown() + ": archive is truncated or corrupt (" + Messages.oneLine(e)
          + "); download it again", e);
    } catch (IOException e) {
      throw new UserError(a.shown() + ": cannot unpack into " + cache + " (" + Messages.oneLine(e) + ")", e);
    } finally {
      if (tmp != null) deleteTree(tmp);
    }
  }

  /** The unpacked CIFAR-10 folder: {@code cifar-10-batches-bin/} as in the official archive, or the top level. */
  private static Path completeFolder(Path unpacked) {
    Path inner = unpacked.resolve(CifarLocator.FOLDER);
    return CifarLocator.isComplete(inner) ? inner : CifarLocator.isComplete(unpacked) ? unpacked : null;
  }

  /**
   * Renames the unpacked folder {@code got} to {@code target}. A folder already there (another archive's
   * data, or a leftover) is moved aside and deleted, unless another process has just put the same
   * archive's data there, which is then used.
   */
  private static void install(Path got, Path target, Path cache, String md5) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.move(got, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (IOException e) {
        if (!Files.exists(target)) throw e;
        UnpackRecord there = CifarLocator.isComplete(target) ? UnpackRecord.read(target) : null;
        if (there != null && there.md5().equals(md5)) return;
        if (attempt == 3) throw e;
      }
      Path old = Files.createTempDirectory(cache, ".old-");
      try {
        Files.move(target, old.resolve(CifarLocator.FOLDER), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        // another process moved it first
      } finally {
        deleteTree(old);
      }
    }
  }

  /** Deletes a file or a folder tree, best effort. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover temp folder is harmless, it never looks like the real one
    }
  }
}
