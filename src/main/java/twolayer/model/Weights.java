package twolayer.model;

import java.io.Serializable;

/**
 * The parameters as they travel to the executors: in the precision the kernels compute in
 * ({@code float} halves what is broadcast). Exactly one of {@code doubles}, {@code floats} is set.
 */
public record Weights(Shape shape, double[] doubles, float[] floats) implements Serializable {

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

  public boolean single() {
    return floats != null;
  }
}
