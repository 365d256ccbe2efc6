package twolayer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.Python;
import twolayer.UserError;

class NpzTest {
  @TempDir Path dir;

  // ---- round trip and writer ----

  @Test
  void roundTripKeepsOrderShapesAndBits() throws IOException {
    LinkedHashMap<String, Npz.Array> in = sample();
    Path f = dir.resolve("model.npz");
    Npz.write(f, in);
    LinkedHashMap<String, Npz.Array> out = Npz.read(f);
    assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
    assertEquals(in, out);
    assertEquals(6, out.get("W1").size());
    assertEquals(1, out.get("s").size());
    assertArrayEquals(new int[0], out.get("s").shape());
  }

  @Test
  void writeReplacesAtomicallyAndLeavesNoTempFiles() throws IOException {
    Path f = dir.resolve("model.npz");
    Npz.write(f, sample());
    LinkedHashMap<String, Npz.Array> small = new LinkedHashMap<>();
    small.put("b2", new Npz.Array(new int[] {2}, new double[] {7, 8}));
    Npz.write(f, small);
    assertEquals(small, Npz.read(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
    Path missing = dir.resolve("no/such/dir/model.npz");
    assertThrows(IOException.class, () -> Npz.write(missing, small));
  }

  @Test
  void arrayRejectsShapeThatDoesNotMatchData() {
    assertThrows(IllegalArgumentException.class, () -> new Npz.Array(new int[] {2, 2}, new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new Npz.Array(new int[] {-1}, new double[0]));
  }

  // ---- interoperability with real NumPy ----

  @Test
  void readsNumpySavezAndSavezCompressed() throws Exception {
    python("""
        import numpy as np, sys, os
        d = sys.argv[1]
        a = np.arange(12.0).reshape(3, 4) * 0.5 - 1
        np.savez(os.path.join(d, 'stored.npz'), W1=a, b1=a[0], s=np.float64(2.5), e=np.zeros((0, 3)))
        np.savez_compressed(os.path.join(d, 'deflated.npz'), W1=a.astype('<f4'),
                            b1=a[0].astype('>f8'), c=a.astype('>f4'))
        np.savez(os.path.join(d, 'ints.npz'), i4=np.arange(5, dtype='<i4') - 2,
                 u1=np.arange(5, dtype=np.uint8), i8=np.arange(5, dtype='>i8') * -3)
        """);
    double[] a = new double[12];
    for (int i = 0; i < 12; i++) a[i] = i * 0.5 - 1;
    double[] row = {-1, -0.5, 0, 0.5};

    Path stored = dir.resolve("stored.npz");
    var s = Npz.read(stored);
    assertEquals(List.of("W1", "b1", "s", "e"), List.copyOf(s.keySet()));
    assertEquals(new Npz.Array(new int[] {3, 4}, a), s.get("W1"));
    assertEquals(new Npz.Array(new int[] {4}, row), s.get("b1"));
    assertEquals(new Npz.Array(new int[0], new double[] {2.5}), s.get("s"));
    assertEquals(new Npz.Array(new int[] {0, 3}, new double[0]), s.get("e"));

    var d = Npz.read(dir.resolve("deflated.npz"));
    assertEquals(new Npz.Array(new int[] {3, 4}, a), d.get("W1"));
    assertEquals(new Npz.Array(new int[] {4}, row), d.get("b1"));
    assertEquals(new Npz.Array(new int[] {3, 4}, a), d.get("c"));

    var n = Npz.read(dir.resolve("ints.npz"));
    assertArrayEquals(new double[] {-2, -1, 0, 1, 2}, n.get("i4").data());
    assertArrayEquals(new double[] {0, 1, 2, 3, 4}, n.get("u1").data());
    assertArrayEquals(new double[] {0, -3, -6, -9, -12}, n.get("i8").data());
  }

  @Test
  void readsFortranOrderAndFormatVersions2And3() throws Exception {
    python("""
        import numpy as np, sys, os, zipfile
        d = sys.argv[1]
        a = np.arange(12.0).reshape(3, 4)
        b = np.arange(24.0).reshape(2, 3, 4)
        np.savez(os.path.join(d, 'fortran.npz'), F=np.asfortranarray(a), G=np.asfortranarray(b))
        for v in (2, 3):
            with zipfile.ZipFile(os.path.join(d, 'v%d.npz' % v), 'w') as z:
                with z.open('W1.npy', 'w') as f:
                    np.lib.format.write_array(f, a, version=(v, 0))
        np.savez(os.path.join(d, 'complex.npz'), z=np.zeros(2, dtype=complex))
        """);
    double[] a = new double[12];
    for (int i = 0; i < 12; i++) a[i] = i;
    double[] b = new double[24];
    for (int i = 0; i < 24; i++) b[i] = i;
    var f = Npz.read(dir.resolve("fortran.npz"));
    assertEquals(new Npz.Array(new int[] {3, 4}, a), f.get("F"));
    assertEquals(new Npz.Array(new int[] {2, 3, 4}, b), f.get("G"));
    for (String v : List.of("v2.npz", "v3.npz")) {
      assertEquals(new Npz.Array(new int[] {3, 4}, a), Npz.read(dir.resolve(v)).get("W1"), v);
    }
    UserError e = assertThrows(UserError.class, () -> Npz.read(dir.resolve("complex.npz")));
    assertOneLine(e, dir.resolve("complex.npz").toString());
    assertTrue(e.getMessage().contains("entry z.npy: dtype '<c16' is not supported"), e.getMessage());
  }

  @Test
  void numpyReadsWhatWeWrite() throws Exception {
    Path f = dir.resolve("ours.npz");
    Npz.write(f, sample());
    String out = python("""
        import numpy as np, sys
        with np.load(sys.argv[2]) as d:
            for k in d.files:
                a = d[k]
                print(k, a.dtype.str, a.shape, ' '.join(repr(float(x)) for x in a.ravel()), sep='|')
        """, f.toString());
    List<String> lines = out.strip().lines().toList();
    assertEquals(4, lines.size(), out);
    var want = sample();
    List<String> keys = new ArrayList<>(want.keySet());
    String[] shapes = {"(2, 3)", "(3,)", "()", "(0,)"};
    for (int i = 0; i < 4; i++) {
      String[] p = lines.get(i).split("\\|", -1);
      assertEquals(keys.get(i), p[0]);
      assertEquals("<f8", p[1]);
      assertEquals(shapes[i], p[2]);
      double[] vals = p[3].isEmpty() ? new double[0]
          : Stream.of(p[3].split(" ")).mapToDouble(Double::parseDouble).toArray();
      assertArrayEquals(want.get(keys.get(i)).data(), vals, lines.get(i)); // bit-exact
    }
  }

  // ---- malformed input: each must give a one-line UserError naming the file ----

  @Test
  void refusesMissingFileNonZipEmptyAndTruncated() throws IOException {
    expectError(dir.resolve("absent.npz"), "no such file");
    Path text = Files.writeString(dir.resolve("text.npz"), "W1,b1\n1,2\n");
    expectError(text, "is not an .npz archive (numpy.savez output expected)");
    expectError(Files.write(dir.resolve("empty.npz"), new byte[0]), "is not an .npz archive");
    Path full = dir.resolve("full.npz");
    Npz.write(full, sample());
    byte[] bytes = Files.readAllBytes(full);
    Path cut = Files.write(dir.resolve("cut.npz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    expectError(cut, "is not an .npz archive");
  }

  @Test
  void refusesEntriesThatAreNotNpy() throws IOException {
    expectError(zip("garbage.npz", "W1.npy", "hello, world".getBytes(StandardCharsets.UTF_8)),
        "entry W1.npy: is not a .npy array (bad magic");
    expectError(zip("notes.npz", "notes.txt", npy(1, header("<f8", "(1,)"), new byte[8])),
        "entry notes.txt: is not a .npy array");
    expectError(zip("version.npz", "W1.npy", npy(4, header("<f8", "(1,)"), new byte[8])),
        "version 4.0 is not supported");
    expectError(zip("short.npz", "W1.npy", java.util.Arrays.copyOf(npy(1, header("<f8", "()"), new byte[8]), 9)),
        "truncated");
  }

  @Test
  void refusesBadHeaders() throws IOException {
    expectError(zip("c16.npz", "W1.npy", npy(1, header("<c16", "(1,)"), new byte[16])),
        "entry W1.npy: dtype '<c16' is not supported (float32 or float64 expected)");
    expectError(zip("unparsable.npz", "W1.npy",
            npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, }", new byte[24])),
        "header is not a valid dict");
    expectError(zip("deep.npz", "W1.npy", npy(1, "(".repeat(5000), new byte[0])),
        "header is not a valid dict");
    expectError(zip("keys.npz", "W1.npy", npy(1, "{'descr': '<f8', 'shape': (1,)}", new byte[8])),
        "header needs exactly the keys");
    expectError(zip("negative.npz", "W1.npy", npy(1, header("<f8", "(-1,)"), new byte[8])),
        "header shape is not a tuple");
    // A v2 header claiming 1 MiB is refused from its length field, before reading or allocating it.
    byte[] big = npy(2, header("<f8", "(1,)"), new byte[8]);
    ByteBuffer.wrap(big, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 20);
    expectError(zip("longheader.npz", "W1.npy", big), "header of 1048576 bytes is longer than");
  }

  @Test
  void refusesShapesThatDoNotMatchTheDataWithoutAllocating() throws IOException {
    Path huge = zip("huge.npz", "W1.npy", npy(1, header("<f8", "(10000, 10000)"), new byte[16]));
    assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> expectError(huge, "needs 800000000 data bytes but the entry holds 16"));
    expectError(zip("int.npz", "W1.npy", npy(1, header("<f8", "(100000, 100000)"), new byte[16])),
        "shape (100000, 100000) has too many elements");
    expectError(zip("overflow.npz", "W1.npy",
            npy(1, header("<f8", "(100000, 100000, 100000, 100000)"), new byte[16])),
        "has too many elements");
    expectError(zip("extra.npz", "W1.npy", npy(1, header("<f4", "(3,)"), new byte[16])),
        "needs 12 data bytes but the entry holds 16");
  }

  @Test
  void deflatedEntryWhoseDeclaredSizeLiesIsReadBoundedly() throws IOException {
    // The central directory claims the 800 MB the header needs; the deflated data holds 16 bytes.
    byte[] npy = npy(1, header("<f8", "(10000, 10000)"), new byte[16]);
    Path f = zip("liar.npz", "W1.npy", npy);
    byte[] bytes = Files.readAllBytes(f);
    int cen = indexOf(bytes, new byte[] {'P', 'K', 1, 2});
    assertTrue(cen > 0);
    ByteBuffer.wrap(bytes, cen + 24, 4).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(npy.length - 16 + 800_000_000);
    Files.write(f, bytes);
    assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> expectError(f, "data ends after 16 of 800000000 bytes"));
  }

  @Test
  void refusesTooManyEntriesAndCorruptData() throws IOException {
    Path many = dir.resolve("many.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(many))) {
      for (int i = 0; i <= Npz.MAX_ENTRIES; i++) {
        z.putNextEntry(new ZipEntry("a" + i + ".npy"));
        z.write(npy(1, header("<f8", "()"), new byte[8]));
      }
    }
    expectError(many, "has 1001 entries, more than the 1000 allowed");

    // Flip one bit of a stored value: the CRC check must catch it.
    Path f = dir.resolve("crc.npz");
    LinkedHashMap<String, Npz.Array> one = new LinkedHashMap<>();
    one.put("x", new Npz.Array(new int[] {1}, new double[] {1234.5}));
    Npz.write(f, one);
    byte[] bytes = Files.readAllBytes(f);
    byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1234.5).array();
    int at = indexOf(bytes, value);
    assertTrue(at > 0);
    bytes[at] ^= 1;
    expectError(Files.write(f, bytes), "CRC check failed");
  }

  // ---- helpers ----

  private static LinkedHashMap<String, Npz.Array> sample() {
    LinkedHashMap<String, Npz.Array> m = new LinkedHashMap<>();
    m.put("W1", new Npz.Array(new int[] {2, 3},
        new double[] {0.1, -0.0, 1e-300, Math.PI, Double.MAX_VALUE, Double.MIN_VALUE}));
    m.put("b1", new Npz.Array(new int[] {3}, new double[] {1, -2.5, 3e10}));
    m.put("s", new Npz.Array(new int[0], new double[] {42}));
    m.put("e", new Npz.Array(new int[] {0}, new double[0]));
    return m;
  }

  private static void expectError(Path file, String fragment) {
    UserError e = assertThrows(UserError.class, () -> Npz.read(file));
    assertOneLine(e, file.toString());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static void assertOneLine(UserError e, String file) {
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /** A .npy entry with a raw (unpadded) header: enough to feed the reader malformed input. */
  private static byte[] npy(int major, String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) b.putShort((short) h.length); else b.putInt(h.length);
    b.put(h).put(data);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static String header(String descr, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
  }

  private Path zip(String name, String entry, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(content);
    }
    return f;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Runs a python3 script (argv[1] = the temp dir); without NumPy the test is skipped, or fails under CI. */
  private String python(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Python.withNumpy(), "-c", script, dir.toString()));
    cmd.addAll(List.of(args));
    String out = run(cmd);
    assertTrue(out != null, "python3 script failed");
    return out;
  }

  /**
   * Standard output of a command, or null if it cannot start, fails or hangs. Its standard error goes to
   * a file, shown on failure: a library's note there (OpenBLAS with OPENBLAS_VERBOSE, a NumPy warning)
   * is not part of the output the tests parse.
   */
  private String run(List<String> cmd) {
    try {
      Path errors = Files.createTempFile(dir, "stderr", ".txt");
      Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try {
          p.getInputStream().transferTo(buf);
        } catch (IOException ignored) {
          // process died; exit code tells
        }
      });
      reader.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      reader.join();
      String out = buf.toString(StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        System.err.println(String.join(" ", cmd.subList(0, 1)) + " failed:\n" + out + Files.readString(errors));
        return null;
      }
      return out;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }
}
