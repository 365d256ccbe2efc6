package twolayer.agg;

import twolayer.model.FloatNet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;
import static twolayer.FloatBounds.assertWithin;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import twolayer.NetBounds;
import twolayer.data.Block;
import twolayer.model.Dropout;
import twolayer.model.Noise;
import twolayer.model.Shape;
import twolayer.model.Sums;
import twolayer.model.W1Factors;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.model.Workspace;
import twolayer.transport.ArrayPool;

/** Tier 2: the aggregator contract (add, merge, rows), no Spark. */
class GradientSumTest {
  static final Shape S = new Shape(6, 5, 3);
  static final int N = 30;

  final Random rnd = new Random(11);
  final float[] xf = randomFloats(N * S.d()); // blocks hold float32 features
  final double[] x = widen(xf);
  final int[] y = rnd.ints(N, 0, S.c()).toArray();
  final double[] w = random(S.size());

  /** The reference: a plain loop, one example at a time. */
  GradientSum perExample() {
    double[] g = new double[S.size()];
    double loss = 0;
    for (int i = 0; i < N; i++) {
      loss += TwoLayerNet.lossAndGradient(S, w, Arrays.copyOfRange(x, i * S.d(), (i + 1) * S.d()),
          0, new int[] {y[i]}, 0, 1, g, new Workspace());
    }
    GradientSum ref = new GradientSum();
    GradientSum all = new GradientSum().add(step(new int[][] {range(N)}), Block.of(0, xf, y));
    System.arraycopy(g, 0, all.gradient(), 0, g.length); // keep count, replace the sums by the loop's
    return withLoss(all, loss);
  }

  @Test
  void sumIsTheSameForAnyBlockSizeAndPartitionCount() {
    GradientSum ref = perExample();
    // the double kernel on other row blocks: dgemm may order every sum differently, so each side is
    // within the kernel's rounding-error bound (NetBounds) of the exact sums
    NetBounds bounds = NetBounds.of(S, w, xf, 0, y, 0, N, U_DOUBLE);
    double[] twice = bounds.gradientPlus(bounds);
    for (int blockSize : new int[] {1, 2, 5}) {
      for (int partitions : new int[] {1, 2, 3}) {
        List<Block> blocks = blocks(blockSize);
        GradientSum total = new GradientSum();
        for (int p = 0; p < partitions; p++) {
          GradientSum part = new GradientSum(); // one partition: adds its blocks in turn
          for (int b = p; b < blocks.size(); b += partitions) {
            Block blk = blocks.get(b);
            part.add(step(new int[][] {range(blk.n)}), blk);
          }
          total = total.merge(part);
        }
        assertEquals(N, total.count());
        assertWithin(ref.gradient(), total.gradient(), twice, "block " + blockSize + ", partitions " + partitions);
        assertEquals(ref.loss(), total.loss(), 2 * bounds.loss);
      }
    }
  }

