package twolayer.data;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file system to look data up with; closing it closes only one made for the lookup. Also how the
 * {@code data} setting's strings become Hadoop paths, and how a server that cannot be reached is told.
 */
public record HadoopLookup(FileSystem fs, boolean own) implements Closeable {
  private static final String TIMEOUT_RETRIES = "ipc.client.connect.max.retries.on.timeouts";
  private static final int LOOKUP_TIMEOUT_RETRIES = 1;

  /**
   * A file system of its own for looking up {@code p} on a server: unless the user's configuration says
   * otherwise, it gives up on one that does not answer after two connection attempts (of Hadoop's connect
   * timeout each, 20 s by default), where Hadoop's default of 46 held the run for 15 minutes without a
   * word before the error. The run's own cached file system (blocks, checkpoints) keeps Hadoop's settings,
   * and local paths use it (the copy of the configuration and a new instance cost 20-40 ms here).
   */
  public static HadoopLookup of(Path p, Configuration conf) throws IOException {
    if ("file".equals(p.toUri().getScheme()) || !hadoopDefault(conf, TIMEOUT_RETRIES)) {
      return new HadoopLookup(p.getFileSystem(conf), false);
    }
    Configuration c = new Configuration(conf);
    c.setInt(TIMEOUT_RETRIES, LOOKUP_TIMEOUT_RETRIES);
    return new HadoopLookup(FileSystem.newInstance(p.toUri(), c), true);
  }

  @Override
  public void close() throws IOException {
    if (own) fs.close();
  }

  /** True when {@code key} has Hadoop's shipped default: set by no site file, Spark setting or code. */
  private static boolean hadoopDefault(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    return sources == null || List.of(sources).equals(List.of("core-default.xml"));
  }

  public static boolean hasScheme(String s) {
    return s.matches("[A-Za-z][A-Za-z0-9+.-]+:.*"); // two letters or more, so "C:\..." stays local
  }

  /** {@code s} as a path of this machine (a plain path or a {@code file:} URI), or null for any other Hadoop path. */
  public static java.nio.file.Path onThisMachine(String s) {
    if (!hasScheme(s)) {
      return java.nio.file.Path.of(s);
    }
    java.net.URI u = new Path(s).toUri();
    return "file".equals(u.getScheme()) ? java.nio.file.Path.of(u.getPath()) : null;
  }

  /** {@code c} as a Hadoop path: a URI as it is, anything else a local path made absolute. */
  static Path hadoopPath(String c) {
    return hasScheme(c) ? new Path(c) : localPath(java.nio.file.Path.of(c));
  }

  static Path localPath(java.nio.file.Path p) {
    return new Path("file", null, p.toAbsolutePath().normalize().toString());
  }

  /** A local file or folder as the Hadoop path string {@code file:/abs/path}. */
  public static String fileUri(java.nio.file.Path p) {
    return localPath(p).toString();
  }

  /**
   * What went wrong with {@code c}: a server that refused or did not answer the connection in a few words
   * (Hadoop's own message, with its host names, retry details and wiki link, ran to 300 characters);
   * anything else as {@link Messages#oneLine}.
   */
  public static String unreachable(String c, Throwable e) {
    String server;
    try {
      server = new Path(c).toUri().getAuthority();
    } catch (IllegalArgumentException bad) {
      server = null;
    }
    if (server == null) return Messages.oneLine(e);
    if (e instanceof ConnectException) return "cannot connect to " + server + ": connection refused";
    if (e instanceof SocketTimeoutException) return "cannot connect to " + server + ": no answer, timed out";
    if (e instanceof UnknownHostException) return "cannot connect to " + server + ": unknown host";
    return Messages.oneLine(e);
  }
}
