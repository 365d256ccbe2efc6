package twolayer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import twolayer.UserError;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.io.Npz;
import twolayer.model.Shape;

/**
 * Training state on any Hadoop path: {@code DIR/ckpt-00000490/} holding {@code model.npz} (weights
 * and mean image, as a model) and {@code state.json} (iteration, learning rate, update rule, history and
 * the full configuration). Written into a hidden temporary folder and renamed into place, so a crash
 * while writing leaves the previous checkpoint intact; the newest {@code keep} are kept.
 */
public final class Checkpoints {
  private static final String PREFIX = "ckpt-";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final FileSystem fs;
  private final int keep;

  /** A saved state: weights and mean as a model, the iterations done, the learning rate, the history. */
  public record State(ModelFile model, int iteration, double learningRate, List<Map<String, Object>> history,
      Map<String, Object> config, Map<String, double[]> optimizer, String location) {}

  public Checkpoints(String dir, int keep, Configuration conf) {
    this.dir = new Path(dir);
    this.keep = keep;
    try {
      this.fs = this.dir.getFileSystem(conf);
    } catch (IOException e) {
      throw new UserError("checkpoint-dir: " + dir + " cannot be used (" + e.getMessage() + ")", e);
    }
  }

  /** Writes a checkpoint atomically and drops the oldest beyond {@code keep}. */
  public void save(State s) {
    Path target = new Path(dir, String.format("%s%08d", PREFIX, s.iteration()));
    Path tmp = new Path(dir, "." + target.getName() + ".tmp-" + System.nanoTime());
    java.nio.file.Path local = null;
    try {
      fs.mkdirs(tmp);
      java.nio.file.Path direct = onThisDisk(tmp);
      local = direct != null ? null : Files.createTempFile("checkpoint", ".npz");
      writeNpz(direct, local, tmp, "model.npz", f -> s.model().save(f));
      if (!s.optimizer().isEmpty()) {
        LinkedHashMap<String, Npz.Array> arrays = new LinkedHashMap<>();
        s.optimizer().forEach((k, v) -> arrays.put(k, new Npz.Array(new int[] {v.length}, v)));
        writeNpz(direct, local, tmp, "optimizer.npz", f -> Npz.write(f, arrays));
      }
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("iteration", s.iteration());
      state.put("learning_rate", s.learningRate());
      state.put("update_rule", s.config().get("update-rule"));
      state.put("config", s.config());
      state.put("history", s.history());
      try (OutputStream out = fs.create(new Path(tmp, "state.json"), true)) {
        out.write(JsonFiles.toJson(state).getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename to " + target + " failed");
      }
      prune();
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + target + " could not be written", e);
    } finally {
      if (local != null) {
        local.toFile().delete();
      }
    }
  }

  private interface NpzWriter {
    void write(java.nio.file.Path file) throws IOException;
  }

  /**
   * Writes an .npz into the temporary folder {@code tmp}: straight into it when it is on this machine's
   * disk ({@code direct}), else through the local file {@code local}, copied (and deleted) by the file
   * system. The copy cost a checkpoint at H=500 about 60 of its 105 ms (measured here, local disk).
   */
  private void writeNpz(java.nio.file.Path direct, java.nio.file.Path local, Path tmp, String name, NpzWriter w)
      throws IOException {
    if (direct != null) {
      w.write(direct.resolve(name));
      return;
    }
    w.write(local);
    fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.toUri()), new Path(tmp, name));
  }

  /** {@code p} as a path of the local disk when the checkpoints are on it (a {@code file:} folder), else null. */
  private java.nio.file.Path onThisDisk(Path p) {
    return fs instanceof org.apache.hadoop.fs.LocalFileSystem lfs ? lfs.pathToFile(p).toPath() : null;
  }

  /** The newest checkpoint that reads back whole, or null when there is none; damaged ones are skipped. */
  public State latest(java.io.PrintStream log) {
    for (FileStatus st : list()) {
      try {
        return read(st.getPath());
      } catch (RuntimeException | IOException e) {
        log.println("skipping checkpoint " + st.getPath() + ": " + e.getMessage());
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  State read(Path p) throws IOException {
    java.nio.file.Path local = Files.createTempFile("checkpoint", ".npz");
    try {
      fs.copyToLocalFile(false, new Path(p, "model.npz"), new org.apache.hadoop.fs.Path(local.toUri()), true);
      ModelFile model = ModelFile.load(local);
      Map<String, Object> state;
      try (InputStream in = fs.open(new Path(p, "state.json"))) {
        state = JSON.readValue(in, Map.class);
      }
      Map<String, double[]> optimizer = new LinkedHashMap<>();
      if (fs.exists(new Path(p, "optimizer.npz"))) {
        fs.copyToLocalFile(false, new Path(p, "optimizer.npz"), new org.apache.hadoop.fs.Path(local.toUri()), true);
        Npz.read(local).forEach((k, v) -> optimizer.put(k, v.data()));
      }
      return new State(model, ((Number) state.get("iteration")).intValue(),
          ((Number) state.get("learning_rate")).doubleValue(),
          (List<Map<String, Object>>) state.get("history"), (Map<String, Object>) state.get("config"), optimizer,
          p.toString());
    } finally {
      Files.deleteIfExists(local);
    }
  }

  /** Finished checkpoints, newest first (temporary folders of interrupted writes are ignored). */
  List<FileStatus> list() {
    try {
      if (!fs.exists(dir)) {
        return List.of();
      }
      List<FileStatus> out = new ArrayList<>(Arrays.asList(fs.listStatus(dir, p -> p.getName().startsWith(PREFIX))));
      out.sort((a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
      return out;
    } catch (IOException e) {
      throw new UserError("checkpoint-dir: " + dir + " cannot be listed (" + e.getMessage() + ")", e);
    }
  }

  private void prune() throws IOException {
    List<FileStatus> all = list();
    for (int i = keep; i < all.size(); i++) {
      fs.delete(all.get(i).getPath(), true);
    }
  }

  /** Checks that a checkpoint belongs to this run: the settings that shape the math must agree. */
  public static void checkCompatible(State s, Map<String, String> now, Shape shape) {
    for (String key : List.of("hidden-size", "precision", "batch-size", "seed", "train-size", "reg",
        "learning-rate", "lr-decay", "init-std", "partitions", "update-rule", "momentum", "beta1", "beta2",
        "epsilon", "init", "standardize", "schedule", "flip", "crop-pad", "dropout")) {
      Object then = s.config().get(key);
      if (then != null && !String.valueOf(then).equals(now.get(key))) {
        throw new UserError("--resume: " + s.location() + " was written with " + key + "=" + then
            + ", this run has " + key + "=" + now.get(key) + "; resume with the same settings or start afresh");
      }
    }
    if (!s.model().shape().equals(shape)) {
      throw new UserError("--resume: " + s.location() + " holds a network of shape " + s.model().shape()
          + ", this run needs " + shape);
    }
  }
}
