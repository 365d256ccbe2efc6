package twolayer.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.model.Shape;

/**
 * A run's results without the run: metrics.json (a history of any length, with the shape of a real one:
 * a falling noisy loss, accuracies at epoch ends, a learning rate decayed per epoch, a test confusion
 * matrix with CIFAR-10's class names) and a random CIFAR-shaped model.npz, as the report reads them.
 */
public final class SyntheticRun {
  static final List<String> CIFAR_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
      "horse", "ship", "truck");

  private SyntheticRun() {}

  public static void write(Path dir, int iterations, int perEpoch, long seed) {
    Random rnd = new Random(seed);
    List<Map<String, Object>> history = new ArrayList<>();
    double lr = 1e-3;
    for (int it = 1; it <= iterations; it++) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("iteration", it);
      h.put("epoch", (it - 1) / perEpoch + 1);
      h.put("loss", 1.4 + 0.9 * Math.exp(-it / (0.2 * iterations)) + 0.08 * rnd.nextGaussian());
      h.put("learning_rate", lr);
      if (it % perEpoch == 0 || it == iterations) {
        double progress = (double) it / iterations;
        h.put("train_accuracy", 0.1 + 0.5 * progress + 0.01 * rnd.nextGaussian());
        h.put("val_accuracy", 0.1 + 0.4 * progress + 0.01 * rnd.nextGaussian());
        lr *= 0.95;
      }
      history.add(h);
    }
    List<List<Long>> confusion = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      List<Long> row = new ArrayList<>();
      for (int p = 0; p < 10; p++) {
        row.add((long) (p == t ? 400 + rnd.nextInt(200) : rnd.nextInt(80)));
      }
      confusion.add(row);
    }
    Map<String, Object> fin = new LinkedHashMap<>();
    fin.put("loss", history.get(history.size() - 1).get("loss"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", Map.of("iterations", String.valueOf(iterations)));
    m.put("history", history);
    m.put("final", fin);
    m.put("timing", Map.of());
    m.put("environment", Map.of());
    m.put("class_names", CIFAR_NAMES);
    m.put("test_confusion", confusion);
    JsonFiles.write(dir.resolve("metrics.json"), m);
    Shape s = new Shape(3072, 50, 10);
    double[] w = new double[s.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1e-3 * rnd.nextGaussian();
    }
    new ModelFile(s, w, new double[s.d()]).save(dir.resolve("model.npz"));
  }

  /** {@code SyntheticRun DIR ITERATIONS PER_EPOCH}: writes the run and its report into DIR. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    java.nio.file.Files.createDirectories(dir);
    write(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]), 1);
    System.out.println(Report.write(dir));
  }
}
