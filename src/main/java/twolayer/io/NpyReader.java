package twolayer.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import twolayer.UserError;

/**
 * Bounded reader of one {@code .npy} entry: float, int, uint and bool dtypes of either byte order,
 * C or Fortran order, widened to double. Every problem is a one-line {@link UserError} naming the entry.
 */
final class NpyReader {
  private static final Pattern DESCR = Pattern.compile("([<>|=]?)([fiub])(\\d{1,2})");

  private NpyReader() {}

  private record Dtype(String name, char kind, int size, ByteOrder order) {}

  /** A parsed header, and how many bytes the magic, version, length and header itself took. */
  private record Header(Dtype dtype, boolean fortran, long[] shape, long bytes) {}

  /** The array of entry {@code e} ({@code at} names it in messages), its size and CRC checked. */
  static Npz.Array read(InputStream raw, ZipEntry e, String at) throws IOException {
    CheckedInputStream in = new CheckedInputStream(raw, new CRC32());
    Header h = header(in, at);
    long[] shape = h.shape();
    long n = Npz.count(shape);
    if (n < 0 || n >= Integer.MAX_VALUE) {
      throw new UserError(at + ": shape " + shapeText(shape) + " has too many elements");
    }
    Dtype dt = h.dtype();
    long bytes = n * dt.size();
    long present = e.getSize() < 0 ? -1 : e.getSize() - h.bytes();
    if (present >= 0 && present != bytes) {
      throw new UserError(at + ": shape " + shapeText(shape) + " of '" + dt.name() + "' needs "
          + bytes + " data bytes but the entry holds " + present);
    }
    double[] data = readData(in, (int) n, dt, at);
    if (in.read() != -1) throw new UserError(at + ": has data beyond its shape " + shapeText(shape));
    if (e.getCrc() >= 0 && in.getChecksum().getValue() != e.getCrc()) {
      throw new UserError(at + ": CRC check failed (corrupt archive)");
    }
    if (h.fortran() && shape.length > 1) data = fortranToC(data, shape);
    return new Npz.Array(Arrays.stream(shape).mapToInt(d -> (int) d).toArray(), data);
  }

  private static Header header(InputStream in, String at) throws IOException {
    byte[] pre = in.readNBytes(8);
    if (pre.length < 8 || !Arrays.equals(pre, 0, 6, Npz.MAGIC, 0, 6)) {
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
    if (hlen > Npz.MAX_HEADER_BYTES) {
      throw new UserError(at + ": header of " + hlen + " bytes is longer than the "
          + Npz.MAX_HEADER_BYTES + " allowed");
    }
    byte[] hb = in.readNBytes((int) hlen);
    if (hb.length < hlen) throw new UserError(at + ": is truncated in the header");
    String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<?, ?> dict = dict(header, at);
    Dtype dt = dtype(dict.get("descr"), at);
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new UserError(at + ": header fortran_order is not True/False: " + snippet(header));
    }
    return new Header(dt, fortran, shape(dict.get("shape"), at, header), 6 + 2 + lb.length + hlen);
  }

  /** The header's dict, which must have exactly numpy's three keys. */
  private static Map<?, ?> dict(String header, String at) {
    Object parsed;
    try {
      parsed = PyLiteral.parse(header);
    } catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
      throw new UserError(at + ": header is not a valid dict: " + snippet(header));
    }
    if (!(parsed instanceof Map<?, ?> dict)
        || !dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
      throw new UserError(at + ": header needs exactly the keys descr, fortran_order, shape: "
          + snippet(header));
    }
    return dict;
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

  /**
   * Reads n values in chunks, growing the result only as bytes actually arrive, so a declared size
   * that lies (possible for deflated entries) cannot make us allocate memory the file cannot back.
   */
  private static double[] readData(InputStream in, int n, Dtype dt, String at) throws IOException {
    double[] out = new double[Math.min(n, Npz.CHUNK)];
    byte[] buf = new byte[Npz.CHUNK];
    int have = 0;
    while (have < n) {
      int k = Math.min(Npz.CHUNK / dt.size(), n - have);
      int got = in.readNBytes(buf, 0, k * dt.size());
      if (got < k * dt.size()) {
        throw new UserError(at + ": data ends after " + ((long) have * dt.size() + got) + " of "
            + (long) n * dt.size() + " bytes (truncated, or shape larger than the data)");
      }
      if (have + k > out.length) out = Arrays.copyOf(out, (int) Math.min(n, 2L * (have + k)));
      ByteBuffer b = ByteBuffer.wrap(buf, 0, got).order(dt.order());
      if (dt.kind() == 'f' && dt.size() == 8) {
        b.asDoubleBuffer().get(out, have, k);
      } else {
        widen(b, dt, out, have, k);
      }
      have += k;
    }
    return out;
  }

  /** Puts {@code k} values of {@code dt} from {@code b} at {@code out[at..]}, as doubles. */
  private static void widen(ByteBuffer b, Dtype dt, double[] out, int at, int k) {
    int code = dt.kind() * 16 + dt.size();
    for (int i = at; i < at + k; i++) {
      out[i] = switch (code) {
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

  private static String shapeText(long[] shape) {
    return Arrays.toString(shape).replace('[', '(').replace(']', ')');
  }

  private static String snippet(String s) {
    String t = Npz.clean(s.strip());
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }
}
