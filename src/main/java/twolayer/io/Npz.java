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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
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

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int CHUNK = 1 << 16; // a multiple of every item size
  private static final Pattern DESCR = Pattern.compile("([<>|=]?)([fiub])(\\d{1,2})");

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
          a = readNpy(in, e, at);
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

  private record Dtype(String name, char kind, int size, ByteOrder order) {}

  private static Array readNpy(InputStream raw, ZipEntry e, String at) throws IOException {
    CheckedInputStream in = new CheckedInputStream(raw, new CRC32());
    byte[] pre = in.readNBytes(8);
    if (pre.length < 8 || !Arrays.equals(pre, 0, 6, MAGIC, 0, 6)) {
      throw new UserError(at + ": is not a .npy array (bad magic, numpy format expected)");
    }
    int major = pre[6] & 0xff;
    if (major < 1 || major > 3 || pre[7] != 0) {
      throw new UserError(at + ": .npy format version " + major + "." + (pre[7] & 0xff)
          + " is not supported (1.0, 2.0 or 3.0 expected)");
    }
    byte[] lb = in.readNBytes(major == 1 ? 2 : 4);
    if (lb.length < (major == 1 ? 2 : 4)) throw new UserError(at + ": is truncated in the header");
    long hlen = major == 1
        ? Short.toUnsignedLong(ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getShort())
        : Integer.toUnsignedLong(ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getInt());
    if (hlen > MAX_HEADER_BYTES) {
      throw new UserError(at + ": header of " + hlen + " bytes is longer than the "
          + MAX_HEADER_BYTES + " allowed");
    }
    byte[] hb = in.readNBytes((int) hlen);
    if (hb.length < hlen) throw new UserError(at + ": is truncated in the header");
    String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Object parsed;
    try {
      Lit lit = new Lit(header);
      parsed = lit.value(0);
      if (!lit.s.substring(lit.p).isBlank()) throw new IllegalArgumentException("trailing text");
    } catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
      throw new UserError(at + ": header is not a valid dict: " + snippet(header));
    }
    if (!(parsed instanceof Map<?, ?> dict)
        || !dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
      throw new UserError(at + ": header needs exactly the keys descr, fortran_order, shape: "
          + snippet(header));
    }
    Dtype dt = dtype(dict.get("descr"), at);
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new UserError(at + ": header fortran_order is not True/False: " + snippet(header));
    }
    long[] shape = shape(dict.get("shape"), at, header);
    long n = count(shape);
    if (n < 0 || n >= Integer.MAX_VALUE) {
      throw new UserError(at + ": shape " + shapeText(shape) + " has too many elements");
    }
    long bytes = n * dt.size();
    long present = e.getSize() < 0 ? -1 : e.getSize() - (6 + 2 + lb.length + hlen);
    if (present >= 0 && present != bytes) {
      throw new UserError(at + ": shape " + shapeText(shape) + " of '" + dt.name() + "' needs "
          + bytes + " data bytes but the entry holds " + present);
    }
    double[] data = readData(in, (int) n, dt, at);
    if (in.read() != -1) throw new UserError(at + ": has data beyond its shape " + shapeText(shape));
    if (e.getCrc() >= 0 && in.getChecksum().getValue() != e.getCrc()) {
      throw new UserError(at + ": CRC check failed (corrupt archive)");
    }
    if (fortran && shape.length > 1) data = fortranToC(data, shape);
    return new Array(Arrays.stream(shape).mapToInt(d -> (int) d).toArray(), data);
  }

  private static Dtype dtype(Object descr, String at) {
    String name = descr instanceof String s ? s : String.valueOf(descr);
    Matcher m = DESCR.matcher(name);
    if (m.matches()) {
      char kind = m.group(2).charAt(0);
      int size = Integer.parseInt(m.group(3));
      String order = m.group(1);
      boolean ok = switch (kind) {
        case 'f' -> size == 4 || size == 8;
        case 'i' -> size == 1 || size == 2 || size == 4 || size == 8;
        case 'u' -> size == 1 || size == 2 || size == 4;
        default -> size == 1; // 'b' bool
      };
      if (ok && (size == 1 || !order.equals("|"))) {
        ByteOrder bo = order.equals(">") ? ByteOrder.BIG_ENDIAN
            : order.equals("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
        return new Dtype(name, kind, size, bo);
      }
    }
    throw new UserError(at + ": dtype '" + snippet(name)
        + "' is not supported (float32 or float64 expected)");
  }

  private static long[] shape(Object v, String at, String header) {
    if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof Long d && d >= 0)) {
      return l.stream().mapToLong(x -> (Long) x).toArray();
    }
    throw new UserError(at + ": header shape is not a tuple of sizes: " + snippet(header));
  }

  /** Element count, or -1 if a dimension is negative or the count passes Integer.MAX_VALUE. */
  private static long count(long[] shape) {
    if (Arrays.stream(shape).anyMatch(d -> d < 0 || d > Integer.MAX_VALUE)) return -1;
    long n = 1;
    for (long d : shape) {
      n *= d; // both factors are at most Integer.MAX_VALUE here, so the long cannot overflow
      if (n > Integer.MAX_VALUE) return Arrays.stream(shape).anyMatch(x -> x == 0) ? 0 : -1;
    }
    return n;
  }

  /**
   * Reads n values in chunks, growing the result only as bytes actually arrive, so a declared size
   * that lies (possible for deflated entries) cannot make us allocate memory the file cannot back.
   */
  private static double[] readData(InputStream in, int n, Dtype dt, String at) throws IOException {
    double[] out = new double[Math.min(n, CHUNK)];
    byte[] buf = new byte[CHUNK];
    int have = 0;
    while (have < n) {
      int k = Math.min(CHUNK / dt.size(), n - have);
      int got = in.readNBytes(buf, 0, k * dt.size());
      if (got < k * dt.size()) {
        throw new UserError(at + ": data ends after " + ((long) have * dt.size() + got) + " of "
            + (long) n * dt.size() + " bytes (truncated, or shape larger than the data)");
      }
      if (have + k > out.length) out = Arrays.copyOf(out, (int) Math.min(n, 2L * (have + k)));
      ByteBuffer b = ByteBuffer.wrap(buf, 0, got).order(dt.order());
      if (dt.kind() == 'f' && dt.size() == 8) {
        b.asDoubleBuffer().get(out, have, k);
        have += k;
        continue;
      }
      int code = dt.kind() * 16 + dt.size();
      for (int i = 0; i < k; i++) {
        out[have++] = switch (code) {
          case 'f' * 16 + 4 -> b.getFloat();
          case 'i' * 16 + 1 -> b.get();
          case 'i' * 16 + 2 -> b.getShort();
          case 'i' * 16 + 4 -> b.getInt();
          case 'i' * 16 + 8 -> b.getLong();
          case 'u' * 16 + 2 -> b.getShort() & 0xffff;
          case 'u' * 16 + 4 -> b.getInt() & 0xffffffffL;
          default -> b.get() & 0xff; // u1, b1
        };
      }
    }
    return out;
  }

  /** Reorders column-major (Fortran) data to row-major, for any number of dimensions. */
  private static double[] fortranToC(double[] f, long[] shape) {
    int nd = shape.length;
    long[] stride = new long[nd];
    for (int k = 0; k < nd; k++) stride[k] = k == 0 ? 1 : stride[k - 1] * shape[k - 1];
    double[] c = new double[f.length];
    long[] idx = new long[nd];
    long off = 0;
    for (int i = 0; i < c.length; i++) {
      c[i] = f[(int) off];
      for (int k = nd - 1; k >= 0; k--) { // odometer over the C index, last axis fastest
        off += stride[k];
        if (++idx[k] < shape[k]) break;
        off -= idx[k] * stride[k];
        idx[k] = 0;
      }
    }
    return c;
  }

  /**
   * Parser for the Python literal subset of .npy headers: dicts, tuples, lists, strings, ints,
   * True/False/None. Depth is capped so a hostile header cannot overflow the stack.
   */
  private static final class Lit {
    final String s;
    int p;

    Lit(String s) {
      this.s = s;
    }

    Object value(int depth) {
      if (depth > 8) throw new IllegalArgumentException("nested too deeply");
      skip();
      char c = s.charAt(p);
      if (c == '{' || c == '(' || c == '[') {
        char close = c == '{' ? '}' : c == '(' ? ')' : ']';
        Map<Object, Object> map = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        p++;
        while (true) {
          skip();
          if (s.charAt(p) == close) break;
          Object v = value(depth + 1);
          if (c == '{') {
            skip();
            if (s.charAt(p++) != ':') throw new IllegalArgumentException("':' expected");
            if (map.put(v, value(depth + 1)) != null) throw new IllegalArgumentException("dup");
          } else {
            list.add(v);
          }
          skip();
          if (s.charAt(p) == ',') p++;
          else if (s.charAt(p) != close) throw new IllegalArgumentException("',' expected");
        }
        p++;
        return c == '{' ? map : list;
      }
      if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        for (p++; s.charAt(p) != c; p++) b.append(s.charAt(p) == '\\' ? s.charAt(++p) : s.charAt(p));
        p++;
        return b.toString();
      }
      int start = p;
      while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '-')) p++;
      String w = s.substring(start, p);
      switch (w) {
        case "True": return Boolean.TRUE;
        case "False": return Boolean.FALSE;
        case "None": return "None";
        default: // ints, with the 'L' suffix of headers written by Python 2
          return Long.parseLong(w.endsWith("L") ? w.substring(0, w.length() - 1) : w);
      }
    }

    private void skip() {
      while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
    }
  }

  private static String shapeText(long[] shape) {
    return Arrays.toString(shape).replace('[', '(').replace(']', ')');
  }

  /** Keeps messages on one line whatever an entry name or header contains. */
  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  private static String snippet(String s) {
    String t = clean(s.strip());
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }

  private static String why(Exception e) {
    return clean(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
