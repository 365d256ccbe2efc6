package twolayer.transport;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;

/**
 * Files on the driver's own disk, read by tasks in other JVMs that may run on machines without them
 * (the data unpacked into {@code data/}, a local input of {@code predict}). The driver's RPC file server,
 * the one that serves the application's jar to the executors (authenticated and encrypted as Spark's
 * other traffic is), serves the file's folder, and a task streams the file from there. Every other
 * Hadoop path is read where it is. The file server is not part of Spark's public API (built and tested
 * against 4.1).
 */
final class DriverFiles {
  private static final String SERVED = "spark://";

  private DriverFiles() {}

  /** Where tasks read {@code path}: a {@code spark://} URI of the driver's file server for a local file, else {@code path}. */
  static String serve(String path) {
    URI uri = new Path(path).toUri();
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return path;
    }
    File file = new File(uri.getPath()).getAbsoluteFile();
    File folder = file.getParentFile();
    // one name per folder, from its path: the server keeps the first folder given a name
    String name = "/twolayer-" + UUID.nameUUIDFromBytes(folder.getPath().getBytes(StandardCharsets.UTF_8));
    String root = SparkEnv.get().rpcEnv().fileServer().addDirectoryIfAbsent(name, folder);
    try {
      return root + new URI(null, null, "/" + file.getName(), null).getRawPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(path, e);
    }
  }

  /** Reads {@code len} bytes at {@code position} of {@code source} (from {@link #serve}, or any Hadoop path). */
  static void readFully(String source, Configuration conf, long position, byte[] b, int off, int len)
      throws IOException {
    if (!source.startsWith(SERVED)) {
      Path p = new Path(source);
      try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
        in.readFully(position, b, off, len);
      }
      return;
    }
    try (InputStream in = Channels.newInputStream(SparkEnv.get().rpcEnv().openChannel(source))) {
      in.skipNBytes(position);
      if (in.readNBytes(b, off, len) < len) {
        throw new EOFException("the driver's copy has fewer than " + (position + len) + " bytes");
      }
      // to the end: a stream closed early fails on the driver's side, which then logs an error
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) { // the file server's own failures (no such file, driver gone)
      throw new IOException("from the driver: " + e.getMessage(), e);
    }
  }
}
