package twolayer.predict;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.data.HadoopConf;
import twolayer.data.Preprocessing;
import twolayer.data.RawRecords;
import twolayer.data.RecordSplit;
import twolayer.io.ModelFile;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Workspace;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/**
 * Class probabilities of single inputs with a saved model, in double precision, in one process or on Spark:
 * CIFAR-10 {@code .bin} records, or PNG/JPEG images. Images that are not 32×32 are scaled to 32×32 with
 * bilinear interpolation (Java2D, after drawing onto an RGB canvas, so transparency becomes black).
 */
public final class Predictor implements java.io.Serializable {
  /** One input's prediction: where it came from, its label when the input has one (-1 otherwise), probabilities. */
  public record Prediction(String input, int label, double[] probabilities) implements java.io.Serializable {
    /** Class indices by decreasing probability. */
    public int[] ranking() {
      Integer[] idx = new Integer[probabilities.length];
      for (int k = 0; k < idx.length; k++) {
        idx[k] = k;
      }
      java.util.Arrays.sort(idx, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
      return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
  }

  private final ModelFile model;

  public Predictor(ModelFile model) {
    this.model = model;
  }

  /** Predicts every record of every input, read through {@code files}. */
  public List<Prediction> predict(List<InputFiles.Input> inputs, InputFiles files) {
    List<Prediction> out = new ArrayList<>();
    for (InputFiles.Input in : inputs) {
      byte[] b = files.read(in);
      if (in.bin()) {
        int rec = model.shape().d() + 1;
        long n = records(in.name(), b.length, rec);
        for (int i = 0; i < n; i++) {
          out.add(one(in.name() + "#" + i, b[i * rec] & 0xFF, pixels(b, i, rec)));
        }
      } else {
        out.add(one(in.name(), -1, image(in.name(), b)));
      }
    }
    return out;
  }

  /** One split's predictions, or why its records could not be read. */
  record Part(List<Prediction> predictions, String error) implements java.io.Serializable {}

  /** The records of {@code .bin} inputs end to end: each input's file, name and first record. */
  record BinInputs(List<CifarDataset.FileInfo> files, List<String> names, long[] firsts)
      implements java.io.Serializable {
    /** Checks every length (a {@link UserError} naming the input) and lines the inputs up. */
    static BinInputs of(List<InputFiles.Input> inputs, int rec) {
      List<CifarDataset.FileInfo> files = new ArrayList<>();
      long[] firsts = new long[inputs.size()];
      long n = 0;
      for (int f = 0; f < inputs.size(); f++) {
        InputFiles.Input in = inputs.get(f);
        long count = records(in.name(), in.length(), rec);
        files.add(new CifarDataset.FileInfo(in.path(), count));
        firsts[f] = n;
        n += count;
      }
      return new BinInputs(files, inputs.stream().map(InputFiles.Input::name).toList(), firsts);
    }

    long total() {
      return files.stream().mapToLong(CifarDataset.FileInfo::records).sum();
    }

    /** The name of the input that {@code slice} lies in, the slice beginning at record {@code start} of all. */
    String name(long start, RecordSplit.Slice slice) {
      return names.get(java.util.Arrays.binarySearch(firsts, start - slice.first())); // lengths > 0: no ties
    }
  }

  /**
   * The same for {@code .bin} inputs too large for one process: the executors read their records through
   * Hadoop ({@link CifarDataset#read}) and predict them; the predictions come back in order.
   */
  public static List<Prediction> predictOnSpark(JavaSparkContext sc, ModelFile model, List<InputFiles.Input> binFiles) {
    int rec = model.shape().d() + 1;
    BinInputs bins = BinInputs.of(binFiles, rec);
    List<CifarDataset.FileInfo> files = CifarDataset.FileInfo.readBy(Transport.of(sc), bins.files()); // local ones served
    List<RecordSplit> splits = CifarDataset.splits(files, 0, bins.total(), sc.defaultParallelism());
    Broadcast<Predictor> bp = sc.broadcast(new Predictor(model));
    Shared<HadoopConf> conf = HadoopConf.share(sc);
    sc.setJobDescription("predict: " + bins.total() + " records");
    List<Part> parts = sc.parallelize(splits, splits.size())
        .map(s -> bp.value().part(s, bins, conf.get().get())).collect();
    List<Prediction> out = new ArrayList<>();
    for (Part p : parts) {
      if (p.error() != null) {
        throw new UserError(p.error());
      }
      out.addAll(p.predictions());
    }
    return out;
  }

  /** The predictions of one split's records (an executor's share), named as {@link #predict} names them. */
  Part part(RecordSplit s, BinInputs bins, Configuration conf) {
    int rec = model.shape().d() + 1;
    RawRecords raw = CifarDataset.read(s, rec, 256, conf);
    if (raw.error() != null) {
      return new Part(null, raw.error());
    }
    List<Prediction> out = new ArrayList<>(raw.n());
    int k = 0;
    for (RecordSplit.Slice slice : s.slices()) {
      String name = bins.name(s.start() + k, slice);
      for (int i = 0; i < slice.count(); i++, k++) {
        out.add(one(name + "#" + (slice.first() + i), raw.bytes()[k * rec] & 0xFF, pixels(raw.bytes(), k, rec)));
      }
    }
    return new Part(out, null);
  }

  /** How many records of {@code rec} bytes {@code length} bytes hold; else a {@link UserError} naming the input. */
  static long records(String name, long length, int rec) {
    if (length == 0 || length % rec != 0) {
      throw new UserError(name + ": length " + length + " is not a positive multiple of the record size " + rec
          + " (1 label byte + " + (rec - 1) + " pixel bytes, as the model expects)");
    }
    return length / rec;
  }

  /** Record {@code i}'s pixels (after its label byte) as raw values. */
  private static double[] pixels(byte[] b, int i, int rec) {
    double[] x = new double[rec - 1];
    for (int j = 0; j < x.length; j++) {
      x[j] = b[i * rec + 1 + j] & 0xFF;
    }
    return x;
  }

  /** An image as CIFAR's D raw pixel values: all red, then all green, then all blue, row-major. */
  double[] image(String name, byte[] bytes) {
    int d = model.shape().d(), side = (int) Math.round(Math.sqrt(d / 3.0));
    if (side * side * 3 != d) {
      throw new UserError(name + ": the model takes " + d + " features, not square colour images");
    }
    BufferedImage src;
    try {
      src = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UserError(name + ": cannot be read as an image (" + e.getMessage() + ")");
    }
    if (src == null) {
      throw new UserError(name + ": not a PNG or JPEG image");
    }
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, side, side, null);
    g.dispose();
    double[] x = new double[d];
    int plane = side * side;
    for (int r = 0; r < side; r++) {
      for (int c = 0; c < side; c++) {
        int rgb = img.getRGB(c, r);
        x[r * side + c] = (rgb >> 16) & 0xFF;
        x[plane + r * side + c] = (rgb >> 8) & 0xFF;
        x[2 * plane + r * side + c] = rgb & 0xFF;
      }
    }
    return x;
  }

  Prediction one(String input, int label, double[] raw) {
    Shape s = model.shape();
    Preprocessing.applyInPlace(raw, model.mean(), model.std());
    double[] z = TwoLayerNet.scores(s, model.weights(), raw, 0, 1, Workspace.get());
    double[] p = java.util.Arrays.copyOf(z, s.c());
    TwoLayerNet.softmaxInPlace(p, 0, s.c(), 0);
    return new Prediction(input, label, p);
  }
}
