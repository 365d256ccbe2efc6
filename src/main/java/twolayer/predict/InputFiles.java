package twolayer.predict;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import twolayer.UserError;
import twolayer.data.HadoopLookup;

/**
 * How predict reaches its inputs: this machine's files with java.nio, Hadoop paths through one
 * {@link HadoopLookup} per server (a new one costs 20-40 ms, a lot for many images), closed with this.
 */
public final class InputFiles implements AutoCloseable {
  /**
   * An input: its name as the user gave it (predictions carry it), where it is as a Hadoop path
   * ({@code file:} for this machine's files) and its length in bytes.
   */
  public record Input(String name, String path, long length) {
    /** Whether it holds CIFAR-10 records rather than an image. */
    public boolean bin() {
      return name.toLowerCase(Locale.ROOT).endsWith(".bin");
    }
  }

  private final Supplier<Configuration> conf;
  private Configuration made;
  private final Map<String, HadoopLookup> servers = new HashMap<>();

  /** {@code conf} is asked once, at the first Hadoop path. */
  public InputFiles(Supplier<Configuration> conf) {
    this.conf = conf;
  }

  /** {@code given} looked up; a {@link UserError} naming it when it is not a file or cannot be reached. */
  public Input find(String given) {
    java.nio.file.Path here = HadoopLookup.onThisMachine(given);
    if (here != null) {
      if (!Files.isRegularFile(here)) {
        throw new UserError((HadoopLookup.hasScheme(given) ? given : here) + ": no such file");
      }
      try {
        // a plain path keeps the name it always had: the Path's own spelling
        return new Input(HadoopLookup.hasScheme(given) ? given : here.toString(), HadoopLookup.fileUri(here),
            Files.size(here));
      } catch (IOException e) {
        throw new UserError(given + ": cannot be read (" + e.getMessage() + ")", e);
      }
    }
    try {
      Path p = new Path(given);
      FileStatus st = fs(p).getFileStatus(p);
      if (!st.isFile()) {
        throw new FileNotFoundException(given + " is a folder");
      }
      return new Input(given, st.getPath().toString(), st.getLen());
    } catch (FileNotFoundException e) {
      throw new UserError(given + ": no such file", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(given + ": cannot be read (" + HadoopLookup.unreachable(given, e) + ")", e);
    }
  }

  /** The bytes of {@code in}. */
  byte[] read(Input in) {
    java.nio.file.Path here = HadoopLookup.onThisMachine(in.path());
    try {
      if (here != null) {
        return Files.readAllBytes(here);
      }
      Path p = new Path(in.path());
      try (InputStream s = fs(p).open(p)) {
        return s.readAllBytes();
      }
    } catch (IOException e) {
      throw new UserError(in.name() + ": cannot be read (" + HadoopLookup.unreachable(in.path(), e) + ")", e);
    }
  }

  private FileSystem fs(Path p) throws IOException {
    String server = p.toUri().getScheme() + "://" + p.toUri().getAuthority();
    HadoopLookup lookup = servers.get(server);
    if (lookup == null) {
      if (made == null) {
        made = conf.get();
      }
      lookup = HadoopLookup.of(p, made);
      servers.put(server, lookup);
    }
    return lookup.fs();
  }

  @Override
  public void close() {
    for (HadoopLookup lookup : servers.values()) {
      try {
        lookup.close();
      } catch (IOException e) {
        // a file system that does not close cleanly fails no prediction that is done
      }
    }
  }
}
