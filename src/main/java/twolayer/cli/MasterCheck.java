package twolayer.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import twolayer.UserError;
import twolayer.data.HadoopLookup;

/**
 * A standalone master that does not answer, told before Spark starts. Spark's own client tries to
 * register three times, 20 s apart, logging a stack trace each time, and then stops the context under the
 * command (measured here: 60 s, then {@code Cannot call methods on a stopped SparkContext}, exit 1).
 */
final class MasterCheck {
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private MasterCheck() {}

  /** Throws a {@link UserError} unless one of {@code master}'s {@code spark://HOST:PORT[,HOST:PORT...]} accepts a connection. */
  static void reachable(String master) {
    if (master == null || !master.startsWith("spark://")) {
      return; // local masters, YARN and Kubernetes: their own clients say what is wrong
    }
    List<String> failures = new ArrayList<>();
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      int port = colon < 0 ? -1 : parsePort(hostPort.substring(colon + 1));
      if (port < 0) {
        throw new UserError("master: " + master + ": '" + hostPort + "' is not HOST:PORT (spark://HOST:7077)");
      }
      String host = hostPort.substring(0, colon).replaceAll("^\\[|\\]$", ""); // [IPv6]:port
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException e) {
        failures.add(HadoopLookup.unreachable("spark://" + hostPort, e));
      }
    }
    throw new UserError("master: " + master + ": " + String.join("; ", failures) + " (is its Master running?)");
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      return p > 0 && p < 65536 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
