package twolayer.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.model.Gemm;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/**
 * {@code submit.sh bench}: the trainer's speed next to what the hardware and Spark allow, in one run on the
 * real data: gemm GFLOP/s at the training shapes, the kernel in one process without Spark, the trainer
 * (with the split of an iteration), the trivial-job floor, Spark's MultilayerPerceptronClassifier, NumPy.
 */
public final class Bench {
  static final int[] HIDDEN = {50, 500};
  static final int[] BATCH = {200, 2000};
  static final int C = 10;

  private final JavaSparkContext sc;
  private final TrainConfig base;
  private final java.util.function.Function<Map<String, String>, TrainConfig> configs;
  private final boolean quick;
  private final PrintStream out;

  /**
   * @param configs the base settings with some keys replaced, as typed settings (the CLI's parsing,
   *     so every bench case is validated like a command line)
   */
  public Bench(JavaSparkContext sc, TrainConfig base, java.util.function.Function<Map<String, String>, TrainConfig> configs,
      boolean quick, PrintStream out) {
    this.configs = configs;
    this.sc = sc;
    this.base = base;
    this.quick = quick;
    this.out = out;
  }

  /** FLOPs of one example's forward and backward pass: 4·D·H + 6·H·C (about 6.2 M at H=500). */
  static double flopsPerExample(int d, int h) {
    return 4.0 * d * h + 6.0 * h * C;
  }

