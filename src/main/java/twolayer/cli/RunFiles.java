package twolayer.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import twolayer.UserError;
import twolayer.agg.EvalSum;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.data.HadoopLookup;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.model.Weights;
import twolayer.report.ClassMetrics;
import twolayer.report.Report;
import twolayer.train.Evaluation;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/** A run's output folder and what a finished run leaves in it. */
final class RunFiles {
  private RunFiles() {}

  /**
   * The output folder, created (a Hadoop path with the Hadoop settings the run's Spark context will
   * have); a {@link UserError} naming it when it cannot be or is not writable.
   */
  static OutputFolder outputFolder(String out) {
    return OutputFolder.open(out, RunFiles::hadoopConf);
  }

  /** The Hadoop settings that a Spark context of this command would have ({@code spark.hadoop.*}, site files). */
  static Configuration hadoopConf() {
    return SparkHadoopUtil.get().newConfiguration(new SparkConf());
  }

  /** The model at {@code given}: a file of this machine, or any Hadoop path (read through a temporary copy). */
  static ModelFile model(String given) {
    Path here = HadoopLookup.onThisMachine(given);
    if (here != null) {
      return ModelFile.load(here);
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(given);
    Path copy = null;
    try (HadoopLookup lookup = HadoopLookup.of(p, hadoopConf())) {
      copy = Files.createTempFile("model", ".npz");
      lookup.fs().copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(copy.toUri()), true);
      return ModelFile.load(copy);
    } catch (UserError e) {
      throw new UserError(e.getMessage().replace(String.valueOf(copy), given), e); // name the user's path
    } catch (FileNotFoundException e) {
      throw new UserError(given + ": no such file", e);
    } catch (IOException | RuntimeException e) {
      throw new UserError(given + ": cannot read the model (" + HadoopLookup.unreachable(given, e) + ")", e);
    } finally {
      if (copy != null) {
        copy.toFile().delete();
      }
    }
  }

  /**
   * Evaluates a finished run on the test set and writes its results into {@code outDir}: model.npz,
   * metrics.json, history.csv and report.html.
   */
  static EvalSum writeRun(Path outDir, JavaSparkContext sc, Map<String, String> settings, TrainConfig cfg,
      Trainer.Result r, LoadedData d) {
    BlockSet test = d.test();
    CifarSplits data = d.data();
    sc.setJobDescription("evaluate: test set");
    EvalSum testEval = Evaluation.of(test, cfg.model().kernel().weights(r.shape(), r.weights()), cfg.loop().aggDepth());
    new ModelFile(r.shape(), r.weights(), d.mean(), d.std()).save(outDir.resolve("model.npz"));

    Map<String, Object> config = new LinkedHashMap<>(settings);
    config.put("partitions_effective", test.counts().length); // the same for every split
    config.put("iterations_effective", cfg.totalIterations());
    config.put("data_folder", data.dataset().folder);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("config", config);
    metrics.put("history", r.history());
    metrics.put("final", finalFigures(r, testEval));
    metrics.put("timing", timing(r, d.seconds()));
    Map<String, Object> environment = SparkContexts.environment(sc);
    environment.put("executors", d.executors()); // each one's BLAS, BLAS threads and JIT
    metrics.put("environment", environment);
    metrics.put("class_names", data.dataset().classNames);
    metrics.put("test_confusion", ClassMetrics.rows(testEval.confusion(), data.dataset().numClasses()));
    JsonFiles.write(outDir.resolve("metrics.json"), metrics);
    JsonFiles.writeCsv(outDir.resolve("history.csv"), r.history(),
        List.of("iteration", "epoch", "loss", "learning_rate", "train_accuracy", "val_accuracy"));
    Report.write(outDir);
    return testEval;
  }

  private static Map<String, Object> finalFigures(Trainer.Result r, EvalSum testEval) {
    Map<String, Object> fin = new LinkedHashMap<>();
    fin.put("loss", r.loss());
    fin.put("train_accuracy", r.trainAccuracy());
    fin.put("val_accuracy", r.valAccuracy());
    fin.put("test_accuracy", testEval.accuracy());
    return fin;
  }

  private static Map<String, Object> timing(Trainer.Result r, double loadSeconds) {
    Map<String, Object> timing = new LinkedHashMap<>();
    timing.put("total_seconds", secondsSinceJvmStart());
    timing.put("examples_per_second", r.examples() / r.loopSeconds());
    timing.put("train_loop_seconds", r.loopSeconds());
    timing.put("eval_seconds", r.evalSeconds());
    timing.put("load_seconds", loadSeconds);
    timing.put("iteration_ms", r.iterationMillis());
    return timing;
  }

  static double secondsSinceJvmStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
  }
}
