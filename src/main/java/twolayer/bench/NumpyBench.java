package twolayer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The NumPy reference ({@code numpy_bench.py}) run by the machine's python3, and the BLAS kernel it reports. */
final class NumpyBench {
  private final boolean quick;
  private final PrintStream out;

  NumpyBench(boolean quick, PrintStream out) {
    this.quick = quick;
    this.out = out;
  }

  /**
   * The NumPy reference at H and B, with this machine's environment and, when it sets
   * {@code OPENBLAS_CORETYPE}, once more without it (a user's NumPy runs without it; here NumPy's own
   * OpenBLAS then picks a faster kernel): both figures with the kernel each used, and the better one.
   */
  Map<String, Object> numpyBothWays(int h, int b) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("as_is", numpy(true, h + ":" + b));
    if (System.getenv("OPENBLAS_CORETYPE") != null) {
      r.put("coretype_unset", numpy(false, h + ":" + b));
    }
    double best = 0;
    for (Object v : List.copyOf(r.values())) {
      if (v instanceof Map<?, ?> m && m.get("H" + h + "_B" + b) instanceof Map<?, ?> shape) {
        double eps = ((Number) shape.get("examples_per_second")).doubleValue();
        if (eps > best) {
          best = eps;
          r.put("best_examples_per_second", eps);
          r.put("best_kernel", m.get("kernel"));
        }
      }
    }
    return r;
  }
  /** Runs the NumPy reference with the machine's python3, all cores for its BLAS; an error entry when unavailable. */
  Map<String, Object> numpy(boolean coretypeAsIs, String... shapes) {
    Map<String, Object> r = new LinkedHashMap<>();
    try (InputStream in = Bench.class.getResourceAsStream("numpy_bench.py")) {
      Path script = Files.createTempFile("numpy_bench", ".py");
      Files.write(script, in.readAllBytes());
      List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), quick ? "2" : "6"));
      cmd.addAll(List.of(shapes));
      out.println("  NumPy reference (" + String.join(" ", cmd.subList(2, cmd.size()))
          + (coretypeAsIs ? "" : ", OPENBLAS_CORETYPE unset") + ")");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
      pb.environment().remove("OPENBLAS_NUM_THREADS"); // NumPy is one process: let its BLAS use every core
      if (!coretypeAsIs) {
        pb.environment().remove("OPENBLAS_CORETYPE");
      }
      Process p = pb.start();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      p.getInputStream().transferTo(buf);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        r.put("error", "python3 failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        return r;
      }
      Files.deleteIfExists(script);
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(buf.toString(StandardCharsets.UTF_8), Map.class);
      out.println("  " + parsed);
      return parsed;
    } catch (IOException | InterruptedException e) {
      r.put("error", "python3 with numpy is not available (" + e.getMessage() + ")");
      return r;
    }
  }
  /**
   * The OpenBLAS kernel of {@code libblas.so.3}, the library netlib's JNI loads, as this process's environment
   * steers it (asked of python3's ctypes; null when that fails or the library is not OpenBLAS).
   */
  static String blasKernel() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import ctypes; f = ctypes.CDLL('libblas.so.3')"
          + ".openblas_get_corename; f.restype = ctypes.c_char_p; print(f().decode())").start();
      String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !name.isEmpty() ? name : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }}
