package twolayer.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** {@link TwoLayerNet}'s sums: the reference precision, dense, in the whole {@link Shape} layout. */
final class DoubleSums implements Sums {
  private transient double[] sums;

  @Override
  public double add(Weights w, Rows x, int[] y, int[] rows, int partition, Noise noise) {
    Shape s = w.shape();
    Workspace ws = Workspace.get();
    double[] xs = ws.gather(x, y, rows, partition, noise);
    boolean first = sums == null; // then the kernel writes (beta 0) into a new array
    sums = first ? new double[s.size()] : sums;
    return TwoLayerNet.lossAndGradient(s, w.doubles(), xs, 0, ws.labels(), 0, rows.length, sums, ws, true, first,
        Dropout.of(noise, partition, rows));
  }

  @Override
  public Sums merge(Sums other) {
    double[] o = ((DoubleSums) other).sums;
    if (sums == null || o == null) {
      sums = sums != null ? sums : o;
    } else {
      Gemm.add(sums, o);
    }
    return this;
  }

  @Override
  public double[] gradient() {
    return sums;
  }

  @Override
  public void scaledInto(double f, double[] g, int from, int to) {
    for (int i = from; i < to; i++) {
      g[i - from] = sums[i] * f;
    }
  }

  @Override
  public void stepInto(Weights w, int from, int to, double decay, double scale) {
    int n = to - from;
    double[] wd = w.doubles();
    if (n <= 0) {
      return;
    }
    if (decay == 0) {
      Gemm.axpy(n, -scale, sums, from, wd, from); // a bias: w −= scale·sum
      return;
    }
    Gemm.scale(n, scale, sums, from); // t = scale·sum
    Gemm.axpy(n, decay, wd, from, sums, from); // t += decay·w
    Gemm.axpy(n, -1.0, sums, from, wd, from); // w −= t
  }

  @Override
  public void recycle() {
    sums = null;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    ArrayIO.writeDoubles(out, sums);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    sums = ArrayIO.readDoubles(in);
  }
}