  /** Every measurement, in the order they run; the figures as bench.json holds them. */
  public Map<String, Object> run() {
    BenchMachine machine = new BenchMachine(sc, out);
    long[] cpu0 = BenchMachine.cpuTicks();
    NumpyBench numpy = new NumpyBench(quick, out);
    KernelBench kernels = new KernelBench(cores(), quick, out);
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("quick", quick);
    res.put("master", sc.master());
    res.put("cores", sc.defaultParallelism());
    res.put("blas", Gemm.implementation());
    res.put("blas_kernel", NumpyBench.blasKernel());
    Data data = load();
    res.put("memory", machine.memory(data.train()));
    res.put("executors", machine.executors());
    int d = data.train().d();

    out.println("bench: gemm at the training shapes");
    Map<String, Double> sgemm = kernels.gemmGflops(true, d);
    Map<String, Object> gemm = new LinkedHashMap<>();
    gemm.put("sgemm_gflops", sgemm);
    gemm.put("dgemm_gflops", kernels.gemmGflops(false, d));
    res.put("gemm", gemm);
    Floor floor = warmUpAndFloor(data);
    res.put("floor_ms", floor.median());
    res.put("floor_mean_ms", floor.mean());
    // NumPy is measured right before each trainer row, not once for all: this machine's speed drifts
    // by 10-20% within minutes (a VM), and a ratio of two figures taken minutes apart carried that drift
    Map<String, Object> numpyFigures = new LinkedHashMap<>();
    res.put("numpy", numpyFigures);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int h : HIDDEN) {
      for (int b : BATCH) {
        out.printf("bench: H=%d, batch %d%n", h, b);
        Map<String, Object> np = numpy.numpyBothWays(h, b);
        numpyFigures.put("H" + h + "_B" + b, np);
        rows.add(comparedRow(data, h, b, floor, kernels, sgemm.get("threads_" + cores()), np));
      }
    }
    res.put("trainer", rows);
    res.put("spark_mlp", new MlpBench(sc, quick, out).mlp(data.train(), quick ? 5_000 : 10_000));
    machine.putSteal(cpu0, res);
    return res;
  }

  /** The trainer's row at H and B next to the kernel alone, sgemm's GFLOP/s and NumPy's {@code np}. */
  private Map<String, Object> comparedRow(Data data, int h, int b, Floor floor, KernelBench kernels, double sgemm,
      Map<String, Object> np) {
    int d = data.train().d();
    Map<String, Object> row = trainerRow(data, h, b, floor);
    double eps = (Double) row.get("trainer_examples_per_second");
    double kernel = kernels.kernelExamplesPerSecond(d, h, b);
    row.put("kernel_only_examples_per_second", kernel);
    @SuppressWarnings("unchecked")
    Map<String, Object> ratios = (Map<String, Object>) row.get("ratios");
    ratios.put("trainer_vs_kernel_only", eps / kernel);
    ratios.put("trainer_gflops_vs_sgemm", eps * flopsPerExample(d, h) / 1e9 / sgemm);
    if (np.get("best_examples_per_second") instanceof Double npEps) {
      row.put("numpy_examples_per_second", npEps);
      row.put("numpy_kernel", np.get("best_kernel"));
      ratios.put("trainer_vs_numpy", eps / npEps);
    }
    String vsNumpy = ratios.containsKey("trainer_vs_numpy")
        ? String.format(", %.2fx NumPy (%s)", ratios.get("trainer_vs_numpy"), np.get("best_kernel")) : "";
    out.printf("  trainer %.0f examples/s (%.1f GFLOP/s, %.1f ms/iteration = %.2fx floor, %.2fx its mean; median"
        + " iteration %.2fx the floor's median), kernel alone %.0f/s%s%n", eps, eps * flopsPerExample(d, h) / 1e9,
        row.get("iteration_ms_total"), ratios.get("iteration_vs_floor"), ratios.get("iteration_vs_floor_mean"),
        ratios.get("iteration_median_vs_floor"), kernel, vsNumpy);
    out.println("  split (ms): " + row.get("iteration_ms"));
    return row;
  }

  /**
   * The trainer rows and the floor again on {@code other} (same data, partitions and cases; a local master
   * to compare a cluster with), added to {@code res} with each row's ratio of this master to that one.
   */
  @SuppressWarnings("unchecked")
  public static void compare(Map<String, Object> res, Bench other) {
    Map<String, Object> vs = new LinkedHashMap<>();
    vs.put("master", other.sc.master());
    Data data = other.load();
    Floor floor = other.warmUpAndFloor(data);
    vs.put("floor_ms", floor.median());
    vs.put("floor_mean_ms", floor.mean());
    double mineFloor = (Double) res.get("floor_ms");
    other.out.printf("bench: %s against %s: floor %.1f ms (mean %.1f) against %.1f ms (mean %.1f) (%.2fx)%n",
        res.get("master"), other.sc.master(), mineFloor, res.get("floor_mean_ms"), floor.median(), floor.mean(),
        mineFloor / floor.median());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> mine : (List<Map<String, Object>>) res.get("trainer")) {
      int h = (Integer) mine.get("hidden"), b = (Integer) mine.get("batch");
      Map<String, Object> row = other.trainerRow(data, h, b, floor);
      double ratio = (Double) mine.get("iteration_ms_total") / (Double) row.get("iteration_ms_total");
      ((Map<String, Object>) mine.get("ratios")).put("iteration_vs_" + other.sc.master(), ratio);
      other.out.printf("  H=%d, batch %d: %.1f ms/iteration against %.1f ms (%.2fx); split there (ms): %s%n", h, b,
          mine.get("iteration_ms_total"), row.get("iteration_ms_total"), ratio, row.get("iteration_ms"));
      rows.add(row);
    }
    vs.put("trainer", rows);
    vs.put("floor_ratio", mineFloor / floor.median());
    res.put("vs", vs);
  }

  /** The training and validation blocks the cases run on. */
  record Data(BlockSet train, BlockSet val, int trainSize) {}

  Data load() {
    int trainSize = quick ? 10_000 : base.data().trainSize();
    CifarSplits data = CifarSplits.open(sc, base.data().places(), base.data().cacheDir(), base.data().md5(),
        base.data().partitions());
    var trainSplits = data.trainSplits(trainSize, base.data().valSize());
    double[] mean = data.stats(trainSplits, false)[0];
    return new Data(data.blocks("train", trainSplits, mean, null),
        data.blocks("val", data.valSplits(trainSize, 200), mean, null), trainSize);
  }

  /**
   * Spark's scheduler runs interpreted for its first few hundred jobs, and the JIT compiles the hot paths
   * of both shapes for seconds after that (on 2 cores it takes CPU from the run): warm them all first,
   * then the floor: a trivial job over the cached blocks.
   */
  Floor warmUpAndFloor(Data data) {
    out.println("bench: warming up Spark and the JIT on " + sc.master());
    floorMillis(data.train(), quick ? 200 : 500, false);
    new Trainer(sc, config(50, 200, quick ? 300 : 600, data.trainSize()), silent()).train(data.train(), data.val(), C);
    new Trainer(sc, config(500, 200, quick ? 300 : 600, data.trainSize()), silent()).train(data.train(), data.val(), C);
    out.println("bench: trivial Spark job on the cached blocks (the floor)");
    return floorMillis(data.train(), 200, true); // its median moved by 6 ms between runs over 50 jobs
  }

  /** The trainer at H and B: examples/s, the split of its iteration, its ratio to the floor. */
  Map<String, Object> trainerRow(Data data, int h, int b, Floor floor) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("hidden", h);
    row.put("batch", b);
    int iters = (quick ? 300 : 600) * 200 / b + 20;
    Trainer.Result r = new Trainer(sc, config(h, b, iters, data.trainSize()), silent()).train(data.train(), data.val(), C);
    double ms = r.iterationMillis().get("total");
    double eps = b / (ms / 1e3);
    row.put("trainer_examples_per_second", eps);
    row.put("trainer_gflops", eps * flopsPerExample(data.train().d(), h) / 1e9);
    row.put("iteration_ms_total", ms);
    row.put("iteration_ms", r.iterationMillis());
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("iteration_vs_floor", ms / floor.median());
    ratios.put("iteration_vs_floor_mean", ms / floor.mean());
    ratios.put("iteration_median_vs_floor", r.iterationMillis().get("median") / floor.median());
    row.put("ratios", ratios);
    return row;
  }

  int cores() {
    return Math.max(1, Math.min(sc.defaultParallelism(), Runtime.getRuntime().availableProcessors()));
  }

  /** A bench case: plain SGD at H and B for a number of iterations, no progress lines. */
  TrainConfig config(int h, int b, int iterations, int trainSize) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("hidden-size", String.valueOf(h));
    o.put("batch-size", String.valueOf(b));
    o.put("iterations", String.valueOf(iterations));
    o.put("epochs", "0");
    o.put("train-size", String.valueOf(trainSize));
    o.put("val-size", "200");
    o.put("learning-rate", "1e-4");
    o.put("log-every", "1000000");
    o.put("train-eval-size", "200");
    o.put("update-rule", "sgd");
    o.put("init", "std");
    o.put("standardize", "false");
    o.put("schedule", "step");
    o.put("early-stopping", "0");
    return configs.apply(o);
  }

  static PrintStream silent() {
    return new PrintStream(OutputStream.nullOutputStream());
  }

  /**
   * Spark's floor: a trivial job's wall time over many runs. {@code iteration_vs_floor} divides by its
   * median; an iteration's time is a mean (the loop's time over its iterations), which carries the same
   * stray slow jobs that the floor's mean does, so {@code iteration_vs_floor_mean} is given too, and
   * {@code iteration_median_vs_floor} sets the median iteration against the floor's median.
   */
  record Floor(double median, double mean) {}

  /** Wall times of a trivial job (map and reduce) over the cached blocks. */
  Floor floorMillis(BlockSet train, int runs, boolean print) {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      train.rdd().map(b -> b.n).reduce(Integer::sum);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    double mean = Arrays.stream(ms).average().orElse(0);
    Arrays.sort(ms);
    if (print) {
      out.printf("  floor: median %.1f ms, mean %.1f (min %.1f, max %.1f) over %d jobs%n", ms[runs / 2], mean, ms[0],
          ms[runs - 1], runs);
    }
    return new Floor(ms[runs / 2], mean);
  }

}
