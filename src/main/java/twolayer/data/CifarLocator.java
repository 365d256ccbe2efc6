package twolayer.data;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import twolayer.UserError;

/**
 * Turns the {@code data} setting (folders, {@code .tar.gz} archives, URLs) into the Hadoop path of a
 * folder that holds the CIFAR-10 binary batches, unpacking or downloading into a cache folder once.
 */
public final class CifarLocator {
  public static final String OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
  public static final String OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
  /** The folder the official archive unpacks to. */
  public static final String FOLDER = "cifar-10-batches-bin";
  /** The files a complete folder must hold. */
  public static final List<String> BATCHES = java.util.stream.Stream.concat(
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
      if (lower.startsWith("http://") || lower.startsWith("https://")) found = fromUrl(c, cache, expectedMd5);
      else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) found = fromArchive(c, cache, conf);
      else found = fromFolder(c, conf);
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
      org.apache.hadoop.fs.Path dir = hadoopPath(c);
      try (Lookup l = lookup(dir, conf)) {
        for (org.apache.hadoop.fs.Path d : List.of(dir, new org.apache.hadoop.fs.Path(dir, FOLDER))) {
          if (l.fs().exists(new org.apache.hadoop.fs.Path(d, BATCHES.get(0)))) return d.toString();
        }
      }
      return null;
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(c + ": cannot read this folder (" + unreachable(c, e) + ")", e);
    }
  }

  private static String fromArchive(String c, Path cache, Configuration conf) {
    try {
      if (!hasScheme(c)) {
        Path p = Path.of(c).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) return null;
        Archive a = Archive.local(p, null);
        return unpackOnce(a, cache);
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(c);
      try (Lookup l = lookup(p, conf)) {
        FileSystem fs = l.fs();
        FileStatus st;
        try {
          st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
          return null;
        }
        if (!st.isFile()) return null;
        return unpackOnce(new Archive(c, st.getPath().toString(), st.getLen(), st.getModificationTime(), null,
            () -> fs.open(st.getPath())), cache);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(c + ": cannot read this archive (" + unreachable(c, e) + ")", e);
    }
  }

  /** A file system to look data up with; closing it closes only one made for the lookup. */
  private record Lookup(FileSystem fs, boolean own) implements java.io.Closeable {
    @Override
    public void close() throws IOException {
      if (own) fs.close();
    }
  }

  /**
   * A file system of its own for looking up {@code p} on a server: unless the user's configuration says
   * otherwise, it gives up on one that does not answer after two connection attempts (of Hadoop's connect
   * timeout each, 20 s by default), where Hadoop's default of 46 held the run for 15 minutes without a
   * word before the error. The run's own cached file system (blocks, checkpoints) keeps Hadoop's settings,
   * and local paths use it (the copy of the configuration and a new instance cost 20-40 ms here).
   */
  private static Lookup lookup(org.apache.hadoop.fs.Path p, Configuration conf) throws IOException {
    if ("file".equals(p.toUri().getScheme()) || !hadoopDefault(conf, TIMEOUT_RETRIES)) {
      return new Lookup(p.getFileSystem(conf), false);
    }
    Configuration c = new Configuration(conf);
    c.setInt(TIMEOUT_RETRIES, LOOKUP_TIMEOUT_RETRIES);
    return new Lookup(FileSystem.newInstance(p.toUri(), c), true);
  }

  private static final String TIMEOUT_RETRIES = "ipc.client.connect.max.retries.on.timeouts";
  private static final int LOOKUP_TIMEOUT_RETRIES = 1;

  /** True when {@code key} has Hadoop's shipped default: set by no site file, Spark setting or code. */
  private static boolean hadoopDefault(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    return sources == null || List.of(sources).equals(List.of("core-default.xml"));
  }

  private static String fromUrl(String url, Path cache, String expectedMd5) {
    Path target = cache.resolve(FOLDER);
    String md5 = expectedMd5 != null ? expectedMd5.trim().toLowerCase(Locale.ROOT)
        : strip(url).equals(strip(OFFICIAL_URL)) ? OFFICIAL_MD5 : null;
    // No network when the cache holds the archive expected (its MD5) or, with no MD5 to go by, this URL's.
    UnpackRecord had = isComplete(target) ? UnpackRecord.read(target) : null;
    if (had != null && (md5 != null ? md5.equals(had.md5()) : url.equals(had.url()))) return fileUri(target);
    String name = url.replaceFirst("[?#].*$", "").replaceFirst("^.*/", "");
    if (name.isEmpty() || name.equals("..") || name.equals(".")) name = "cifar-10-binary.tar.gz";
    Path file = cache.resolve(name);
    Path part = cache.resolve(name + ".part");
    try {
      Files.createDirectories(cache);
      // A previous run may have downloaded the archive and been stopped before unpacking it; without an
      // MD5 nothing says the file left there came from this URL.
      if (!Files.isRegularFile(file) || md5 == null || !md5.equals(md5(file))) {
        Files.deleteIfExists(file);
        if (!download(url, part)) return null;
        if (md5 == null) System.err.println("warning: " + url + ": no MD5 given, the download is not verified");
        String got = md5(part);
        if (md5 != null && !md5.equals(got)) {
          deleteTree(part);
          throw new UserError(url + ": downloaded archive has MD5 " + got + ", expected " + md5
              + "; the download is corrupt or not the CIFAR-10 binary archive");
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException | IllegalArgumentException e) {
      deleteTree(part);
      throw new UserError(url + ": download failed (" + oneLine(e) + ")", e);
    }
    try {
      return unpackOnce(Archive.local(file, url), cache);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read this archive (" + oneLine(e) + ")", e);
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

  private interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * An archive to unpack: {@code shown} as the user gave it (for messages), {@code path} absolute (for the
   * record), its size and modification time (ms), the URL it was downloaded from (or null).
   */
  private record Archive(String shown, String path, long size, long modified, String url, Opener opener) {
    static Archive local(Path p, String url) throws IOException {
      return new Archive(p.toString(), p.toString(), Files.size(p), Files.getLastModifiedTime(p).toMillis(), url,
          () -> Files.newInputStream(p));
    }

    UnpackRecord record(String md5) {
      return new UnpackRecord(path, size, modified, md5, url);
    }
  }

  /**
   * The cache folder of archive {@code a}, unpacked unless it already holds this archive's data (see
   * {@link UnpackRecord}): the same file as last time (path, size, modification time) is not read at all;
   * a file of the same size is hashed, and the same MD5 only updates the record. Anything else is
   * unpacked, which checks it (gzip CRC, tar checksums, the six batches), and replaces the folder.
   * Unpacks into a temporary folder inside the cache, then renames it into place atomically, so a
   * complete-looking {@code cifar-10-batches-bin} is never half written, even if we are killed.
   */
  private static String unpackOnce(Archive a, Path cache) {
    Path target = cache.resolve(FOLDER);
    UnpackRecord had = isComplete(target) ? UnpackRecord.read(target) : null;
    if (had != null && had.sameFile(a.record(had.md5()))) return fileUri(target);
    if (had != null && had.size() == a.size()) {
      String md5;
      try (InputStream in = a.opener().open()) {
        md5 = md5(in);
      } catch (IOException e) {
        throw new UserError(a.shown() + ": cannot read this archive (" + oneLine(e) + ")", e);
      }
      if (md5.equals(had.md5())) {
        try {
          a.record(md5).write(target);
        } catch (IOException e) {
          // best effort: without the new record the next run hashes the archive again
        }
        return fileUri(target);
      }
    }
    Path tmp = null;
    try {
      Files.createDirectories(cache);
      tmp = Files.createTempDirectory(cache, ".unpack-");
      String replace = had != null ? " (to replace the data unpacked from " + had.archive() + ")"
          : isComplete(target) ? " (to replace the data it holds, from an unknown archive)" : "";
      System.err.println("unpacking " + a.shown() + " into " + target + replace);
      MessageDigest digest = md5Digest();
      try (InputStream raw = new DigestInputStream(a.opener().open(), digest);
          InputStream in = new GZIPInputStream(raw, 1 << 16)) {
        untar(in, tmp, a.shown());
        raw.transferTo(OutputStream.nullOutputStream()); // anything after the gzip data is in the MD5 too
      }
      Path got = isComplete(tmp.resolve(FOLDER)) ? tmp.resolve(FOLDER) : isComplete(tmp) ? tmp : null;
      if (got == null) {
        throw new UserError(a.shown() + ": archive holds no complete CIFAR-10 folder (data_batch_1.bin ..."
            + " test_batch.bin)");
      }
      String md5 = HexFormat.of().formatHex(digest.digest());
      a.record(md5).write(got);
      install(got, target, cache, md5);
      return fileUri(target);
    } catch (EOFException | ZipException | CorruptTar e) {
      throw new UserError(a.shown() + ": archive is truncated or corrupt (" + oneLine(e) + "); download it again", e);
    } catch (IOException e) {
      throw new UserError(a.shown() + ": cannot unpack into " + cache + " (" + oneLine(e) + ")", e);
    } finally {
      if (tmp != null) deleteTree(tmp);
    }
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
        UnpackRecord there = isComplete(target) ? UnpackRecord.read(target) : null;
        if (there != null && there.md5().equals(md5)) return;
        if (attempt == 3) throw e;
      }
      Path old = Files.createTempDirectory(cache, ".old-");
      try {
        Files.move(target, old.resolve(FOLDER), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        // another process moved it first
      } finally {
        deleteTree(old);
      }
    }
  }

  /** Minimal tar reader: regular files and folders; GNU long names and pax paths; skips the rest. */
  private static void untar(InputStream in, Path dest, String archive) throws IOException {
    byte[] h = new byte[512];
    String nextName = null;
    while (true) {
      if (in.readNBytes(h, 0, 512) < 512) throw new EOFException("unexpected end of tar");
      if (isZero(h)) break; // end-of-archive marker
      long size = octal(h, 124, 12);
      if (octal(h, 148, 8) != checksum(h, true) && octal(h, 148, 8) != checksum(h, false)) {
        throw new CorruptTar("bad tar header checksum");
      }
      String name = text(h, 0, 100);
      if (text(h, 257, 6).equals("ustar") && h[262] == 0 && h[345] != 0) name = text(h, 345, 155) + "/" + name;
      if (nextName != null) name = nextName;
      nextName = null;
      long pad = (512 - size % 512) % 512;
      switch (h[156]) {
        case 'L' -> nextName = text(data(in, size, pad), 0, (int) size); // GNU: long name of next entry
        case 'x' -> nextName = paxPath(data(in, size, pad));
        case '0', 0, '5' -> {
          Path out = inside(dest, name, archive);
          if (h[156] == '5') {
            Files.createDirectories(out);
            in.skipNBytes(size + pad);
          } else {
            if (out.equals(dest)) throw new CorruptTar("tar file entry without a name");
            Files.createDirectories(out.getParent());
            try (OutputStream o = Files.newOutputStream(out)) {
              copy(in, o, size);
            }
            in.skipNBytes(pad);
          }
        }
        default -> in.skipNBytes(size + pad); // links, devices, global pax: not needed, never followed
      }
    }
    // Read on to the gzip trailer: its CRC and length, checked only there, catch corrupt data.
    in.transferTo(OutputStream.nullOutputStream());
  }

  /** Refuses absolute names and {@code ..} so an archive cannot write outside {@code dest}. */
  private static Path inside(Path dest, String name, String archive) {
    Path out = dest.resolve(name.replaceFirst("^(\\./)+", "")).normalize();
    if (name.startsWith("/") || name.matches("(.*/)?\\.\\.(/.*)?") || !out.startsWith(dest)) {
      throw new UserError(archive + ": entry '" + name + "' points outside the folder it unpacks into;"
          + " refusing to unpack it");
    }
    return out;
  }

  private static byte[] data(InputStream in, long size, long pad) throws IOException {
    if (size > 1 << 20) throw new CorruptTar("tar name header of " + size + " bytes");
    byte[] d = in.readNBytes((int) size);
    if (d.length < size) throw new EOFException("unexpected end of tar");
    in.skipNBytes(pad);
    return d;
  }

  private static String paxPath(byte[] d) throws CorruptTar {
    int pos = 0;
    while (pos < d.length) { // records are "LEN key=value\n", LEN counting the whole record
      int sp = pos;
      while (sp < d.length && d[sp] != ' ') sp++;
      int len;
      try {
        len = Integer.parseInt(new String(d, pos, sp - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new CorruptTar("bad pax header");
      }
      if (len <= sp - pos + 1 || pos + len > d.length) throw new CorruptTar("bad pax header");
      String rec = new String(d, sp + 1, pos + len - sp - 2, StandardCharsets.UTF_8);
      if (rec.startsWith("path=")) return rec.substring(5);
      pos += len;
    }
    return null;
  }

  private static long octal(byte[] h, int off, int len) throws CorruptTar {
    long v = 0;
    if ((h[off] & 0x80) != 0) { // GNU base-256, used for sizes of 8 GiB and more
      for (int i = 1; i < len; i++) v = (v << 8) | (h[off + i] & 0xff);
      return v;
    }
    int i = off;
    while (i < off + len && (h[i] == ' ' || h[i] == 0)) i++;
    for (; i < off + len && h[i] != 0 && h[i] != ' '; i++) {
      if (h[i] < '0' || h[i] > '7') throw new CorruptTar("bad number in tar header");
      v = v * 8 + (h[i] - '0');
    }
    return v;
  }

  private static long checksum(byte[] h, boolean unsigned) {
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      byte b = i >= 148 && i < 156 ? (byte) ' ' : h[i];
      sum += unsigned ? b & 0xff : b;
    }
    return sum;
  }

  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) end++;
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (size > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, size));
      if (n < 0) throw new EOFException("unexpected end of tar entry");
      out.write(buf, 0, n);
      size -= n;
    }
  }

  static String md5(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return md5(in);
    }
  }

  private static String md5(InputStream in) throws IOException {
    MessageDigest d = md5Digest();
    new DigestInputStream(in, d).transferTo(OutputStream.nullOutputStream());
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest md5Digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has MD5
    }
  }

  private static boolean hasScheme(String s) {
    return s.matches("[A-Za-z][A-Za-z0-9+.-]+:.*"); // two letters or more, so "C:\..." stays local
  }

  private static org.apache.hadoop.fs.Path hadoopPath(String c) {
    return hasScheme(c) ? new org.apache.hadoop.fs.Path(c) : localPath(Path.of(c));
  }

  private static org.apache.hadoop.fs.Path localPath(Path p) {
    return new org.apache.hadoop.fs.Path("file", null, p.toAbsolutePath().normalize().toString());
  }

  private static String fileUri(Path p) {
    return localPath(p).toString();
  }

  private static String strip(String url) {
    return url.replaceFirst("^[a-zA-Z]+://", "");
  }

  /** Deletes a file or a folder tree, best effort. */
  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover temp folder is harmless, it never looks like the real one
    }
  }

  /**
   * What went wrong with {@code c}: a server that refused or did not answer the connection in a few words
   * (Hadoop's own message, with its host names, retry details and wiki link, ran to 300 characters);
   * anything else as {@link #oneLine}.
   */
  private static String unreachable(String c, Throwable e) {
    String server;
    try {
      server = new org.apache.hadoop.fs.Path(c).toUri().getAuthority();
    } catch (IllegalArgumentException bad) {
      server = null;
    }
    if (server == null) return oneLine(e);
    if (e instanceof java.net.ConnectException) return "cannot connect to " + server + ": connection refused";
    if (e instanceof java.net.SocketTimeoutException) return "cannot connect to " + server + ": no answer, timed out";
    return oneLine(e);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").trim();
    boolean plain = e.getClass() == IOException.class || e instanceof CorruptTar || e instanceof ZipException;
    return plain && !m.isEmpty() ? m : e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
  }

  private static final class CorruptTar extends IOException {
    CorruptTar(String message) {
      super(message);
    }
  }
}
