package twolayer.ml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.data.CifarLocator;
import twolayer.data.HadoopConf;
import twolayer.data.RawRecords;
import twolayer.data.RecordSplit;

/**
 * CIFAR-10 as a DataFrame ({@code label} double, {@code features} vector of the 3072 raw pixel values),
 * read on the executors with the trainer's own reader, split as CS231n does and partitioned exactly as
 * {@code ./submit.sh train} partitions it.
 */
public final class CifarFrames {
  private CifarFrames() {}

  /**
   * @param data a folder, archive or URL (as the {@code data} setting), unpacked into {@code data/} when needed
   * @param split {@code train} (the first n training records), {@code val} (the last n) or {@code test}
   */
  public static Dataset<Row> load(SparkSession spark, String data, String split, int n, int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String folder = CifarLocator.resolve(List.of(data.split(",")), Path.of("data"), null, sc.hadoopConfiguration());
    CifarDataset ds = CifarDataset.open(sc, folder); // local files served to the executors
    long total = split.equals("test") ? ds.testRecords() : ds.trainRecords();
    if (n > total) {
      throw new UserError(split + ": " + n + " records asked, " + folder + " holds " + total);
    }
    List<CifarDataset.FileInfo> files = split.equals("test") ? ds.testFiles : ds.trainFiles;
    long from = split.equals("val") ? total - n : 0;
    List<RecordSplit> splits = CifarDataset.splits(files, from, from + n, partitions);
    twolayer.transport.Shared<HadoopConf> conf = HadoopConf.share(sc);
    int d = ds.d, classes = ds.numClasses();
    JavaRDD<Row> rows = sc.parallelize(splits, splits.size()).flatMap(s -> {
      RawRecords raw = CifarDataset.read(s, d + 1, classes, conf.get().get());
      if (raw.error() != null) {
        throw new UserError(raw.error());
      }
      List<Row> out = new ArrayList<>(raw.n());
      byte[] b = raw.bytes();
      for (int i = 0; i < raw.n(); i++) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
          x[j] = b[i * (d + 1) + 1 + j] & 0xFF;
        }
        out.add(RowFactory.create((double) (b[i * (d + 1)] & 0xFF), Vectors.dense(x)));
      }
      return out.iterator();
    });
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
    return spark.createDataFrame(rows, schema);
  }
}
