package twolayer.data;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import twolayer.UserError;

/**
 * Unpacks a {@code .tar.gz} with Commons Compress (on Spark's class path): regular files and folders;
 * GNU long names and pax paths are applied; links, devices and the rest are skipped, never followed.
 * Every problem of the archive's format is a {@link CorruptArchive}; a failure to read its bytes or to
 * write the files is the {@link IOException} it was.
 */
final class TarGz {
  /** The largest name header (GNU long name, pax) read into memory. */
  static final int MAX_NAME_HEADER = 1 << 20;

  private TarGz() {}

  /**
   * Unpacks {@code archive} into {@code dest}, reading it through to the end of its last gzip member
   * (the CRCs and lengths are checked there); {@code in} is left open. Bytes after the last gzip member
   * that are not another member are corrupt.
   *
   * @param shown the archive as the user gave it, for messages
   */
  static void unpack(InputStream in, Path dest, String shown) throws IOException {
    Source src = new Source(in);
    InputStream gz = read(src, () -> GzipCompressorInputStream.builder().setInputStream(src)
        .setDecompressConcatenated(true).get());
    try (BoundedTar tar = new BoundedTar(gz)) {
      for (TarArchiveEntry e; (e = read(src, tar::getNextEntry)) != null; ) extract(tar, e, dest, shown, src);
      read(src, () -> gz.transferTo(OutputStream.nullOutputStream())); // to the gzip trailer and past it
    }
  }

  private static void extract(BoundedTar tar, TarArchiveEntry e, Path dest, String shown, Source src)
      throws IOException {
    byte type = e.getLinkFlag();
    if (type != '0' && type != 0 && type != '5') return; // the next entry skips its data
    Path out = inside(dest, e.getName(), shown);
    if (type == '5') {
      Files.createDirectories(out);
      return;
    }
    if (out.equals(dest)) throw new CorruptArchive("tar file entry without a name");
    Files.createDirectories(out.getParent());
    byte[] buf = new byte[1 << 16];
    try (OutputStream o = Files.newOutputStream(out)) {
      for (int n; (n = read(src, () -> tar.read(buf))) >= 0; ) o.write(buf, 0, n);
    }
  }

  /** Refuses absolute names and {@code ..} so an archive cannot write outside {@code dest}. */
  static Path inside(Path dest, String name, String shown) {
    Path out = dest.resolve(name.replaceFirst("^(\\./)+", "")).normalize();
    if (name.startsWith("/") || name.matches("(.*/)?\\.\\.(/.*)?") || !out.startsWith(dest)) {
      throw new UserError(shown + ": entry '" + name + "' points outside the folder it unpacks into;"
          + " refusing to unpack it");
    }
    return out;
  }

  private interface Read<T> {
    T run() throws IOException;
  }

  /** Runs a read of the archive: what fails in it is the format's fault unless the bytes could not be read. */
  private static <T> T read(Source src, Read<T> r) throws IOException {
    try {
      return r.run();
    } catch (CorruptArchive e) {
      throw e;
    } catch (IOException e) {
      if (src.failed != null) throw src.failed;
      boolean bareEof = e instanceof EOFException && e.getMessage() == null;
      throw new CorruptArchive(bareEof ? "unexpected end of the gzip data" : Messages.oneLine(e), e);
    }
  }

  /** The archive's bytes: keeps the error of a failed read, and closing it leaves the caller's stream open. */
  private static final class Source extends FilterInputStream {
    IOException failed;

    Source(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failed = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failed = e;
        throw e;
      }
    }

    @Override
    public void close() {}
  }

  /**
   * Commons Compress's tar reader with our checks on every header record: a short one (the archive
   * ends before its end marker) is truncated, a header checksum must match, and a name header (GNU
   * long name, pax) is at most {@value #MAX_NAME_HEADER} bytes, which the reader would hold in memory.
   */
  private static final class BoundedTar extends TarArchiveInputStream {
    BoundedTar(InputStream in) {
      super(in);
    }

    @Override
    protected byte[] readRecord() throws IOException {
      byte[] h = super.readRecord();
      if (isAtEOF()) return h; // after the end marker: read on to the gzip trailer, not parsed
      if (h == null) throw new EOFException("unexpected end of tar");
      if (isEOFRecord(h)) return h;
      try {
        if (!TarUtils.verifyCheckSum(h)) throw new CorruptArchive("bad tar header checksum");
        byte type = h[156];
        long size = type == 'L' || type == 'x' || type == 'g' ? TarUtils.parseOctalOrBinary(h, 124, 12) : 0;
        if (size > MAX_NAME_HEADER) throw new CorruptArchive("tar name header of " + size + " bytes");
      } catch (IllegalArgumentException e) {
        throw new CorruptArchive("bad number in tar header");
      }
      return h;
    }
  }

  /** The archive is not a well-formed {@code .tar.gz}: downloading it again is the remedy. */
  static final class CorruptArchive extends IOException {
    CorruptArchive(String message) {
      super(message);
    }

    CorruptArchive(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
