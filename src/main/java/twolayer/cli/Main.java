package twolayer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.agg.EvalSum;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.data.RecordSplit;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;
import twolayer.model.GradCheck;
import twolayer.model.Gemm;
import twolayer.model.Shape;
import twolayer.model.Weights;
import twolayer.report.ClassMetrics;
import twolayer.report.Report;
import twolayer.train.Checkpoints;
import twolayer.train.Evaluation;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;
import twolayer.transport.Transport;

/**
 * {@code submit.sh train|evaluate|gradcheck}: parse, configure, load, train, report. The only place that
 * turns errors into exit codes: 2 for bad input (one line on stderr), 3 for a diverged run.
 */
public final class Main {
  static final String USAGE = "usage: submit.sh train [--conf FILE] [--KEY VALUE ...]\n"
      + "       submit.sh evaluate --model M.npz [--data PATH] [--split train|val|test] [--reg λ] [--json]\n"
      + "       submit.sh predict --model M.npz INPUT... [--out FILE.csv|FILE.json] [--top 3] [--spark-above N]\n"
      + "       submit.sh search [--space conf/search.properties] [--trials N] [--minutes M] [--pack K] [--parallel P] [--halving R] [--grid] [--KEY VALUE ...]\n"
      + "       submit.sh bench [--quick] [--KEY VALUE ...]\n"
      + "       submit.sh gradcheck";

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command and returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> rest = args.length > 0 ? Arrays.asList(args).subList(1, args.length) : List.of();
    boolean verbose = rest.contains("--verbose");
    try {
      switch (args.length == 0 ? "" : args[0]) {
        case "train":
          train(Settings.parse(rest, Set.of(), Set.of("verbose", "resume", "overwrite")), out);
          return 0;
        case "evaluate":
          evaluate(Settings.parse(rest, Set.of("model", "split"), Set.of("json", "verbose")), out);
          return 0;
        case "predict":
          PredictCommand.run(Settings.parse(rest, Set.of("model", "top", "spark-above"), Set.of("verbose")), out);
          return 0;
        case "search":
          SearchCommand.run(rest, out);
          return 0;
        case "compare-mlp":
          compareMlp(Settings.parse(rest, Set.of("mlp-iterations"), Set.of("verbose")), out);
          return 0;
        case "bench":
          bench(Settings.parse(rest, Set.of(), Set.of("quick", "verbose")), out);
          return 0;
        case "gradcheck":
          return gradcheck(out);
        case "cds-warmup": // submit.sh's, not a user's (see Warmup)
          Warmup.run();
          return 0;
        case "help":
        case "--help":
          out.println(USAGE);
          return 0;
        default:
          err.println("error: unknown command '" + (args.length == 0 ? "" : args[0]) + "'\n" + USAGE);
          return 2;
      }
    } catch (UserError e) {
      err.println("error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (Trainer.Diverged e) {
      err.println("error: " + e.getMessage());
      return 3;
    }
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
    Path outDir = outputFolder(cfg.run().out());
    if (!settings.flag("resume") && !settings.flag("overwrite") && Files.exists(outDir.resolve("metrics.json"))) {
      throw new UserError("out: " + outDir + " already holds a run (metrics.json); pass --overwrite to replace it,"
          + " --resume to continue it, or choose another --out");
    }
    try (JavaSparkContext sc = spark("twolayer-spark train", cfg.run().master())) {
      out.print(settings.summary(settings.flag("verbose")));
      Loaded d = Loaded.of(sc, cfg);
      CifarSplits data = d.data();
      double[] mean = d.mean(), std = d.std();
      BlockSet train = d.train(), val = d.val(), test = d.test();
      double loadSeconds = d.seconds();
      out.printf("data: %s, %d train / %d val / %d test examples, D=%d, %d classes, %d partitions, loaded in %.1f s%n",
          data.dataset().folder, train.n(), val.n(), test.n(), train.d(), data.dataset().numClasses(),
          train.counts().length, loadSeconds);

      Checkpoints checkpoints = new Checkpoints(cfg.run().checkpoints(), cfg.run().checkpointKeep(),
          sc.hadoopConfiguration());
      Checkpoints.State resume = null;
      if (settings.flag("resume")) {
        resume = checkpoints.latest(out);
        if (resume == null) {
          out.println("--resume: no checkpoint in " + cfg.run().checkpoints() + "; starting from the beginning");
        } else {
          Checkpoints.checkCompatible(resume, settings.all(),
              new Shape(train.d(), cfg.model().hiddenSize(), data.dataset().numClasses()));
        }
      }
      Trainer.Result r = new Trainer(sc, cfg, out)
          .withCheckpoints(checkpoints, new LinkedHashMap<>(settings.all()), mean, std, resume)
          .train(train, val, data.dataset().numClasses());
      EvalSum testEval = writeRun(outDir, sc, settings.all(), cfg, r, test, data, mean, std, loadSeconds);
      out.printf("final: loss %.6f  train accuracy %.4f  val accuracy %.4f  test accuracy %.4f  (%.0f examples/s, %.1f s in all)%n",
          r.loss(), r.trainAccuracy(), r.valAccuracy(), testEval.accuracy(), r.examples() / r.loopSeconds(),
          secondsSinceJvmStart());
      out.println("wrote " + outDir.resolve("model.npz") + ", metrics.json, history.csv and report.html");
    }
  }

