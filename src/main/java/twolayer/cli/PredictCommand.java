package twolayer.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.predict.Predictor;

/** {@code submit.sh predict}: top-k classes of .bin records or images with a saved model. */
final class PredictCommand extends Command {
  PredictCommand() {
    super("predict", "The most likely classes, with their probabilities, of every record of CIFAR-10 .bin files and of"
        + " PNG/JPEG images, by a saved model; in one process, or on Spark for large .bin inputs.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.value("model", "", "The model to predict with (OUT/model.npz); required."),
        Option.value("top", "3", "Classes shown per input."),
        Option.value("out", "", "Write the predictions to this .csv or .json file instead of printing them."),
        Option.value("spark-above", "100000", "Predict on Spark when the .bin inputs hold more records than this."));
  }

  @Override
  Set<String> trainingKeys() {
    return Set.of("master");
  }

  @Override
  String[] inputs() {
    return new String[] {"INPUT", "CIFAR-10 .bin files and PNG/JPEG images (other sizes than 32x32 are scaled)."};
  }

  @Override
  int run(Settings settings, PrintStream out) {
    if (!settings.has("model")) {
      throw new UserError("--model: the model to predict with is missing (--model OUT/model.npz)");
    }
    if (settings.positional().isEmpty()) {
      throw new UserError("predict: no input given (CIFAR-10 .bin files or PNG/JPEG images)");
    }
    int top = settings.intAtLeast("top", 1);
    ModelFile model = RunFiles.model(settings.text("model"));
    List<Path> inputs = settings.positional().stream().map(Path::of).toList();
    for (Path p : inputs) {
      if (!Files.isRegularFile(p)) {
        throw new UserError(p + ": no such file");
      }
    }
    List<String> names = model.shape().c() == CifarDataset.CIFAR10_CLASSES.size() ? CifarDataset.CIFAR10_CLASSES
        : java.util.stream.IntStream.range(0, model.shape().c()).mapToObj(String::valueOf).toList();
    long records = 0;
    for (Path p : inputs) {
      records += p.toString().endsWith(".bin") ? p.toFile().length() / (model.shape().d() + 1) : 0;
    }
    long sparkAbove = settings.longValue("spark-above");
    List<Predictor.Prediction> preds;
    if (records > sparkAbove && inputs.stream().allMatch(p -> p.toString().endsWith(".bin"))) {
      try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark predict", settings.text("master"))) {
        preds = Predictor.predictOnSpark(sc, model, inputs);
      }
    } else {
      preds = new Predictor(model).predict(inputs);
    }
    int k = Math.min(top, names.size());
    if (settings.explicit("out")) {
      write(Path.of(settings.text("out")), preds, names, k, out);
    } else {
      print(preds, names, k, out);
    }
    return 0;
  }

  private static void print(List<Predictor.Prediction> preds, List<String> names, int k, PrintStream out) {
    for (Predictor.Prediction p : preds) {
      StringBuilder b = new StringBuilder(p.input()).append(':');
      int[] rank = p.ranking();
      for (int i = 0; i < k; i++) {
        b.append(String.format(" %s %.4f%s", names.get(rank[i]), p.probabilities()[rank[i]], i + 1 < k ? "," : ""));
      }
      out.println(b);
    }
  }

  private static void write(Path file, List<Predictor.Prediction> preds, List<String> names, int k, PrintStream out) {
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (Predictor.Prediction p : preds) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("input", p.input());
      row.put("label", p.label() >= 0 ? names.get(p.label()) : "");
      int[] rank = p.ranking();
      for (int i = 0; i < k; i++) {
        row.put("class" + (i + 1), names.get(rank[i]));
        row.put("probability" + (i + 1), p.probabilities()[rank[i]]);
      }
      rows.add(row);
    }
    if (file.toString().endsWith(".json")) {
      JsonFiles.write(file, rows);
    } else {
      JsonFiles.writeCsv(file, rows, new java.util.ArrayList<>(rows.get(0).keySet()));
    }
    out.println("wrote " + preds.size() + " predictions to " + file);
  }
}
