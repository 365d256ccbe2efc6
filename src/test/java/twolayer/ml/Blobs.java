package twolayer.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Data that is not CIFAR: three seeded Gaussian blobs in six dimensions, one double column per
 * dimension ({@code x0..x5}) and a string label column ({@code kind}: "a", "b", "c"). Each blob's
 * centre is drawn from N(0, 2²) per coordinate and its points scatter around it as N(0, 1); with
 * {@code offset} and {@code scale}, coordinate j becomes {@code offset_j + scale_j·x_j}: the same
 * problem with features that are not standardised.
 */
final class Blobs {
  static final int D = 6;
  static final String[] KINDS = {"a", "b", "c"};

  private Blobs() {}

  static String[] columns() {
    String[] c = new String[D];
    for (int j = 0; j < D; j++) {
      c[j] = "x" + j;
    }
    return c;
  }

  /** {@code n} rows; the centres depend on {@code centreSeed} only, so frames of other seeds share them. */
  static Dataset<Row> frame(SparkSession spark, int n, long centreSeed, long seed, double[] offset, double[] scale) {
    Random c = new Random(centreSeed);
    double[][] centres = new double[KINDS.length][D];
    for (double[] centre : centres) {
      for (int j = 0; j < D; j++) {
        centre[j] = 2 * c.nextGaussian();
      }
    }
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(KINDS.length);
      Object[] v = new Object[D + 1];
      for (int j = 0; j < D; j++) {
        double x = centres[k][j] + r.nextGaussian();
        v[j] = offset == null ? x : offset[j] + scale[j] * x;
      }
      v[D] = KINDS[k];
      rows.add(RowFactory.create(v));
    }
    StructType schema = new StructType();
    for (String col : columns()) {
      schema = schema.add(col, DataTypes.DoubleType);
    }
    return spark.createDataFrame(rows, schema.add("kind", DataTypes.StringType));
  }
}
