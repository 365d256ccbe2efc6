package twolayer.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import twolayer.UserError;
import twolayer.model.Shape;

/**
 * A trained model as a NumPy {@code .npz}: CS231n's {@code params} ({@code W1} D×H, {@code b1} H,
 * {@code W2} H×C, {@code b2} C) plus {@code mean} (D), the image subtracted from every input, and, for a
 * model trained on standardised inputs, {@code std} (D), each feature's divisor after the subtraction.
 * Serializable only so Spark can ship a model to its executors inside a prediction task; files are
 * read with {@link Npz}, never with Java serialisation.
 */
public record ModelFile(Shape shape, double[] weights, double[] mean, double[] std) implements java.io.Serializable {

  /** A model that only subtracts the mean image. */
  public ModelFile(Shape shape, double[] weights, double[] mean) {
    this(shape, weights, mean, null);
  }

  /** Writes the model atomically (temporary file, then rename): never half a model at {@code file}. */
  public void save(Path file) {
    Shape s = shape;
    LinkedHashMap<String, Npz.Array> arrays = new LinkedHashMap<>();
    arrays.put("W1", new Npz.Array(new int[] {s.d(), s.h()}, Arrays.copyOfRange(weights, s.w1(), s.b1())));
    arrays.put("b1", new Npz.Array(new int[] {s.h()}, Arrays.copyOfRange(weights, s.b1(), s.w2())));
    arrays.put("W2", new Npz.Array(new int[] {s.h(), s.c()}, Arrays.copyOfRange(weights, s.w2(), s.b2())));
    arrays.put("b2", new Npz.Array(new int[] {s.c()}, Arrays.copyOfRange(weights, s.b2(), s.size())));
    arrays.put("mean", new Npz.Array(new int[] {s.d()}, mean.clone()));
    if (std != null) {
      arrays.put("std", new Npz.Array(new int[] {s.d()}, std.clone()));
    }
    try {
      Npz.write(file, arrays);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the model", e);
    }
  }

  /** Reads and checks a model: every array present, shapes that agree, finite values. */
  public static ModelFile load(Path file) {
    LinkedHashMap<String, Npz.Array> a = Npz.read(file);
    for (String k : new String[] {"W1", "b1", "W2", "b2", "mean"}) {
      if (!a.containsKey(k)) {
        throw new UserError(file + ": array '" + k + "' is missing (a model holds W1, b1, W2, b2, mean)");
      }
    }
    int[] w1 = a.get("W1").shape(), w2 = a.get("W2").shape();
    if (w1.length != 2 || w2.length != 2) {
      throw new UserError(file + ": W1 and W2 must be 2-d, found shapes " + Arrays.toString(w1) + " and " + Arrays.toString(w2));
    }
    int d = w1[0], h = w1[1], c = w2[1];
    expect(file, "b1", a.get("b1").shape(), h);
    expect(file, "b2", a.get("b2").shape(), c);
    expect(file, "mean", a.get("mean").shape(), d);
    if (w2[0] != h) {
      throw new UserError(file + ": W2 has " + w2[0] + " rows but W1 has " + h + " columns (hidden size)");
    }
    Shape s = new Shape(d, h, c);
    double[] w = new double[s.size()];
    System.arraycopy(a.get("W1").data(), 0, w, s.w1(), d * h);
    System.arraycopy(a.get("b1").data(), 0, w, s.b1(), h);
    System.arraycopy(a.get("W2").data(), 0, w, s.w2(), h * c);
    System.arraycopy(a.get("b2").data(), 0, w, s.b2(), c);
    double[] mean = a.get("mean").data();
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw new UserError(file + ": the weights hold NaN or infinite values; the model is unusable (retrain it)");
      }
    }
    for (double v : mean) {
      if (!Double.isFinite(v)) {
        throw new UserError(file + ": the mean image holds NaN or infinite values");
      }
    }
    double[] std = null;
    if (a.containsKey("std")) {
      expect(file, "std", a.get("std").shape(), d);
      std = a.get("std").data();
      for (double v : std) {
        if (!(v > 0) || !Double.isFinite(v)) {
          throw new UserError(file + ": the standard deviations (std) must be positive and finite");
        }
      }
    }
    return new ModelFile(s, w, mean, std);
  }

  private static void expect(Path file, String name, int[] shape, int n) {
    if (shape.length != 1 || shape[0] != n) {
      throw new UserError(file + ": " + name + " has shape " + Arrays.toString(shape) + ", expected [" + n + "]");
    }
  }
}
