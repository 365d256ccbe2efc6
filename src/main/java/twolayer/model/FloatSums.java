package twolayer.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import twolayer.transport.ArrayPool;

/**
 * {@link FloatNet}'s sums (half the bytes of double to send back). A small share of the batch sends
 * its W1 gradient as {@link W1Factors}: until they are multiplied out the sums hold only the layout
 * from b1 on, so no one allocates, zeroes, sends or adds a W1-sized array of zeros. Merges gather the
 * factors while they stay smaller and multiply them out otherwise; the driver multiplies out what is
 * left. Arrays come from {@link ArrayPool} and go back to it on {@link #recycle}, with those merged in
 * or multiplied out ({@code spent}).
 */
final class FloatSums implements Sums {
  private transient float[] sums; // the layout from `base` on
  private int base; // 0, or b1 while the W1 gradient exists only as factors
  private Shape shape;
  private final W1Factors factors = new W1Factors();
  private transient boolean borrowed; // sums is the driver's reused array (withW1): not ours to recycle
  private transient List<float[]> spent;

  @Override
  public double add(Weights w, Rows x, int[] y, int[] rows, int partition, Noise noise) {
    Shape s = shape = w.shape();
    Workspace ws = Workspace.get();
    boolean factor = w.factors() && W1Factors.smaller(s, factors.rows() + rows.length);
    // rows kept as factors are gathered once, into the segment that is sent: no second copy; a block of
    // pixel bytes also gives the rows' bytes, which is what crosses to the driver
    int xLen = rows.length * s.d(), dzLen = rows.length * s.h();
    RowDecoder decoder = factor ? x.decoder() : null;
    byte[] bytes = decoder != null ? new byte[xLen] : null;
    float[] xs = factor
        ? ws.gatherFloat(x, y, rows, partition, noise, ArrayPool.take(xLen, xLen + xLen / 4), bytes)
        : ws.gatherFloat(x, y, rows, partition, noise);
    boolean first = sums == null; // then the kernel writes (beta 0): a recycled array holds old sums
    if (first) {
      base = factor ? s.b1() : 0;
      sums = ArrayPool.take(s.size() - base, s.size() - base);
    } else if (!factor) {
      widen(null);
    }
    double loss = FloatNet.lossAndGradient(s, w.floats(), xs, 0, ws.labels(), 0, rows.length, sums, ws, base == 0,
        first, Dropout.of(noise, partition, rows)); // factors keep the masked dz1 (ws.lastDz1())
    if (factor) {
      factors.append(partition, xs, bytes, decoder, ws.lastDz1(), ArrayPool.take(dzLen, dzLen + dzLen / 4),
          rows.length, s.h());
    }
    return loss;
  }

  @Override
  public Sums merge(Sums other) {
    FloatSums o = (FloatSums) other;
    shape = shape != null ? shape : o.shape;
    if (o.factors.rows() > 0 && !W1Factors.smaller(shape, factors.rows() + o.factors.rows())) {
      multiplyOut(); // together too many rows: dense is smaller now
      o.multiplyOut();
    }
    if (sums != null && o.sums != null && base != o.base) {
      widen(null);
      o.widen(null);
    }
    if (sums == null) {
      sums = o.sums;
      base = o.base;
      borrowed = o.borrowed;
    } else if (o.sums != null) {
      Gemm.add(sums, o.sums); // saxpy: several times a Java loop's speed under C1
      spend(o.sums);
    }
    if (o.spent != null) {
      o.spent.forEach(this::spend);
    }
    factors.merge(o.factors);
    return this;
  }

  @Override
  public double[] gradient() {
    multiplyOut();
    if (sums == null) {
      return null;
    }
    double[] g = new double[sums.length];
    scaledInto(1.0, g, 0, g.length);
    return g;
  }

  @Override
  public void scaledInto(double f, double[] g, int from, int to) {
    if (factors.rows() > 0 || base > 0) {
      throw new IllegalStateException("factors not multiplied out");
    }
    for (int i = from; i < to; i++) {
      g[i - from] = sums[i] * f;
    }
  }

  @Override
  public void stepInto(Weights w, int from, int to, double decay, double scale) {
    int n = to - from, at = from - base;
    float[] wf = w.floats();
    if (n <= 0) {
      return;
    }
    if (decay == 0) {
      Gemm.axpy(n, (float) -scale, sums, at, wf, from); // a bias: w −= scale·sum
      return;
    }
    Gemm.scale(n, (float) scale, sums, at); // t = scale·sum
    Gemm.axpy(n, (float) decay, wf, from, sums, at); // t += decay·w
    Gemm.axpy(n, -1f, sums, at, wf, from); // w −= t
  }

  @Override
  public W1Factors factors() {
    return factors.rows() > 0 ? factors : null;
  }

  @Override
  public boolean hasW1() {
    return base == 0;
  }

  @Override
  public float[] withW1(float[] reuse) {
    widen(reuse);
    return sums;
  }

  @Override
  public W1Factors takeFactors() {
    return factors.take(this::spend);
  }

  @Override
  public void recycle() {
    if (spent != null) {
      spent.forEach(ArrayPool::give);
    }
    if (!borrowed) {
      ArrayPool.give(sums);
    }
    factors.clear(ArrayPool::give);
    spent = null;
    sums = null;
  }

  /** The W1 part += Xᵀ·dz1 over the factor rows, in one product: (D×rows)·(rows×H) = D×H. */
  private void multiplyOut() {
    if (factors.rows() > 0) {
      float beta = base > 0 ? 0f : 1f; // a W1 part that was not there is the product alone: no zeroing
      widen(null);
      takeFactors().product(shape, 0, shape.d(), 1f, beta, sums);
    }
  }

  /** The full layout (its W1 part left as it was) in {@code reuse} when it has the layout's size, else new. */
  private void widen(float[] reuse) {
    if (base == 0 || sums == null) {
      return;
    }
    float[] full = reuse != null && reuse.length == shape.size() ? reuse : new float[shape.size()];
    System.arraycopy(sums, 0, full, base, sums.length);
    spend(sums);
    sums = full;
    borrowed = full == reuse;
    base = 0;
  }

  private void spend(float[] a) {
    if (spent == null) {
      spent = new ArrayList<>();
    }
    spent.add(a);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    ArrayIO.writeFloats(out, sums);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    sums = ArrayIO.readFloats(in);
  }
}
