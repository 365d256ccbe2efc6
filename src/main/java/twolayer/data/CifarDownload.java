package twolayer.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import twolayer.UserError;

/** An archive at an http(s) URL: downloaded into the cache folder once, checked against its MD5, unpacked. */
final class CifarDownload {
  static final String OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
  static final String OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

  private CifarDownload() {}

  /**
   * The cache folder holding the archive at {@code url}, or null if the server has none (HTTP 404/410).
   *
   * @param expectedMd5 MD5 the download must have; null = the official one for the official URL, else none
   */
  static String fromUrl(String url, Path cache, String expectedMd5) {
    Path target = cache.resolve(CifarLocator.FOLDER);
    String md5 = expectedMd5 != null ? expectedMd5.trim().toLowerCase(Locale.ROOT)
        : strip(url).equals(strip(OFFICIAL_URL)) ? OFFICIAL_MD5 : null;
    // No network when the cache holds the archive expected (its MD5) or, with no MD5 to go by, this URL's.
    UnpackRecord had = CifarLocator.isComplete(target) ? UnpackRecord.read(target) : null;
    if (had != null && (md5 != null ? md5.equals(had.md5()) : url.equals(had.url()))) {
      return HadoopLookup.fileUri(target);
    }
    Path file = cache.resolve(fileName(url));
    if (!fetch(url, file, cache, md5)) return null;
    try {
      return ArchiveCache.unpackOnce(ArchiveCache.Archive.local(file, url), cache);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read this archive (" + Messages.oneLine(e) + ")", e);
    }
  }

  /** The archive's name in the cache: the URL's last segment, without query or fragment. */
  private static String fileName(String url) {
    String name = url.replaceFirst("[?#].*$", "").replaceFirst("^.*/", "");
    return name.isEmpty() || name.equals("..") || name.equals(".") ? "cifar-10-binary.tar.gz" : name;
  }

  /**
   * Puts the archive at {@code file}, through {@code file.part} so a file of that name is whole; false if
   * the server has none. A previous run may have downloaded the archive and been stopped before unpacking
   * it; without an MD5 nothing says the file left there came from this URL.
   */
  private static boolean fetch(String url, Path file, Path cache, String md5) {
    Path part = file.resolveSibling(file.getFileName() + ".part");
    try {
      Files.createDirectories(cache);
      if (Files.isRegularFile(file) && md5 != null && md5.equals(Md5.of(file))) return true;
      Files.deleteIfExists(file);
      if (!download(url, part)) return false;
      if (md5 == null) System.err.println("warning: " + url + ": no MD5 given, the download is not verified");
      String got = Md5.of(part);
      if (md5 != null && !md5.equals(got)) {
        ArchiveCache.deleteTree(part);
        throw new UserError(url + ": downloaded archive has MD5 " + got + ", expected " + md5
            + "; the download is corrupt or not the CIFAR-10 binary archive");
      }
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      ArchiveCache.deleteTree(part);
      throw new UserError(url + ": download failed (" + Messages.oneLine(e) + ")", e);
    }
  }

  /** Downloads to {@code part}, following redirects (also http to https); false on 404/410. */
  private static boolean download(String url, Path part) throws IOException {
    URL u = new URL(url);
    for (int hops = 0; hops < 10; hops++) {
      HttpURLConnection c = (HttpURLConnection) u.openConnection();
      c.setConnectTimeout(30_000);
      c.setReadTimeout(60_000); // per read: a stalled server fails instead of hanging the trainer
      c.setInstanceFollowRedirects(false);
      int code = c.getResponseCode();
      String location = c.getHeaderField("Location");
      if (code / 100 == 3 && location != null) {
        c.disconnect();
        u = new URL(u, location);
        continue;
      }
      if (code == 404 || code == 410) {
        c.disconnect();
        return false;
      }
      if (code != 200) throw new IOException("HTTP " + code + " " + c.getResponseMessage());
      System.err.println("downloading " + url + " to " + part);
      try (InputStream in = c.getInputStream()) {
        long n = Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        long expected = c.getContentLengthLong();
        if (expected >= 0 && n != expected) throw new EOFException("got " + n + " of " + expected + " bytes");
      }
      return true;
    }
    throw new IOException("too many redirects");
  }

  private static String strip(String url) {
    return url.replaceFirst("^[a-zA-Z]+://", "");
  }
}
