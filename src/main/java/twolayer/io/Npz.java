package twolayer.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import twolayer.UserError;

/**
 * Bounded reader and atomic writer of NumPy {@code .npz} archives (a zip of {@code <key>.npy}
 * entries), so models can be exchanged with Python without Java serialization. Reads what
 * {@code numpy.savez}/{@code savez_compressed} write; refuses anything else with a one-line {@link
 * UserError} before allocating memory the file cannot back.
 */
public final class Npz {
  /** Longest .npy header accepted; numpy writes well under 1 KiB, so more is corrupt or hostile. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;
  /** Most entries accepted in one archive; a model has five. */
  public static final int MAX_ENTRIES = 1000;

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  static final int CHUNK = 1 << 16; // a multiple of every item size

  private Npz() {}

  /** One array: shape and values in row-major (C) order, widened to double. */
  public record Array(int[] shape, double[] data) {
    /** Checks that the shape is non-negative and matches the number of values. */
    public Array {
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(data, "data");
      shape = shape.clone();
      if (count(Arrays.stream(shape).asLongStream().toArray()) != data.length) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
      }
    }

    /** Number of elements (the product of the shape; 1 for a 0-d array). */
    public int size() {
      return data.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Array a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Array" + Arrays.toString(shape) + "(" + data.length + " values)";
    }
  }

  /**
   * Writes arrays (insertion order kept) as float64 '&lt;f8' C-order .npy entries into an .npz,
   * atomically: a temp file in the same folder is synced, then moved over {@code file}, so a crash
   * never leaves half a file at {@code file}.
   */
  public static void write(Path file, LinkedHashMap<String, Array> arrays) throws IOException {
    Objects.requireNonNull(arrays, "arrays");
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
          ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(fos, CHUNK))) {
        for (Map.Entry<String, Array> en : arrays.entrySet()) {
          String key = Objects.requireNonNull(en.getKey(), "key");
          Array a = Objects.requireNonNull(en.getValue(), "array " + key);
          if (key.isEmpty()) throw new IllegalArgumentException("empty array name");
          byte[] header = npyHeader(a.shape());
          // Stored entries (as numpy.savez writes) need CRC and size up front: a dry run gets the CRC.
          CRC32 crc = new CRC32();
          writeNpy(new CheckedOutputStream(OutputStream.nullOutputStream(), crc), header, a);
          ZipEntry ze = new ZipEntry(key + ".npy");
          long len = header.length + 8L * a.size();
          ze.setMethod(ZipEntry.STORED);
          ze.setSize(len);
          ze.setCompressedSize(len);
          ze.setCrc(crc.getValue());
          zip.putNextEntry(ze);
          writeNpy(zip, header, a);
          zip.closeEntry();
        }
        zip.finish();
        zip.flush();
        fos.getFD().sync(); // the bytes must be on disk before the rename makes them visible
      }
      try { // createTempFile makes it owner-only; a model is an ordinary file
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep its defaults
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // makes the rename itself durable; best effort, not every OS allows it
    } catch (IOException | UnsupportedOperationException ignored) {
      // the file is complete either way
    }
  }

  /** The .npy v1.0 (v2.0 if very long) header, padded to 64 bytes as numpy does. */
  private static byte[] npyHeader(int[] shape) {
    StringBuilder t = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) t.append(i > 0 ? ", " : "").append(shape[i]);
    t.append(shape.length == 1 ? ",)" : ")");
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + t + ", }";
    int prefix = dict.length() + 1 + 10 + 63 > 0xFFFF ? 12 : 10;
    int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
    int hlen = total - prefix;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
    if (prefix == 10) b.putShort((short) hlen); else b.putInt(hlen);
    b.put((dict + " ".repeat(hlen - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  private static void writeNpy(OutputStream out, byte[] header, Array a) throws IOException {
    out.write(header);
    ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    double[] d = a.data();
    for (int i = 0; i < d.length; i += CHUNK / 8) {
      int k = Math.min(CHUNK / 8, d.length - i);
      b.clear();
      b.asDoubleBuffer().put(d, i, k);
      out.write(b.array(), 0, k * 8);
    }
  }

  /**
   * Reads every array of an .npz file, in archive order, keyed by entry name without ".npy".
   * Throws {@link UserError} (one line naming the file and the problem) for anything malformed.
   */
  public static LinkedHashMap<String, Array> read(Path file) {
    String where = clean(file.toString());
    if (!Files.isRegularFile(file)) throw new UserError(where + ": no such file");
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException e) {
      throw new UserError(
          where + ": is not an .npz archive (numpy.savez output expected): " + why(e), e);
    }
    try (zip) {
      if (zip.size() > MAX_ENTRIES) {
        throw new UserError(where + ": has " + zip.size() + " entries, more than the "
            + MAX_ENTRIES + " allowed");
      }
      LinkedHashMap<String, Array> out = new LinkedHashMap<>();
      long total = 0;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        String at = where + ": entry " + clean(e.getName());
        if (e.isDirectory() || !e.getName().endsWith(".npy")) {
          throw new UserError(at + ": is not a .npy array (an .npz holds only <key>.npy entries)");
        }
        String key = e.getName().substring(0, e.getName().length() - 4);
        if (out.containsKey(key)) throw new UserError(at + ": appears twice");
        Array a;
        try (InputStream in = zip.getInputStream(e)) {
          a = NpyReader.read(in, e, at);
        } catch (IOException ex) {
          throw new UserError(at + ": cannot be read (corrupt archive?): " + why(ex), ex);
        }
        total += a.size();
        if (total >= Integer.MAX_VALUE) throw new UserError(where + ": holds too many values");
        out.put(key, a);
      }
      return out;
    } catch (IOException e) {
      throw new UserError(where + ": cannot be read: " + why(e), e);
    }
  }

  /** Element count, or -1 if a dimension is negative or the count passes Integer.MAX_VALUE. */
  static long count(long[] shape) {
    if (Arrays.stream(shape).anyMatch(d -> d < 0 || d > Integer.MAX_VALUE)) return -1;
    long n = 1;
    for (long d : shape) {
      n *= d; // both factors are at most Integer.MAX_VALUE here, so the long cannot overflow
      if (n > Integer.MAX_VALUE) return Arrays.stream(shape).anyMatch(x -> x == 0) ? 0 : -1;
    }
    return n;
  }

  /** Keeps messages on one line whatever an entry name or header contains. */
  static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  private static String why(Exception e) {
    return clean(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
