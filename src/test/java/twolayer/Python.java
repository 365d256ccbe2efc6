package twolayer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * python3 with NumPy, for the tests that check the project against NumPy. Debian's /usr/bin/python3
 * first (CI installs python3-numpy for it, see .ci/run), then python3 on the PATH. Where neither imports
 * numpy the test is skipped, except under CI (the environment variable CI set), where NumPy is installed
 * on purpose and its absence is a failure.
 */
public final class Python {
  private static String found; // the python3 that imports numpy, "" when none does

  private Python() {}

  /** The python3 command to run; skips the calling test (fails it under CI) when none imports numpy. */
  public static synchronized String withNumpy() {
    if (found == null) {
      found = "";
      for (String python : List.of("/usr/bin/python3", "python3")) {
        if (importsNumpy(python)) {
          found = python;
          break;
        }
      }
    }
    if (found.isEmpty()) {
      String why = "no python3 here imports numpy (tried /usr/bin/python3 and python3 on the PATH)";
      if (System.getenv("CI") != null) {
        Assertions.fail(why + "; CI installs python3-numpy, so under CI this is a failure, not a skip");
      }
      Assumptions.assumeTrue(false, why);
    }
    return found;
  }

  private static boolean importsNumpy(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import numpy").redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false; // no such program
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
