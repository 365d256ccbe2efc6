package twolayer.predict;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import twolayer.UserError;
import twolayer.data.Preprocessing;
import twolayer.io.ModelFile;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Workspace;

/**
 * Class probabilities of single inputs with a saved model, in one process (no Spark, double precision):
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

  /** Predicts every record of every input file. */
  public List<Prediction> predict(List<Path> inputs) {
    List<Prediction> out = new ArrayList<>();
    for (Path p : inputs) {
      String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      if (name.endsWith(".bin")) {
        out.addAll(records(p));
      } else {
        out.add(one(p.toString(), -1, image(p)));
      }
    }
    return out;
  }

  /**
   * The same for {@code .bin} files too large for one process: their records are read and predicted
   * on the executors, in order.
   */
  public static List<Prediction> predictOnSpark(org.apache.spark.api.java.JavaSparkContext sc, ModelFile model,
      List<Path> binFiles) {
    int rec = model.shape().d() + 1;
    List<twolayer.data.CifarDataset.FileInfo> files = new ArrayList<>();
    for (Path p : binFiles) {
      long len;
      try {
        len = Files.size(p);
      } catch (IOException e) {
        throw new UserError(p + ": cannot be read (" + e.getMessage() + ")");
      }
      if (len == 0 || len % rec != 0) {
        throw new UserError(p + ": length " + len + " is not a positive multiple of the record size " + rec);
      }
      files.add(new twolayer.data.CifarDataset.FileInfo(p.toAbsolutePath().toUri().toString(), len / rec));
    }
    long n = files.stream().mapToLong(twolayer.data.CifarDataset.FileInfo::records).sum();
    List<twolayer.data.RecordSplit> splits = twolayer.data.CifarDataset.splits(files, 0, n, sc.defaultParallelism());
    org.apache.spark.broadcast.Broadcast<Predictor> bp = sc.broadcast(new Predictor(model));
    twolayer.transport.Shared<twolayer.data.HadoopConf> conf = twolayer.data.HadoopConf.share(sc);
    sc.setJobDescription("predict: " + n + " records");
    return sc.parallelize(splits, splits.size()).flatMap(s -> {
      twolayer.data.RawRecords raw = twolayer.data.CifarDataset.read(s, rec, 256, conf.get().get());
      List<Prediction> out = new ArrayList<>();
      long k = 0;
      for (twolayer.data.RecordSplit.Slice slice : s.slices()) {
        String name = java.nio.file.Paths.get(java.net.URI.create(slice.file())).toString();
        for (int i = 0; i < slice.count(); i++, k++) {
          double[] x = new double[rec - 1];
          for (int j = 0; j < x.length; j++) {
            x[j] = raw.bytes()[(int) (k * rec) + 1 + j] & 0xFF;
          }
          out.add(bp.value().one(name + "#" + (slice.first() + i), raw.bytes()[(int) (k * rec)] & 0xFF, x));
        }
      }
      return out.iterator();
    }).collect();
  }

  List<Prediction> records(Path p) {
    int d = model.shape().d(), rec = d + 1;
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UserError(p + ": cannot be read (" + e.getMessage() + ")");
    }
    if (b.length == 0 || b.length % rec != 0) {
      throw new UserError(p + ": length " + b.length + " is not a positive multiple of the record size " + rec
          + " (1 label byte + " + d + " pixel bytes, as the model expects)");
    }
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < b.length / rec; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = b[i * rec + 1 + j] & 0xFF;
      }
      out.add(one(p + "#" + i, b[i * rec] & 0xFF, x));
    }
    return out;
  }

  /** An image as CIFAR's D raw pixel values: all red, then all green, then all blue, row-major. */
  double[] image(Path p) {
    int d = model.shape().d(), side = (int) Math.round(Math.sqrt(d / 3.0));
    if (side * side * 3 != d) {
      throw new UserError(p + ": the model takes " + d + " features, not square colour images");
    }
    BufferedImage src;
    try {
      src = ImageIO.read(p.toFile());
    } catch (IOException e) {
      throw new UserError(p + ": cannot be read as an image (" + e.getMessage() + ")");
    }
    if (src == null) {
      throw new UserError(p + ": not a PNG or JPEG image");
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
