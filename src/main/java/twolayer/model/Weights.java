package twolayer.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The parameters as they travel to the executors, in the precision of their {@link NetKernel}
 * ({@code float} halves what is broadcast). Exactly one of {@link #doubles()}, {@link #floats()} is set.
 * Serialised as bulk arrays (see {@link ArrayIO}).
 */
public final class Weights implements Serializable {
  private final Shape shape;
  private final NetKernel kernel;
  private boolean factors = true;
  private transient double[] doubles;
  private transient float[] floats;

  private Weights(Shape shape, NetKernel kernel, double[] doubles, float[] floats) {
    this.shape = shape;
    this.kernel = kernel;
    this.doubles = doubles;
    this.floats = floats;
  }

  /** Double parameters as they are, for {@link TwoLayerNet#KERNEL}. */
  static Weights of(Shape shape, double[] w) {
    return new Weights(shape, TwoLayerNet.KERNEL, w, null);
  }

  /** Float parameters as they are, for {@link FloatNet#KERNEL} (the driver's float weights). */
  public static Weights of(Shape shape, float[] w) {
    return new Weights(shape, FloatNet.KERNEL, null, w);
  }

  public Shape shape() {
    return shape;
  }

  /** The kernel that computes with these weights. */
  public NetKernel kernel() {
    return kernel;
  }

  public double[] doubles() {
    return doubles;
  }

  public float[] floats() {
    return floats;
  }

  /** Whether small partial sums may send the W1 gradient as factors (the float kernel's; on by default). */
  public boolean factors() {
    return factors;
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
