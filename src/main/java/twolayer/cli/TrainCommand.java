package twolayer.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.agg.EvalSum;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.model.Shape;
import twolayer.train.Checkpoints;
import twolayer.train.ExecutorBlas;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/** {@code submit.sh train}: parse, configure, load, train, report. */
final class TrainCommand extends Command {
  TrainCommand() {
    super("train", "Trains the network on CIFAR-10; writes OUT/model.npz, metrics.json, history.csv and report.html.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.flag("resume", "Continue the run in --out from its newest good checkpoint."),
        Option.flag("overwrite", "Train into an --out folder that already holds a run, replacing it."));
  }

  @Override
  int run(Settings settings, PrintStream out) {
    train(settings, out);
    return 0;
  }

  static void train(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    if (settings.explicit("iterations") && settings.explicit("epochs")) {
      throw new UserError("--iterations and --epochs conflict: give one (epochs, when above 0, wins)");
    }
    if (settings.flag("resume") && settings.flag("overwrite")) {
      throw new UserError("--resume and --overwrite conflict: resume continues the run in " + cfg.run().out()
          + ", overwrite starts it afresh");
    }
    try (OutputFolder outDir = RunFiles.outputFolder(cfg.run().out())) {
      if (!settings.flag("resume") && !settings.flag("overwrite") && outDir.holds("metrics.json")) {
        throw new UserError("out: " + outDir + " already holds a run (metrics.json); pass --overwrite to replace it,"
            + " --resume to continue it, or choose another --out");
      }
      train(settings, cfg, outDir, out);
    }
  }

  private static void train(Settings settings, TrainConfig cfg, OutputFolder outDir, PrintStream out) {
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark train", cfg.run().master())) {
      out.print(settings.summary(settings.flag("verbose")));
      LoadedData d = LoadedData.of(sc, cfg);
      CifarSplits data = d.data();
      double[] mean = d.mean(), std = d.std();
      BlockSet train = d.train(), val = d.val(), test = d.test();
      double loadSeconds = d.seconds();
      String served = data.dataset().servedByDriver() ? " (the driver serves its files to the executors)" : "";
      out.printf("data: %s%s, %d train / %d val / %d test examples, D=%d, %d classes, %d partitions, loaded in %.1f s"
          + " (train cached in %.0f MB)%n", data.dataset().folder, served, train.n(), val.n(), test.n(), train.d(),
          data.dataset().numClasses(), train.counts().length, loadSeconds, train.cachedBytes() / 1e6);
      String blas = ExecutorBlas.warning(d.executors());
      if (blas != null) {
        out.println(blas);
      }

      Checkpoints checkpoints = new Checkpoints(cfg.run().checkpoints(), cfg.run().checkpointKeep(), sc.hadoopConfiguration());
      Checkpoints.State resume = settings.flag("resume") ? resumeFrom(checkpoints, settings, cfg, d, out) : null;
      Trainer.Result r = new Trainer(sc, cfg, out)
          .withCheckpoints(checkpoints, new LinkedHashMap<>(settings.all()), mean, std, resume)
          .train(train, val, data.dataset().numClasses());
      EvalSum testEval = RunFiles.writeRun(outDir.local(), sc, settings.all(), cfg, r, d);
      out.printf("final: loss %.6f  train accuracy %.4f  val accuracy %.4f  test accuracy %.4f  (%.0f examples/s, %.1f s in all)%n",
          r.loss(), r.trainAccuracy(), r.valAccuracy(), testEval.accuracy(), r.examples() / r.loopSeconds(),
          RunFiles.secondsSinceJvmStart());
      outDir.publish();
      out.println("wrote " + outDir.show("model.npz") + ", metrics.json, history.csv and report.html");
    }
  }

  /** The newest good checkpoint, checked against these settings and data; null (said so) when there is none. */
  private static Checkpoints.State resumeFrom(Checkpoints checkpoints, Settings settings, TrainConfig cfg,
      LoadedData d, PrintStream out) {
    Checkpoints.State resume = checkpoints.latest(out);
    if (resume == null) {
      out.println("--resume: no checkpoint in " + cfg.run().checkpoints() + "; starting from the beginning");
    } else {
      Checkpoints.checkCompatible(resume, settings.all(),
          new Shape(d.train().d(), cfg.model().hiddenSize(), d.data().dataset().numClasses()));
    }
    return resume;
  }
}
