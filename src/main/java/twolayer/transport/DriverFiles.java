package twolayer.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;

/**
 * Files on the driver's own disk, read by tasks in other JVMs that may run on machines without them
 * (the data unpacked into {@code data/}, a local input of {@code predict}). The driver's RPC file server,
 * the one that serves the application's jar to the executors (authenticated and encrypted as Spark's
 * other traffic is), serves each such file, and a task streams it from there. Every other Hadoop path is
 * read where it is. The file server is not part of Spark's public API (built and tested against 4.1).
 *
 * <p>The server knows a file by its name alone, so each is served through a link of a unique name in a
 * folder of this JVM's. It is not given the file's folder: it serves a folder's paths without checking
 * that they stay inside it, which would open every file the driver can read to whoever reaches its port.
 */
final class DriverFiles {
  private static final String SERVED = "spark://";
  private static java.nio.file.Path links; // this JVM's folder of links, made on first use

  private DriverFiles() {}

  /** Where tasks read {@code path}: a {@code spark://} URI of the driver's file server for a local file, else {@code path}. */
  static String serve(String path) {
    URI uri = new Path(path).toUri();
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return path;
    }
    java.nio.file.Path file = java.nio.file.Path.of(uri.getPath()).toAbsolutePath();
    String name = UUID.nameUUIDFromBytes(file.toString().getBytes(StandardCharsets.UTF_8)) + "-" + file.getFileName();
    try {
      java.nio.file.Path link = linkFolder().resolve(name);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createSymbolicLink(link, file);
          link.toFile().deleteOnExit();
        } catch (FileAlreadyExistsException e) {
          // another thread made it
        }
      }
      return SparkEnv.get().rpcEnv().fileServer().addFile(link.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + path + " to the executors", e);
    }
  }

  private static synchronized java.nio.file.Path linkFolder() throws IOException {
    if (links == null) {
      links = Files.createTempDirectory("twolayer-served-");
      links.toFile().deleteOnExit(); // after its links, which are registered later
    }
    return links;
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
      if (in.skip(position) < position || in.readNBytes(b, off, len) < len) { // skip reads: it stops only at the end
        throw new EOFException("the driver's copy has fewer than " + (position + len) + " bytes");
      }
      // to the end: a stream closed early fails on the driver's side, which then logs an error
      in.transferTo(OutputStream.nullOutputStream());
    } catch (RuntimeException e) { // the file server's own failures (no such file, driver gone)
      throw new IOException("from the driver: " + e.getMessage(), e);
    }
  }
}
