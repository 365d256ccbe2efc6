package twolayer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.data.HadoopLookup;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.predict.InputFiles;
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
        Option.value("out", "", "Write the predictions to this .csv or .json file (local or any Hadoop path) instead"
            + " of printing them."),
        Option.value("spark-above", "100000", "Predict on Spark when the .bin inputs hold more records than this."));
  }

  @Override
  Set<String> trainingKeys() {
    return Set.of("master");
  }

  @Override
  String[] inputs() {
    return new String[] {"INPUT", "CIFAR-10 .bin files and PNG/JPEG images (other sizes than 32x32 are scaled), local"
        + " or any Hadoop path."};
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
    List<String> names = model.shape().c() == CifarDataset.CIFAR10_CLASSES.size() ? CifarDataset.CIFAR10_CLASSES
        : java.util.stream.IntStream.range(0, model.shape().c()).mapToObj(String::valueOf).toList();
    int k = Math.min(top, names.size());
    try (InputFiles files = new InputFiles(RunFiles::hadoopConf); OutputFolder remote = remoteOut(settings)) {
      List<InputFiles.Input> inputs = settings.positional().stream().map(files::find).toList();
      long records = inputs.stream().filter(InputFiles.Input::bin)
          .mapToLong(in -> in.length() / (model.shape().d() + 1)).sum();
      List<Predictor.Prediction> preds;
      if (records > settings.longValue("spark-above") && inputs.stream().allMatch(InputFiles.Input::bin)) {
        try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark predict", settings.text("master"))) {
          preds = Predictor.predictOnSpark(sc, model, inputs);
        }
      } else {
        preds = new Predictor(model).predict(inputs, files);
      }
      if (!settings.explicit("out")) {
        print(preds, names, k, out);
        return 0;
      }
      String given = settings.text("out");
      Path file = remote == null ? HadoopLookup.onThisMachine(given)
          : remote.local().resolve(new org.apache.hadoop.fs.Path(given).getName());
      write(file, rows(preds, names, k));
      if (remote != null) {
        remote.publish();
      }
      out.println("wrote " + preds.size() + " predictions to " + (remote == null ? file : given));
    }
    return 0;
  }

  /**
   * For {@code --out} on a Hadoop path, its folder, opened before predicting (a server that refuses fails
   * the command at once): the file is written into a local staging folder and published from there, so
   * no half-copied file replaces a good one. Null for {@code --out} on this machine, or none.
   */
  private static OutputFolder remoteOut(Settings settings) {
    if (!settings.explicit("out") || HadoopLookup.onThisMachine(settings.text("out")) != null) {
      return null;
    }
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(settings.text("out"));
    if (target.getParent() == null) {
      throw new UserError("out: " + settings.text("out") + " names a folder, not a .csv or .json file");
    }
    return RunFiles.outputFolder(target.getParent().toString());
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

  private static List<Map<String, Object>> rows(List<Predictor.Prediction> preds, List<String> names, int k) {
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (Predictor.Prediction p : preds) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("input", p.input());
      // a record's label byte beyond the model's classes (a .bin of other data) is written as its number
      row.put("label", p.label() < 0 ? "" : p.label() < names.size() ? names.get(p.label()) : String.valueOf(p.label()));
      int[] rank = p.ranking();
      for (int i = 0; i < k; i++) {
        row.put("class" + (i + 1), names.get(rank[i]));
        row.put("probability" + (i + 1), p.probabilities()[rank[i]]);
      }
      rows.add(row);
    }
    return rows;
  }

  private static void write(Path file, List<Map<String, Object>> rows) {
    if (file.toString().endsWith(".json")) {
      JsonFiles.write(file, rows);
    } else {
      JsonFiles.writeCsv(file, rows, new java.util.ArrayList<>(rows.get(0).keySet()));
    }
  }
}