  /** The CS231n split as cached blocks, preprocessed as {@code cfg} says, and how long loading took. */
  record Loaded(CifarSplits data, double[] mean, double[] std, BlockSet train, BlockSet val, BlockSet test,
      double seconds) {
    static Loaded of(JavaSparkContext sc, TrainConfig cfg) {
      long t0 = System.nanoTime();
      CifarSplits data = CifarSplits.open(sc, cfg.data().places(), cfg.data().cacheDir(), cfg.data().md5(),
          cfg.data().partitions());
      List<RecordSplit> trainSplits = data.trainSplits(cfg.data().trainSize(), cfg.data().valSize());
      double[][] stats = data.stats(trainSplits, cfg.data().standardize());
      double[] mean = stats[0], std = stats[1];
      BlockSet train = data.blocks("train", trainSplits, mean, std);
      BlockSet val = data.blocks("val", data.valSplits(cfg.data().trainSize(), cfg.data().valSize()), mean, std);
      BlockSet test = data.blocks("test", data.testSplits(cfg.data().testSize()), mean, std);
      return new Loaded(data, mean, std, train, val, test, (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Evaluates a finished run on the test set and writes its results into {@code outDir}: model.npz,
   * metrics.json, history.csv and report.html.
   */
  static EvalSum writeRun(Path outDir, JavaSparkContext sc, Map<String, String> settings, TrainConfig cfg,
      Trainer.Result r, BlockSet test, CifarSplits data, double[] mean, double[] std, double loadSeconds) {
    sc.setJobDescription("evaluate: test set");
    EvalSum testEval = Evaluation.of(test, Weights.of(r.shape(), r.weights(), cfg.model().single()),
        cfg.loop().aggDepth());
    new ModelFile(r.shape(), r.weights(), mean, std).save(outDir.resolve("model.npz"));

    Map<String, Object> config = new LinkedHashMap<>(settings);
    config.put("partitions_effective", test.counts().length); // the same for every split
    config.put("iterations_effective", cfg.totalIterations());
    config.put("data_folder", data.dataset().folder);
    Map<String, Object> fin = new LinkedHashMap<>();
    fin.put("loss", r.loss());
    fin.put("train_accuracy", r.trainAccuracy());
    fin.put("val_accuracy", r.valAccuracy());
    fin.put("test_accuracy", testEval.accuracy());
    Map<String, Object> timing = new LinkedHashMap<>();
    timing.put("total_seconds", secondsSinceJvmStart());
    timing.put("examples_per_second", r.examples() / r.loopSeconds());
    timing.put("train_loop_seconds", r.loopSeconds());
    timing.put("eval_seconds", r.evalSeconds());
    timing.put("load_seconds", loadSeconds);
    timing.put("iteration_ms", r.iterationMillis());
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("config", config);
    metrics.put("history", r.history());
    metrics.put("final", fin);
    metrics.put("timing", timing);
    metrics.put("environment", environment(sc));
    metrics.put("class_names", data.dataset().classNames);
    metrics.put("test_confusion", ClassMetrics.rows(testEval.confusion(), data.dataset().numClasses()));
    JsonFiles.write(outDir.resolve("metrics.json"), metrics);
    JsonFiles.writeCsv(outDir.resolve("history.csv"), r.history(),
        List.of("iteration", "epoch", "loss", "learning_rate", "train_accuracy", "val_accuracy"));
    Report.write(outDir);
    return testEval;
  }

  static void evaluate(Settings settings, PrintStream out) {
    if (!settings.has("model")) {
      throw new UserError("--model: the model to evaluate is missing (--model OUT/model.npz)");
    }
    String split = settings.has("split") ? settings.text("split") : "test";
    if (!List.of("train", "val", "test").contains(split)) {
      throw new UserError("--split: '" + split + "' is not one of train, val, test");
    }
    // the loss adds λ(ΣW1²+ΣW2²) only for a λ given here: the training default does not apply
    double reg = settings.explicit("reg") ? settings.atLeastZero("reg") : 0;
    ModelFile model = ModelFile.load(Path.of(settings.text("model")));
    TrainConfig cfg = settings.trainConfig();
    try (JavaSparkContext sc = spark("twolayer-spark evaluate", cfg.run().master())) {
      CifarSplits data = CifarSplits.open(sc, cfg.data().places(), cfg.data().cacheDir(), cfg.data().md5(),
          cfg.data().partitions());
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
      EvalSum e = Evaluation.of(set, Weights.of(model.shape(), model.weights(), cfg.model().single()),
          cfg.loop().aggDepth());
      double loss = e.meanLoss() + twolayer.model.TwoLayerNet.addRegularization(model.shape(), model.weights(), reg, null);
      Map<String, Object> res = new LinkedHashMap<>();
      res.put("model", settings.text("model"));
      res.put("split", split);
      res.put("examples", e.count());
      res.put("accuracy", e.accuracy());
      res.put("loss", loss);
      res.put("data_loss", e.meanLoss());
      res.put("reg", reg);
      List<String> names = data.dataset().classNames;
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

  static void compareMlp(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    Path outDir = outputFolder(cfg.run().out());
    int mlpIterations = settings.has("mlp-iterations") ? settings.intAtLeast("mlp-iterations", 1) : 100;
    try (JavaSparkContext sc = spark("twolayer-spark compare-mlp", cfg.run().master())) {
      org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
          .getOrCreate();
      twolayer.ml.TwoLayerNetClassifier ours = new twolayer.ml.TwoLayerNetClassifier()
          .setHiddenSize(cfg.model().hiddenSize())
          .setStepSize(cfg.optim().learningRate()).setRegParam(cfg.optim().reg()).setBatchSize(cfg.loop().batchSize())
          .setMaxIter(cfg.totalIterations()).setLrDecay(cfg.optim().lrDecay()).setInitStd(cfg.model().initStd())
          .setSeed(cfg.loop().seed()).setSolver(cfg.optim().updateRule()).setMomentum(cfg.optim().momentum())
          .setInit(cfg.model().init())
          .setStandardize(cfg.data().standardize()).setPrecision(cfg.model().precision());
      Map<String, Object> res = twolayer.ml.MlpComparison.run(spark, String.join(",", cfg.data().places()),
          cfg.data().trainSize(), cfg.data().testSize(), cfg.model().hiddenSize(), ours, mlpIterations, out);
      JsonFiles.write(outDir.resolve("compare-mlp.json"), res);
      out.println("wrote " + outDir.resolve("compare-mlp.json"));
    }
  }

  static void bench(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    Path outDir = outputFolder(cfg.run().out());
    java.util.function.Function<Map<String, String>, TrainConfig> cases = o -> settings.with(o).trainConfig();
    Map<String, Object> res;
    String local;
    try (JavaSparkContext sc = spark("twolayer-spark bench", cfg.run().master())) {
      res = new twolayer.bench.Bench(sc, cfg, cases, settings.flag("quick"), out).run();
      res.put("environment", environment(sc));
      local = "local[" + sc.defaultParallelism() + "]"; // as many task threads as the executors had cores
      if (Transport.of(sc) == Transport.of(new SparkConf().setMaster(local))) {
        local = null; // this master's tasks already run in the driver's JVM
      }
    }
    if (local != null) { // the same cases with the executors in this JVM: what the cluster costs
      try (JavaSparkContext sc = spark("twolayer-spark bench", local, Map.of(), true)) {
        twolayer.bench.Bench.compare(res, new twolayer.bench.Bench(sc, cfg, cases, settings.flag("quick"), out));
      }
    }
    JsonFiles.write(outDir.resolve("bench.json"), res);
    out.println("wrote " + outDir.resolve("bench.json"));
  }

  static int gradcheck(PrintStream out) {
    Shape s = new Shape(7, 10, 4);
    Map<String, Double> errors = GradCheck.run(s, 6, 0.1, 42);
    double worst = 0;
    for (Map.Entry<String, Double> e : errors.entrySet()) {
      out.printf("%-3s max relative error %.3e%n", e.getKey(), e.getValue());
      worst = Math.max(worst, e.getValue());
    }
    boolean ok = worst < 1e-7;
    out.println(ok ? "gradcheck passed (all below 1e-7)" : "gradcheck FAILED (above 1e-7)");
    return ok ? 0 : 1;
  }

  /** Spark as spark-submit configured it; the configured master only when none was given. */
  static JavaSparkContext spark(String name, String master) {
    return spark(name, master, Map.of());
  }

  /** The Spark context, with {@code defaults} for settings that spark-submit's --conf did not give. */
  static JavaSparkContext spark(String name, String master, Map<String, String> defaults) {
    return spark(name, master, defaults, false);
  }

  /** The same; with {@code force}, {@code master} even when spark-submit gave another. */
  static JavaSparkContext spark(String name, String master, Map<String, String> defaults, boolean force) {
    SparkConf conf = new SparkConf().setAppName(name);
    defaults.forEach(conf::setIfMissing);
    if (force || !conf.contains("spark.master")) {
      conf.setMaster(master);
    }
    Transport.configure(conf);
    return new JavaSparkContext(conf);
  }

  static Path outputFolder(String out) {
    Path dir = Path.of(out);
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

  static Map<String, Object> environment(JavaSparkContext sc) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("spark_master", sc.master());
    env.put("spark_version", sc.version());
    env.put("java", System.getProperty("java.version"));
    env.put("blas", Gemm.implementation());
    env.put("transport", Transport.of(sc).toString());
    env.put("default_parallelism", sc.defaultParallelism());
    return env;
  }

  static double secondsSinceJvmStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
  }
}
