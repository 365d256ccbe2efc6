package twolayer.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.agg.EvalSum;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.data.RecordSplit;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.model.Weights;
import twolayer.report.ClassMetrics;
import twolayer.train.Evaluation;
import twolayer.train.TrainConfig;

/** {@code submit.sh evaluate}: a saved model's accuracy and loss on a split, per class and as a confusion matrix. */
final class EvaluateCommand extends Command {
  EvaluateCommand() {
    super("evaluate", "Accuracy and loss of a saved model on a split of the data, per class and as a confusion matrix.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.value("model", "", "The model to evaluate (OUT/model.npz); required."),
        Option.value("split", "test", "The split to evaluate on: train, val or test."),
        // the loss adds λ(ΣW1²+ΣW2²) only for a λ given here: the training default does not apply
        Option.value("reg", "0", "The loss adds reg * (sum W1^2 + sum W2^2) for the reg given here."),
        Option.flag("json", "Print the results as JSON."));
  }

  @Override
  int run(Settings settings, PrintStream out) {
    if (!settings.has("model")) {
      throw new UserError("--model: the model to evaluate is missing (--model OUT/model.npz)");
    }
    String split = settings.text("split");
    if (!List.of("train", "val", "test").contains(split)) {
      throw new UserError("--split: '" + split + "' is not one of train, val, test");
    }
    double reg = settings.explicit("reg") ? settings.atLeastZero("reg") : 0;
    ModelFile model = RunFiles.model(settings.text("model"));
    TrainConfig cfg = settings.trainConfig();
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark evaluate", cfg.run().master())) {
      CifarSplits data = CifarSplits.open(sc, cfg.data().places(), cfg.data().cacheDir(), cfg.data().md5(), cfg.data().partitions());
      List<RecordSplit> splits = switch (split) {
        case "train" -> data.trainSplits(cfg.data().trainSize(), cfg.data().valSize());
        case "val" -> data.valSplits(cfg.data().trainSize(), cfg.data().valSize());
        default -> data.testSplits(cfg.data().testSize());
      };
      BlockSet set = data.blocks(split, splits, model.mean(), model.std());
      if (model.shape().c() != data.dataset().numClasses()) {
        throw new UserError(settings.text("model") + ": the model has " + model.shape().c()
            + " classes, the data " + data.dataset().numClasses());
      }
      sc.setJobDescription("evaluate: " + split + " set");
      EvalSum e = Evaluation.of(set, cfg.model().kernel().weights(model.shape(), model.weights()), cfg.loop().aggDepth());
      print(settings, split, e, model, reg, data.dataset().classNames, out);
    }
    return 0;
  }

  private static void print(Settings settings, String split, EvalSum e, ModelFile model, double reg,
      List<String> names, PrintStream out) {
    double loss = e.meanLoss() + twolayer.model.TwoLayerNet.addRegularization(model.shape(), model.weights(), reg, null);
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("model", settings.text("model"));
    res.put("split", split);
    res.put("examples", e.count());
    res.put("accuracy", e.accuracy());
    res.put("loss", loss);
    res.put("data_loss", e.meanLoss());
    res.put("reg", reg);
    res.put("per_class", ClassMetrics.of(e.confusion(), names));
    res.put("confusion", ClassMetrics.rows(e.confusion(), names.size()));
    res.put("class_names", names);
    if (settings.flag("json")) {
      out.println(JsonFiles.toJson(res));
    } else {
      out.printf("%s: %d examples, accuracy %.4f, loss %.6f (data loss %.6f + reg %.6f)%n", split, e.count(),
          e.accuracy(), loss, e.meanLoss(), loss - e.meanLoss());
      out.print(ClassMetrics.text(e.confusion(), names));
    }
  }
}
