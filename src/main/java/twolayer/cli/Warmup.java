package twolayer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import twolayer.io.JsonFiles;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/**
 * {@code submit.sh} runs this once, under {@code -XX:ArchiveClassesAtExit}, so that the JDK archives
 * the classes every command starts by loading (Spark's context, scheduler, block manager and RPC,
 * Hadoop's file system, Jackson) and later commands map them instead of reading and verifying them
 * from the jars (class data sharing). Not a user command: it does a little of everything and exits.
 */
final class Warmup {
  private Warmup() {}

  static void run() {
    try {
      warm();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void warm() throws IOException {
    Path dir = Files.createTempDirectory("twolayer-warmup");
    Path file = dir.resolve("records.bin");
    Files.write(file, new byte[4 * 3073]);
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark warmup", "local[2]")) {
      JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2, 3, 4), 2).persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      int[] one = {1};
      Transport transport = Transport.of(sc);
      Shared<int[]> b = transport.perJob(sc, one);
      long[] sum = transport.aggregate(rdd, b, new long[1], (acc, v) -> {
        acc[0] += v * b.get()[0];
        return acc;
      }, (x, y) -> {
        x[0] += y[0];
        return x;
      }, 2);
      b.release();
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.toUri());
      try (FSDataInputStream in = FileSystem.get(p.toUri(), sc.hadoopConfiguration()).open(p)) {
        in.readFully(0, new byte[3073]);
      }
      JsonFiles.toJson(Map.of("sum", sum[0]));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }
}
