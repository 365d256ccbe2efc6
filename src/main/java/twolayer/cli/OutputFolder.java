package twolayer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import twolayer.UserError;
import twolayer.data.ArchiveCache;
import twolayer.data.HadoopLookup;

/**
 * The {@code out} setting's folder: a folder of this machine, or any Hadoop path ({@code hdfs://},
 * {@code s3a://}, ...) for a driver whose own disk goes when it ends (YARN's and Kubernetes' cluster deploy
 * mode). Commands write with java.nio into {@link #local()}: the folder itself, or a staging folder of
 * this machine whose files {@link #publish()} copies to the Hadoop path, each under a hidden name first
 * and then renamed over the old one, so that no half-copied file replaces a good one.
 */
final class OutputFolder implements AutoCloseable {
  private final String given;
  private final Path local;
  private final FileSystem fs; // null when the folder is on this machine
  private final org.apache.hadoop.fs.Path remote;
  private boolean keep; // a copy failed: the staging folder holds the only results

  private OutputFolder(String given, Path local, FileSystem fs, org.apache.hadoop.fs.Path remote) {
    this.given = given;
    this.local = local;
    this.fs = fs;
    this.remote = remote;
  }

  /** {@code out}, created; {@code conf} is asked only for a Hadoop path. A {@link UserError} naming it when it cannot be. */
  static OutputFolder open(String out, Supplier<Configuration> conf) {
    Path here = HadoopLookup.onThisMachine(out);
    if (here != null) {
      return new OutputFolder(out, localFolder(here), null, null);
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out);
    FileSystem fs;
    try {
      Configuration c = conf.get();
      // a server that does not answer fails here in seconds (HadoopLookup), not after Hadoop's 15 minutes
      try (HadoopLookup lookup = HadoopLookup.of(p, c)) {
        lookup.fs().mkdirs(p);
        if (!lookup.fs().getFileStatus(p).isDirectory()) {
          throw new UserError("out: " + out + " is a file, not a folder");
        }
      }
      fs = p.getFileSystem(c); // Hadoop's own retries for the copies, which come after hours of training
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserError u) throw u;
      throw new UserError("out: cannot create the output folder " + out + " (" + HadoopLookup.unreachable(out, e) + ")", e);
    }
    try {
      return new OutputFolder(out, Files.createTempDirectory("twolayer-out-"), fs, fs.makeQualified(p));
    } catch (IOException e) {
      throw new UncheckedIOException("no staging folder for " + out, e);
    }
  }

  private static Path localFolder(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError("out: cannot create the output folder " + dir + " (" + e.getMessage() + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new UserError("out: the output folder " + dir + " is not writable");
    }
    return dir;
  }

  /** Where the command writes its files. */
  Path local() {
    return local;
  }

  /** The folder {@code name} in {@link #local()}, created. */
  Path folder(String name) {
    return localFolder(local.resolve(name));
  }

  /** {@code name} in the folder as the user knows it, for messages. */
  String show(String name) {
    return fs == null ? local.resolve(name).toString() : new org.apache.hadoop.fs.Path(remote, name).toString();
  }

  @Override
  public String toString() {
    return fs == null ? local.toString() : remote.toString();
  }

  /** Whether the folder holds {@code name} (on the Hadoop path: published there). */
  boolean holds(String name) {
    if (fs == null) {
      return Files.exists(local.resolve(name));
    }
    try {
      return fs.exists(new org.apache.hadoop.fs.Path(remote, name));
    } catch (IOException e) {
      throw new UserError("out: cannot read " + show(name) + " (" + HadoopLookup.unreachable(given, e) + ")", e);
    }
  }

  /** Brings {@code name} from the Hadoop path into the staging folder, when it is there (what a command resumes from). */
  void pull(String name) {
    if (fs != null && holds(name)) {
      try {
        fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(remote, name),
            new org.apache.hadoop.fs.Path(local.resolve(name).toUri()), true);
      } catch (IOException e) {
        throw new UserError("out: cannot read " + show(name) + " (" + HadoopLookup.unreachable(given, e) + ")", e);
      }
    }
  }

  /**
   * Copies every staged file to the Hadoop path (a run's files are a few MB: all of them each time, rather
   * than trusting modification times); nothing for a local folder.
   */
  void publish() {
    if (fs == null) {
      return;
    }
    List<Path> files;
    try (Stream<Path> all = Files.walk(local)) {
      files = all.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : files) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(remote, local.relativize(f).toString());
      try {
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
            "." + target.getName() + ".tmp-" + System.nanoTime());
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), tmp);
        if (fs.exists(target)) {
          fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
          throw new IOException("rename of " + tmp + " failed");
        }
      } catch (IOException e) {
        keep = true;
        throw new UserError("out: cannot copy the results to " + target + " ("
            + HadoopLookup.unreachable(given, e) + "); they are in " + local, e);
      }
    }
  }

  /** Deletes the staging folder, unless a copy failed and it holds the only results. */
  @Override
  public void close() {
    if (fs == null || keep) {
      return;
    }
    ArchiveCache.deleteTree(local); // best effort: a staging folder that stays fails no finished command
  }
}
