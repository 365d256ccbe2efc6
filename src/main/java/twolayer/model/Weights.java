package twolayer.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The parameters as they travel to the executors: in the precision the kernels compute in
 * ({@code float} halves what is broadcast). Exactly one of {@link #doubles()}, {@link #floats()} is set.
 * Serialised as bulk arrays (see {@link ArrayIO}).
 */
public final class Weights implements Serializable {
  private final Shape shape;
  private boolean factors = true;
  private transient double[] doubles;
  private transient float[] floats;

  private Weights(Shape shape, double[] doubles, float[] floats) {
    this.shape = shape;
    this.doubles = doubles;
    this.floats = floats;
  }

  /** Wraps the driver's double parameters, narrowed to float when {@code single}. */
  public static Weights of(Shape shape, double[] w, boolean single) {
    if (!single) {
      return new Weights(shape, w, null);
    }
    float[] f = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      f[i] = (float) w[i];
    }
    return new Weights(shape, null, f);
  }

  /** Wraps float parameters as they are (the driver's weights in float precision, see DriverUpdate). */
  public static Weights of(Shape shape, float[] w) {
    return new Weights(shape, null, w);
  }

  public Shape shape() {
    return shape;
  }

  public double[] doubles() {
    return doubles;
  }

  public float[] floats() {
    return floats;
  }

  public boolean single() {
    return floats != null;
  }

  /** Whether small partial sums may send the W1 gradient as factors (float only; on by default). */
  public boolean factors() {
    return factors && single();
  }

  /** Always send dense partial sums (for comparisons). */
  public Weights denseSums() {
    factors = false;
    return this;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    ArrayIO.writeDoubles(out, doubles);
    ArrayIO.writeFloats(out, floats);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    doubles = ArrayIO.readDoubles(in);
    floats = ArrayIO.readFloats(in);
  }
}