  @Test
  void batchRowsOfABlockEqualThoseRowsAlone() {
    Block block = Block.of(1, xf, y);
    int[] rows = {2, 3, 17, 29};
    GradientSum viaRows = new GradientSum().add(step(new int[][] {{}, rows}), block);
    float[] xs = new float[rows.length * S.d()];
    int[] ys = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(xf, rows[i] * S.d(), xs, i * S.d(), S.d());
      ys[i] = y[rows[i]];
    }
    GradientSum direct = new GradientSum().add(step(new int[][] {range(rows.length)}), Block.of(0, xs, ys));
    assertEquals(rows.length, viaRows.count());
    NetBounds bounds = NetBounds.of(S, w, xs, 0, ys, 0, rows.length, U_DOUBLE); // the same rows, each side within
    assertWithin(direct.gradient(), viaRows.gradient(), bounds.gradientPlus(bounds), "rows");
    // a partition with no rows in the batch adds nothing
    GradientSum none = new GradientSum().add(step(new int[][] {{}, {}}), block);
    assertEquals(0, none.count());
    assertNull(none.gradient());
  }

  @Test
  void w1FactorsOfSmallSharesGiveTheDenseSum() throws Exception {
    Shape s = new Shape(64, 32, 3); // factors while rows·96 < 2048: up to 21 rows
    Random r = new Random(8);
    float[] x = gaussians(r, 24 * s.d());
    int[] y = r.ints(24, 0, s.c()).toArray();
    double[] w = rounded(s, TwoLayerNet.initialWeights(s, 0.3, 2)); // the float kernel's weights
    GradientSum[] factored = new GradientSum[3], dense = new GradientSum[3];
    for (int p = 0; p < 3; p++) { // three partitions of 8 rows
      factored[p] = roundTrip(share(FloatNet.KERNEL.weights(s, w), x, y, p, 8, 3));
      dense[p] = share(FloatNet.KERNEL.weights(s, w).denseSums(), x, y, p, 8, 3);
    }
    assertEquals(8, factored[0].factorRows());
    GradientSum f = factored[0].merge(factored[1]);
    assertEquals(16, f.factorRows(), "16·96 < 2048: still factors");
    f = f.merge(factored[2]);
    assertEquals(0, f.factorRows(), "24·96 > 2048: multiplied out");
    GradientSum d = dense[0].merge(dense[1]).merge(dense[2]);
    // the same forward pass on the same rows: the same partition losses, added in the same order
    assertEquals(d.loss(), f.loss(), 0.0);
    // W1 from the same 24 products x·dz1 in two summation trees (per partition then merged, or the
    // gathered factors at once); the rest the same bits: 2·γ_24·Σ|x·dz1| apart at most
    assertWithin(d.gradient(), f.gradient(), NetBounds.of(s, w, x, 0, y, 0, 24, U_FLOAT).reordering(U_FLOAT),
        "factored vs dense");
  }

  @Test
  void w1FactorsUnderDropoutKeepTheMaskedDz1() throws Exception {
    Shape s = new Shape(64, 32, 3); // three partitions of 8 rows: factors, as above
    Random r = new Random(14);
    float[] x = gaussians(r, 24 * s.d());
    int[] y = r.ints(24, 0, s.c()).toArray();
    double[] w = rounded(s, TwoLayerNet.initialWeights(s, 0.3, 7));
    Noise noise = new Noise(false, 0, 0.5, 3, 0, 2, new long[] {0, 8, 16});
    GradientSum f = new GradientSum(), d = new GradientSum(), plain = new GradientSum();
    double[] terms = new double[s.size()]; // Σ|x·dz1| of the masked dz1, for W1's two summation trees
    for (int p = 0; p < 3; p++) {
      f = f.merge(roundTrip(share(FloatNet.KERNEL.weights(s, w), x, y, p, 8, 3, noise)));
      d = d.merge(share(FloatNet.KERNEL.weights(s, w).denseSums(), x, y, p, 8, 3, noise));
      plain = plain.merge(share(FloatNet.KERNEL.weights(s, w).denseSums(), x, y, p, 8, 3, Noise.NONE));
      Workspace ws = new Workspace();
      FloatNet.lossAndGradient(s, FloatNet.KERNEL.weights(s, w).floats(), Arrays.copyOfRange(x, p * 8 * s.d(),
          (p + 1) * 8 * s.d()), 0, Arrays.copyOfRange(y, p * 8, p * 8 + 8), 0, 8, new float[s.size() - s.b1()], ws,
          false, true, Dropout.of(noise, p, range(8)));
      double[] xd = widen(Arrays.copyOfRange(x, p * 8 * s.d(), (p + 1) * 8 * s.d()));
      double[] dz1 = widen(Arrays.copyOf(ws.lastDz1(), 8 * s.h()));
      for (int i = 0; i < 8; i++) {
        for (int a = 0; a < s.d(); a++) {
          for (int j = 0; j < s.h(); j++) {
            terms[s.w1() + a * s.h() + j] += Math.abs(xd[i * s.d() + a] * dz1[i * s.h() + j]);
          }
        }
      }
    }
    // the same forward passes: the same losses; W1 from the same 24 products x·dz1 in two trees
    assertEquals(d.loss(), f.loss(), 0.0);
    double[] bound = terms.clone();
    for (int i = 0; i < bound.length; i++) {
      bound[i] *= 2 * twolayer.FloatBounds.gamma(24, U_FLOAT) * 1.001; // and the float dz1's own rounding, first order
    }
    assertWithin(d.gradient(), f.gradient(), bound, "factored vs dense under dropout");
    assertTrue(twolayer.FloatBounds.worstExcess(plain.gradient(), f.gradient(), bound) > 0, "the mask mattered");
    assertTrue(d.loss() != plain.loss());
  }

  @Test
  void factorSumsAreTheSameBitForBitWhateverOrderThePartitionsArriveIn() throws Exception {
    // 2 partitions, as in local[2]: with more, the dense parts (b1, W2, b2) depend on the order too
    Shape s = new Shape(64, 32, 3); // 2 partitions of 5 rows: 10·96 < 2048, factors to the end
    Random r = new Random(12);
    float[] x = gaussians(r, 10 * s.d());
    int[] y = r.ints(10, 0, s.c()).toArray();
    double[] w = TwoLayerNet.initialWeights(s, 0.3, 5);
    GradientSum[] parts = new GradientSum[2];
    for (int p = 0; p < 2; p++) {
      parts[p] = share(FloatNet.KERNEL.weights(s, w), x, y, p, 5, 2);
    }
    double[] first = null;
    for (int[] order : new int[][] {{0, 1}, {1, 0}}) {
      GradientSum total = new GradientSum(); // the driver's fold: the zero value, then results as they come
      for (int p : order) {
        total = total.merge(roundTrip(parts[p]));
      }
      assertEquals(10, total.factorRows());
      double[] g = total.gradient();
      if (first == null) {
        first = g;
      }
      org.junit.jupiter.api.Assertions.assertArrayEquals(first, g, "arrival order " + Arrays.toString(order));
    }
  }

  @Test
  void multiplyingOutInBlocksOfDGivesTheWholeProduct() throws Exception {
    Shape s = new Shape(600, 32, 3); // dW1 in blocks of 256, 256 and 88 rows
    Random r = new Random(9);
    float[] x = gaussians(r, 16 * s.d());
    int[] y = r.ints(16, 0, s.c()).toArray();
    double[] w = rounded(s, TwoLayerNet.initialWeights(s, 0.3, 4));
    Step step = new Step(FloatNet.KERNEL.weights(s, w), new int[][] {range(16)});
    GradientSum whole = new GradientSum().add(step, Block.of(0, x, y));
    GradientSum blocks = roundTrip(whole);
    assertEquals(16, blocks.factorRows());
    Sums sums = blocks.sums(); // as the driver's update multiplies them out: 256 rows of dW1 at a time
    float[] c = sums.withW1(null);
    W1Factors f = sums.takeFactors();
    for (int d0 = 0; d0 < s.d(); d0 += 256) {
      f.product(s, d0, Math.min(s.d(), d0 + 256), 1f, 0f, c);
    }
    assertEquals(0, blocks.factorRows());
    // the same 16 products x·dz1 per W1 entry, summed by sgemm calls of other shapes: 2·γ_16·Σ|x·dz1| apart at most
    assertWithin(whole.gradient(), blocks.gradient(), NetBounds.of(s, w, x, 0, y, 0, 16, U_FLOAT).reordering(U_FLOAT),
        "blocks vs one product");
  }

  @Test
  void recycledArraysOfAnyContentGiveTheSameSumsBitForBit() {
    Shape s = new Shape(64, 32, 3); // shares of 8 rows go as factors, of 24 rows dense
    Random r = new Random(13);
    float[] x = gaussians(r, 48 * s.d());
    int[] y = r.ints(48, 0, s.c()).toArray();
    Weights w = FloatNet.KERNEL.weights(s, TwoLayerNet.initialWeights(s, 0.3, 6));
    ArrayPool.clear();
    for (int m : new int[] {8, 24}) {
      double[] fresh = share(w, x, y, 0, m, 2).merge(share(w, x, y, 1, m, 2)).gradient();
      // what the tasks will take: sums (dense, or from b1 on), and for factors the gathered rows and dz1
      int[] lengths = m == 8 ? new int[] {s.size() - s.b1(), m * s.d(), m * s.h()} : new int[] {s.size()};
      for (int k = 0; k < 2; k++) {
        for (int len : lengths) {
          float[] old = new float[len];
          Arrays.fill(old, Float.NaN); // beta 0 must write over whatever is there, NaN included
          ArrayPool.give(old);
        }
      }
      int waiting = ArrayPool.free();
      GradientSum total = share(w, x, y, 0, m, 2).merge(share(w, x, y, 1, m, 2));
      assertEquals(0, ArrayPool.free(), m + " rows: every array was taken from the pool, of " + waiting);
      org.junit.jupiter.api.Assertions.assertArrayEquals(fresh, total.gradient(), m + " rows");
      total.recycle();
      // every array back, and for factors also the full-size sum that gradient() multiplied them out into
      assertEquals(waiting + (m == 8 ? 1 : 0), ArrayPool.free(), m + " rows: recycle gives the arrays back");
      assertNull(total.gradient(), "a recycled sum is empty");
      ArrayPool.clear();
    }
  }

  static GradientSum roundTrip(GradientSum g) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(g);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (GradientSum) in.readObject();
    }
  }

  @Test
  void sumsOfEitherKernelComeBackFromSerialisationAsTheyWere() throws Exception {
    Block block = Block.of(0, xf, y);
    for (Weights wk : new Weights[] {TwoLayerNet.KERNEL.weights(S, w), FloatNet.KERNEL.weights(S, w).denseSums(), FloatNet.KERNEL.weights(S, w)}) {
      GradientSum sent = new GradientSum().add(new Step(wk, new int[][] {range(N)}), block);
      GradientSum back = roundTrip(sent);
      assertEquals(sent.count(), back.count());
      assertEquals(sent.loss(), back.loss(), 0.0);
      assertEquals(sent.factorRows(), back.factorRows());
      org.junit.jupiter.api.Assertions.assertArrayEquals(sent.gradient(), back.gradient(), wk.kernel().toString());
    }
  }

  @Test
  void w1FactorsOfPixelRowsCrossAsTheirBytesAndReadBackAsTheSameFloats() throws Exception {
    // centred only, 16 rows of D=64 (factors while rows·96 < 2048); standardised and augmented, 20 rows
    // of a 3×32×32 image at H=40 (factors while rows·3112 < 122,880)
    Object[][] cases = {{new Shape(64, 32, 3), 16, false, Noise.NONE},
        {new Shape(3072, 40, 10), 20, true, new Noise(true, 4, 0, 5, 1, 3, new long[] {0})}};
    for (Object[] c : cases) {
      Shape s = (Shape) c[0];
      int m = (Integer) c[1];
      Noise noise = (Noise) c[3];
      Random r = new Random(12);
      byte[] records = new byte[m * (s.d() + 1)]; // label, then D pixels
      r.nextBytes(records);
      double[] mean = new double[s.d()], std = (Boolean) c[2] ? new double[s.d()] : null;
      for (int i = 0; i < m; i++) {
        records[i * (s.d() + 1)] = (byte) r.nextInt(s.c());
      }
      for (int j = 0; j < s.d(); j++) {
        mean[j] = 60 + 140 * r.nextDouble();
        if (std != null) {
          std[j] = 20 + 60 * r.nextDouble();
        }
      }
      Block pixels = Block.of(new twolayer.data.RecordSplit(0, 0, m, List.of()),
          new twolayer.data.RawRecords(records, m, null), mean, std);
      float[] xf = new float[m * s.d()];
      pixels.x.write(range(m), 0, noise, xf); // the rows as the kernel gathers them
      Block floats = Block.of(0, xf, pixels.y);
      Weights wf = FloatNet.KERNEL.weights(s, rounded(s, TwoLayerNet.initialWeights(s, 0.3, 2)));
      GradientSum fromPixels = new GradientSum().add(new Step(wf, new int[][] {range(m)}, noise), pixels);
      GradientSum fromFloats = new GradientSum().add(new Step(wf, new int[][] {range(m)}, Noise.NONE), floats);
      assertEquals(m, fromPixels.factorRows());
      int sentPixels = serialised(fromPixels), sentFloats = serialised(fromFloats);
      // X crosses as m·D bytes instead of m·D floats; the statistics, when they are the caller's own,
      // cross once with them (a run's are shared: a broadcast's handle)
      int saved = 3 * m * s.d() - 8 * s.d() * (std != null ? 2 : 1);
      assertTrue(sentFloats - sentPixels >= saved - 512,
          s + ": " + sentPixels + " bytes against " + sentFloats + ", expected about " + saved + " fewer");
      GradientSum back = roundTrip(fromPixels);
      assertEquals(m, back.factorRows());
      assertEquals(fromFloats.loss(), back.loss(), 0.0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(roundTrip(fromFloats).gradient(), back.gradient(),
          s + ": the same products of the same floats");
    }
  }

  static int serialised(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.size();
  }

  @Test
  void zeroValueIsTiny() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new GradientSum());
    }
    assertTrue(bytes.size() < 200, "zero value serialises to " + bytes.size() + " bytes");
  }

  @Test
  void evalSumCountsAndMerges() {
    Block all = Block.of(0, xf, y);
    Weights wd = TwoLayerNet.KERNEL.weights(S, w);
    EvalSum whole = new EvalSum().add(wd, all, Long.MAX_VALUE);
    List<Block> parts = blocks(7);
    EvalSum merged = new EvalSum();
    for (Block b : parts) {
      merged = merged.merge(new EvalSum().add(wd, b, Long.MAX_VALUE));
    }
    assertEquals(N, whole.count());
    // other row blocks, other dgemm calls: scores within the kernel's bound, so only an example whose best
    // two scores are closer than that could change its class, and the loss is within twice the bound
    NetBounds dbl = NetBounds.of(S, w, xf, 0, y, 0, N, U_DOUBLE);
    assertEquals(whole.accuracy(), merged.accuracy(), (double) unclear(dbl, dbl) / N);
    assertEquals(whole.meanLoss(), merged.meanLoss(), 2 * dbl.loss / N);
    assertEquals(N, Arrays.stream(whole.confusion()).sum());
    // accuracy by hand: argmax of the scores
    double[] z = TwoLayerNet.scores(S, w, x, 0, N, new Workspace());
    int right = 0;
    for (int i = 0; i < N; i++) {
      right += TwoLayerNet.argmax(z, i * S.c(), S.c()) == y[i] ? 1 : 0;
    }
    assertEquals((double) right / N, whole.accuracy(), 0); // the same scores call on the same rows: the same bits
    assertEquals(10, new EvalSum().add(wd, all, 10).count());
    // the float kernel gives the double kernel's classes (on the same weights, rounded to float) but where
    // an example's best two scores are within both kernels' bounds
    double[] wf = rounded(S, w);
    NetBounds f = NetBounds.of(S, wf, xf, 0, y, 0, N, U_FLOAT), d = NetBounds.of(S, wf, xf, 0, y, 0, N, U_DOUBLE);
    assertTrue(unclear(f, d) < N / 3, "most classes are clear: " + unclear(f, d) + " of " + N);
    assertEquals(new EvalSum().add(TwoLayerNet.KERNEL.weights(S, wf), all, Long.MAX_VALUE).accuracy(),
        new EvalSum().add(FloatNet.KERNEL.weights(S, w), all, Long.MAX_VALUE).accuracy(), (double) unclear(f, d) / N);
  }

  List<Block> blocks(int size) {
    List<Block> out = new ArrayList<>();
    for (int s = 0; s < N; s += size) {
      int e = Math.min(N, s + size);
      out.add(Block.of(0, Arrays.copyOfRange(xf, s * S.d(), e * S.d()), Arrays.copyOfRange(y, s, e)));
    }
    return out;
  }

  /** Examples whose class two computations within these bounds could disagree on. */
  static int unclear(NetBounds a, NetBounds b) {
    int k = 0;
    for (int r = 0; r < a.n; r++) {
      k += a.clearArgmax(r, b) ? 0 : 1;
    }
    return k;
  }

  /** The weights as the float kernel has them (rounded to float), in double. */
  static double[] rounded(Shape s, double[] w) {
    return widen(FloatNet.KERNEL.weights(s, w).floats());
  }

  static GradientSum withLoss(GradientSum g, double loss) {
    // rebuild with the reference loss: merge a fresh sum carrying the difference
    GradientSum fix = new GradientSum();
    try {
      var f = GradientSum.class.getDeclaredField("loss");
      f.setAccessible(true);
      f.setDouble(g, loss);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return g.merge(fix);
  }

  Step step(int[][] rows) {
    return new Step(TwoLayerNet.KERNEL.weights(S, w), rows);
  }

  static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }

  float[] randomFloats(int n) {
    return gaussians(rnd, n);
  }

  static float[] gaussians(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  /**
   * Partition p's sum when rows [p·m, (p+1)·m) of x, y are its block (one of {@code partitions}) and all
   * of them are in the batch.
   */
  static GradientSum share(Weights w, float[] x, int[] y, int p, int m, int partitions) {
    return share(w, x, y, p, m, partitions, Noise.NONE);
  }

  /** The same under the train-time {@code noise} (its starts name the partitions' first rows). */
  static GradientSum share(Weights w, float[] x, int[] y, int p, int m, int partitions, Noise noise) {
    int d = w.shape().d();
    int[][] rows = new int[partitions][0];
    rows[p] = range(m);
    Block b = Block.of(p, Arrays.copyOfRange(x, p * m * d, (p + 1) * m * d), Arrays.copyOfRange(y, p * m, (p + 1) * m));
    return new GradientSum().add(new Step(w, rows, noise), b);
  }

  static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  double[] random(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextGaussian();
    }
    return a;
  }
}
