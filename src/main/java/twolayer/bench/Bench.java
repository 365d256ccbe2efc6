package twolayer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import twolayer.data.Block;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.model.Gemm;
import twolayer.model.Shape;
import twolayer.train.LocalIteration;
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

  public Map<String, Object> run() {
    long[] cpu0 = cpuTicks();
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("quick", quick);
    res.put("master", sc.master());
    res.put("cores", sc.defaultParallelism());
    res.put("blas", Gemm.implementation());
    res.put("blas_kernel", blasKernel());
    Data data = load();
    res.put("memory", memory(data.train()));
    res.put("executors", executors());
    int d = data.train().d();

    out.println("bench: gemm at the training shapes");
    Map<String, Object> gemm = new LinkedHashMap<>();
    gemm.put("sgemm_gflops", gemmGflops(true, d));
    gemm.put("dgemm_gflops", gemmGflops(false, d));
    res.put("gemm", gemm);
    double sgemm2 = ((Map<String, Double>) gemm.get("sgemm_gflops")).get("threads_" + cores());

    double floor = warmUpAndFloor(data);
    res.put("floor_ms", floor);

    // NumPy is measured right before each trainer row, not once for all: this machine's speed drifts
    // by 10-20% within minutes (a VM), and a ratio of two figures taken minutes apart carried that drift
    Map<String, Object> numpy = new LinkedHashMap<>();
    res.put("numpy", numpy);

    List<Map<String, Object>> rows = new ArrayList<>();
    for (int h : HIDDEN) {
      for (int b : BATCH) {
        out.printf("bench: H=%d, batch %d%n", h, b);
        Map<String, Object> np = numpyBothWays(h, b);
        numpy.put("H" + h + "_B" + b, np);
        Map<String, Object> row = trainerRow(data, h, b, floor);
        double eps = (Double) row.get("trainer_examples_per_second");
        double kernel = kernelExamplesPerSecond(d, h, b);
        row.put("kernel_only_examples_per_second", kernel);
        @SuppressWarnings("unchecked")
        Map<String, Object> ratios = (Map<String, Object>) row.get("ratios");
        ratios.put("trainer_vs_kernel_only", eps / kernel);
        ratios.put("trainer_gflops_vs_sgemm", eps * flopsPerExample(d, h) / 1e9 / sgemm2);
        if (np.get("best_examples_per_second") instanceof Double npEps) {
          row.put("numpy_examples_per_second", npEps);
          row.put("numpy_kernel", np.get("best_kernel"));
          ratios.put("trainer_vs_numpy", eps / npEps);
        }
        out.printf("  trainer %.0f examples/s (%.1f GFLOP/s, %.1f ms/iteration = %.1fx floor), kernel alone %.0f/s%s%n",
            eps, eps * flopsPerExample(d, h) / 1e9, row.get("iteration_ms_total"), ratios.get("iteration_vs_floor"),
            kernel, ratios.containsKey("trainer_vs_numpy")
                ? String.format(", %.2fx NumPy (%s)", ratios.get("trainer_vs_numpy"), np.get("best_kernel")) : "");
        out.println("  split (ms): " + row.get("iteration_ms"));
        rows.add(row);
      }
    }
    res.put("trainer", rows);
    res.put("spark_mlp", mlp(data.train(), quick ? 5_000 : 10_000));
    long[] cpu1 = cpuTicks();
    if (cpu0 != null && cpu1 != null && cpu1[0] > cpu0[0]) {
      double steal = (double) (cpu1[1] - cpu0[1]) / (cpu1[0] - cpu0[0]);
      res.put("cpu_steal_fraction", steal);
      out.printf("bench: CPU time stolen by the host during the run: %.1f%%%s%n", 100 * steal,
          steal > 0.05 ? " (a busy virtual machine: figures are slower and noisier than the hardware)" : "");
    }
    return res;
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
    double floor = other.warmUpAndFloor(data);
    vs.put("floor_ms", floor);
    double mineFloor = (Double) res.get("floor_ms");
    other.out.printf("bench: %s against %s: floor %.1f ms against %.1f ms (%.2fx)%n", res.get("master"),
        other.sc.master(), mineFloor, floor, mineFloor / floor);
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
    vs.put("floor_ratio", mineFloor / floor);
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
   * then the median of a trivial job over the cached blocks.
   */
  double warmUpAndFloor(Data data) {
    out.println("bench: warming up Spark and the JIT on " + sc.master());
    floorMillis(data.train(), quick ? 200 : 500, false);
    new Trainer(sc, config(50, 200, quick ? 300 : 600, data.trainSize()), silent()).train(data.train(), data.val(), C);
    new Trainer(sc, config(500, 200, quick ? 300 : 600, data.trainSize()), silent()).train(data.train(), data.val(), C);
    out.println("bench: trivial Spark job on the cached blocks (the floor)");
    return floorMillis(data.train(), 200, true); // its median moved by 6 ms between runs over 50 jobs
  }

  /** The trainer at H and B: examples/s, the split of its iteration, its ratio to the floor. */
  Map<String, Object> trainerRow(Data data, int h, int b, double floor) {
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
    ratios.put("iteration_vs_floor", ms / floor);
    row.put("ratios", ratios);
    return row;
  }

  /**
   * What each executor runs with: its BLAS, the BLAS threads and kernel its environment asks for, and
   * whether its JIT is C1 only. One task per core, a few times over, so that every executor answers.
   */
  List<String> executors() {
    int n = sc.defaultParallelism() * 4;
    List<String> seen = sc.parallelize(java.util.stream.IntStream.range(0, n).boxed().toList(), n).map(i ->
        org.apache.spark.SparkEnv.get().executorId() + ": " + Gemm.implementation() + ", OPENBLAS_NUM_THREADS="
            + System.getenv("OPENBLAS_NUM_THREADS") + ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE")
            + ", JIT " + (java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:TieredStopAtLevel=1") ? "C1" : "tiered")).distinct().collect();
    List<String> sorted = new ArrayList<>(seen);
    java.util.Collections.sort(sorted);
    sorted.forEach(e -> out.println("bench: executor " + e));
    return sorted;
  }

  /**
   * All CPUs' ticks and the ticks stolen by the hypervisor (Linux's /proc/stat), or null elsewhere: on a
   * virtual machine whose host is busy the same build ran 2x slower within minutes, so the run records it.
   */
  static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      return f.length > 8 ? new long[] {total, Long.parseLong(f[8])} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
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

  /** Cached size of the training blocks from Spark's storage status, against their float32 size. */
  Map<String, Object> memory(BlockSet train) {
    long mem = 0;
    for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
      if (info.id() == train.rdd().id()) {
        mem = info.memSize();
      }
    }
    double f32 = 4.0 * train.n() * train.d();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cached_train_bytes", mem);
    m.put("float32_bytes", (long) f32);
    m.put("ratio", mem / f32);
    out.printf("bench: cached training set %.1f MB = %.3fx its float32 size%n", mem / 1e6, mem / f32);
    return m;
  }

  /** GFLOP/s of the three gemms of an iteration at B=200, H=500, with 1 and with `cores` threads. */
  Map<String, Double> gemmGflops(boolean single, int d) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (int threads : new int[] {1, cores()}) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Double>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          fs.add(pool.submit(() -> gemmLoop(single, 200, d, 500, quick ? 1.0 : 3.0)));
        }
        double sum = 0;
        for (Future<Double> f : fs) {
          sum += f.get();
        }
        r.put("threads_" + threads, sum);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        pool.shutdownNow();
      }
    }
    out.printf("  %s: %s GFLOP/s%n", single ? "sgemm" : "dgemm", r);
    return r;
  }

  /** X·W1 (m×D·D×H), Xᵀ·dz1 (D×m·m×H) and dz1·W1ᵀ-sized (m×H·H×D) products, repeated; returns GFLOP/s. */
  static double gemmLoop(boolean single, int m, int d, int h, double seconds) {
    Random rnd = new Random(1);
    int big = Math.max(m * d, d * h);
    float[] af = new float[big], bf = new float[big], cf = new float[big];
    double[] ad = new double[single ? 0 : big], bd = new double[single ? 0 : big], cd = new double[single ? 0 : big];
    for (int i = 0; i < big; i++) {
      af[i] = (float) rnd.nextGaussian();
      bf[i] = (float) rnd.nextGaussian();
      if (!single) {
        ad[i] = af[i];
        bd[i] = bf[i];
      }
    }
    long flops = 0, t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9);
    for (int it = 0; System.nanoTime() < end || it < 3; it++) {
      if (single) {
        Gemm.gemm(false, false, m, h, d, 1f, af, 0, bf, 0, 0f, cf, 0); // (m×D)(D×H)
        Gemm.gemm(true, false, d, h, m, 1f, af, 0, bf, 0, 0f, cf, 0); // (D×m)(m×H)
        Gemm.gemm(false, true, m, d, h, 1f, af, 0, bf, 0, 0f, cf, 0); // (m×H)(H×D)
      } else {
        Gemm.gemm(false, false, m, h, d, 1.0, ad, 0, bd, 0, 0.0, cd, 0);
        Gemm.gemm(true, false, d, h, m, 1.0, ad, 0, bd, 0, 0.0, cd, 0);
        Gemm.gemm(false, true, m, d, h, 1.0, ad, 0, bd, 0, 0.0, cd, 0);
      }
      flops += 3L * 2 * m * d * h;
    }
    return flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
  }

  /** Median wall time of a trivial job (map and reduce) over the cached blocks. */
  double floorMillis(BlockSet train, int runs, boolean print) {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      train.rdd().map(b -> b.n).reduce(Integer::sum);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    if (print) {
      out.printf("  floor: median %.1f ms (min %.1f, max %.1f) over %d jobs%n", ms[runs / 2], ms[0], ms[runs - 1], runs);
    }
    return ms[runs / 2];
  }

  /**
   * The training iteration without Spark ({@link LocalIteration}: the trainer's own sums, merge and SGD
   * step), the batch split over `cores` blocks and threads as over the tasks of the chosen master.
   */
  double kernelExamplesPerSecond(int d, int h, int b) {
    Shape s = new Shape(d, h, C);
    int n = 20_000, threads = cores();
    Random rnd = new Random(2);
    Block[] blocks = new Block[threads];
    for (int t = 0; t < threads; t++) {
      float[] x = new float[n / threads * d];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextInt(256) - 128;
      }
      blocks[t] = Block.of(t, x, rnd.ints(n / threads, 0, C).toArray());
    }
    try (LocalIteration iteration = new LocalIteration(s, blocks, 1e-4, 1, 0.25)) {
      long t0 = 0;
      int its = 0, warm = 3;
      double seconds = quick ? 1.5 : 4;
      while (true) {
        int[][] rows = new int[threads][];
        for (int t = 0; t < threads; t++) {
          int share = b / threads + (t < b % threads ? 1 : 0);
          rows[t] = rnd.ints(share, 0, n / threads).sorted().toArray();
        }
        iteration.run(rows, 1e-4);
        its++;
        if (its == warm) {
          t0 = System.nanoTime();
        } else if (its > warm && System.nanoTime() - t0 > seconds * 1e9) {
          return (double) (its - warm) * b / ((System.nanoTime() - t0) / 1e9);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Spark's MultilayerPerceptronClassifier (l-bfgs, blockSize 128) at the same H: examples/s per full pass. */
  Map<String, Object> mlp(BlockSet train, int n) {
    Map<String, Object> r = new LinkedHashMap<>();
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    int d = train.d();
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    long perPart = (n + train.counts().length - 1) / train.counts().length;
    RDD<Row> rows = train.rdd().flatMap(b -> {
      List<Row> l = new ArrayList<>();
      for (int i = 0; i < Math.min(b.n, perPart); i++) {
        double[] f = new double[b.d];
        for (int j = 0; j < b.d; j++) {
          f[j] = b.x[i * b.d + j];
        }
        l.add(RowFactory.create((double) b.y[i], Vectors.dense(f)));
      }
      return l.iterator();
    }).rdd();
    Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
    long count = df.count();
    for (int h : HIDDEN) {
      if (quick && h == 500) {
        continue; // minutes per iteration on 2 cores: left to the full run
      }
      int iters = quick ? 3 : 10;
      out.printf("bench: Spark MultilayerPerceptronClassifier, H=%d, %d examples, %d iterations%n", h, count, iters);
      long t0 = System.nanoTime();
      MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {d, h, C}).setBlockSize(128).setMaxIter(iters).setSeed(1).setSolver("l-bfgs").fit(df);
      double sec = (System.nanoTime() - t0) / 1e9;
      int done = Math.max(1, model.summary().totalIterations());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("examples", count);
      m.put("iterations", done);
      m.put("seconds", sec);
      m.put("examples_per_second_per_pass", count * done / sec);
      out.printf("  %.1f s for %d iterations: %.0f examples/s per full pass%n", sec, done, count * done / sec);
      r.put("H" + h, m);
    }
    df.unpersist();
    return r;
  }

  /**
   * The NumPy reference at H and B, with this machine's environment and, when it sets
   * {@code OPENBLAS_CORETYPE}, once more without it (a user's NumPy runs without it; here NumPy's own
   * OpenBLAS then picks a faster kernel): both figures with the kernel each used, and the better one.
   */
  Map<String, Object> numpyBothWays(int h, int b) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("as_is", numpy(true, h + ":" + b));
    if (System.getenv("OPENBLAS_CORETYPE") != null) {
      r.put("coretype_unset", numpy(false, h + ":" + b));
    }
    double best = 0;
    for (Object v : List.copyOf(r.values())) {
      if (v instanceof Map<?, ?> m && m.get("H" + h + "_B" + b) instanceof Map<?, ?> shape) {
        double eps = ((Number) shape.get("examples_per_second")).doubleValue();
        if (eps > best) {
          best = eps;
          r.put("best_examples_per_second", eps);
          r.put("best_kernel", m.get("kernel"));
        }
      }
    }
    return r;
  }

  /** Runs the NumPy reference with the machine's python3, all cores for its BLAS; an error entry when unavailable. */
  Map<String, Object> numpy(boolean coretypeAsIs, String... shapes) {
    Map<String, Object> r = new LinkedHashMap<>();
    try (InputStream in = Bench.class.getResourceAsStream("numpy_bench.py")) {
      Path script = Files.createTempFile("numpy_bench", ".py");
      Files.write(script, in.readAllBytes());
      List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), quick ? "2" : "6"));
      cmd.addAll(List.of(shapes));
      out.println("  NumPy reference (" + String.join(" ", cmd.subList(2, cmd.size()))
          + (coretypeAsIs ? "" : ", OPENBLAS_CORETYPE unset") + ")");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
      pb.environment().remove("OPENBLAS_NUM_THREADS"); // NumPy is one process: let its BLAS use every core
      if (!coretypeAsIs) {
        pb.environment().remove("OPENBLAS_CORETYPE");
      }
      Process p = pb.start();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      p.getInputStream().transferTo(buf);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        r.put("error", "python3 failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        return r;
      }
      Files.deleteIfExists(script);
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(buf.toString(StandardCharsets.UTF_8), Map.class);
      out.println("  " + parsed);
      return parsed;
    } catch (IOException | InterruptedException e) {
      r.put("error", "python3 with numpy is not available (" + e.getMessage() + ")");
      return r;
    }
  }

  /**
   * The OpenBLAS kernel of {@code libblas.so.3}, the library netlib's JNI loads, as this process's environment
   * steers it (asked of python3's ctypes; null when that fails or the library is not OpenBLAS).
   */
  static String blasKernel() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import ctypes; f = ctypes.CDLL('libblas.so.3')"
          + ".openblas_get_corename; f.restype = ctypes.c_char_p; print(f().decode())").start();
      String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !name.isEmpty() ? name : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }
}
