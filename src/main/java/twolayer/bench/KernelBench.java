package twolayer.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import twolayer.data.Block;
import twolayer.data.RawRecords;
import twolayer.data.RecordSplit;
import twolayer.model.Gemm;
import twolayer.model.Shape;
import twolayer.train.LocalIteration;

/** What the hardware allows without Spark: gemm at the training shapes, and the training iteration alone. */
final class KernelBench {
  private final int cores;
  private final boolean quick;
  private final PrintStream out;

  /** @param cores threads to measure with: the chosen master's task slots on this machine */
  KernelBench(int cores, boolean quick, PrintStream out) {
    this.cores = cores;
    this.quick = quick;
    this.out = out;
  }

  /** GFLOP/s of the three gemms of an iteration at B=200, H=500, with 1 and with `cores` threads. */
  Map<String, Double> gemmGflops(boolean single, int d) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (int threads : new int[] {1, cores}) {
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
  /**
   * The training iteration without Spark ({@link LocalIteration}: the trainer's own sums, merge and SGD
   * step), the batch split over `cores` blocks and threads as over the tasks of the chosen master.
   */
  double kernelExamplesPerSecond(int d, int h, int b) {
    Shape s = new Shape(d, h, Bench.C);
    int n = 20_000, threads = cores;
    Random rnd = new Random(2);
    Block[] blocks = new Block[threads];
    double[] mean = new double[d];
    java.util.Arrays.fill(mean, 128);
    for (int t = 0; t < threads; t++) {
      // random records centred on 128 when gathered, as the trainer's blocks are: bytes, labels below C
      byte[] records = new byte[n / threads * (d + 1)];
      rnd.nextBytes(records);
      for (int i = 0; i < n / threads; i++) {
        records[i * (d + 1)] = (byte) rnd.nextInt(Bench.C);
      }
      blocks[t] = Block.of(new RecordSplit(t, 0, n / threads, List.of()),
          new RawRecords(records, n / threads, null), mean, null);
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
  }}
