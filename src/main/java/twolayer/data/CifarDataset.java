package twolayer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.transport.Transport;

/**
 * CIFAR-10 in its binary layout, in a folder on any Hadoop file system: {@code data_batch_1..5.bin}
 * (training), {@code test_batch.bin}, {@code batches.meta.txt} (class names). A record is one label
 * byte then D pixel bytes (1024 R, 1024 G, 1024 B). The driver only lists files and plans splits;
 * executors read the bytes ({@link #read}).
 */
public final class CifarDataset {
  public static final List<String> TRAIN_FILES =
      List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  public static final List<String> TEST_FILES = List.of("test_batch.bin");
  /** CIFAR-10's classes, as batches.meta.txt lists them. */
  public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
      "dog", "frog", "horse", "ship", "truck");
  /** CIFAR-10's image size, 32×32×3; the math takes D from the dataset, not from this constant. */
  public static final int CIFAR_D = 3072;

  /** A record file, how many records it holds, and where the tasks read it ({@link Transport#reachable}). */
  public record FileInfo(String path, long records, String source) implements java.io.Serializable {
    public FileInfo(String path, long records) {
      this(path, records, path);
    }

    /** The same files, read by the tasks of {@code t} where they reach them. */
    public static List<FileInfo> readBy(Transport t, List<FileInfo> files) {
      return files.stream().map(f -> new FileInfo(f.path, f.records, t.reachable(f.path))).toList();
    }
  }

  public final String folder;
  public final int d;
  public final List<String> classNames;
  public final List<FileInfo> trainFiles;
  public final List<FileInfo> testFiles;

  private CifarDataset(String folder, int d, List<String> classNames, List<FileInfo> train, List<FileInfo> test) {
    this.folder = folder;
    this.d = d;
    this.classNames = classNames;
    this.trainFiles = train;
    this.testFiles = test;
  }

  /** Lists and checks the files of a CIFAR-10 folder; a missing file or a bad length is a {@link UserError}. */
  public static CifarDataset open(String folder, Configuration conf) {
    int recordBytes = CIFAR_D + 1;
    return new CifarDataset(folder, CIFAR_D, classNames(folder, conf),
        files(folder, TRAIN_FILES, recordBytes, conf), files(folder, TEST_FILES, recordBytes, conf));
  }

  /** {@link #open}, with the files read by the tasks of {@code sc} where they reach them ({@link Transport#reachable}). */
  public static CifarDataset open(JavaSparkContext sc, String folder) {
    CifarDataset ds = open(folder, sc.hadoopConfiguration());
    Transport t = Transport.of(sc);
    return new CifarDataset(folder, ds.d, ds.classNames, FileInfo.readBy(t, ds.trainFiles), FileInfo.readBy(t, ds.testFiles));
  }

  /** Whether the tasks read the files from the driver's file server ({@link #open(JavaSparkContext, String)}). */
  public boolean servedByDriver() {
    FileInfo f = trainFiles.get(0);
    return !f.source().equals(f.path());
  }

  public int numClasses() {
    return classNames.size();
  }

  public long trainRecords() {
    return trainFiles.stream().mapToLong(FileInfo::records).sum();
  }

  public long testRecords() {
    return testFiles.stream().mapToLong(FileInfo::records).sum();
  }

  static List<FileInfo> files(String folder, List<String> names, int recordBytes, Configuration conf) {
    List<FileInfo> out = new ArrayList<>();
    for (String name : names) {
      Path p = new Path(folder, name);
      FileStatus st;
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
          throw new UserError(p + ": file is missing (a CIFAR-10 binary folder holds "
              + String.join(", ", TRAIN_FILES) + ", " + String.join(", ", TEST_FILES) + ")");
        }
        st = fs.getFileStatus(p);
      } catch (IOException e) {
        throw new UserError(p + ": cannot be read (" + e.getMessage() + ")", e);
      }
      long len = st.getLen();
      if (len == 0 || len % recordBytes != 0) {
        throw new UserError(p + ": length " + len + " is not a positive multiple of the record size "
            + recordBytes + " (1 label byte + " + (recordBytes - 1) + " pixel bytes); the file is truncated or not CIFAR-10");
      }
      out.add(new FileInfo(p.toString(), len / recordBytes));
    }
    return out;
  }

  /** Class names from {@code batches.meta.txt}, one a line; CIFAR-10's ten when the file is absent. */
  static List<String> classNames(String folder, Configuration conf) {
    Path p = new Path(folder, "batches.meta.txt");
    List<String> names = new ArrayList<>();
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(p)) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null && names.size() < 256; ) {
            if (!line.isBlank()) {
              names.add(line.trim());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UserError(p + ": cannot be read (" + e.getMessage() + ")", e);
    }
    return names.size() >= 2 ? names : CIFAR10_CLASSES;
  }

  /**
   * Plans records {@code [from, to)} of the concatenated files as {@code partitions} contiguous splits
   * of near-equal size, so each partition's global row range is known without reading anything.
   */
  public static List<RecordSplit> splits(List<FileInfo> files, long from, long to, int partitions) {
    long n = to - from;
    List<RecordSplit> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      long lo = from + n * p / partitions, hi = from + n * (p + 1) / partitions;
      List<RecordSplit.Slice> slices = new ArrayList<>();
      long fileStart = 0;
      for (FileInfo f : files) {
        long a = Math.max(lo, fileStart), b = Math.min(hi, fileStart + f.records());
        if (a < b) {
          slices.add(new RecordSplit.Slice(f.path(), a - fileStart, (int) (b - a), f.source()));
        }
        fileStart += f.records();
      }
      out.add(new RecordSplit(p, lo - from, (int) (hi - lo), slices));
    }
    return out;
  }

  /** Reads a split's records on an executor, checking every label is below {@code numClasses}. */
  public static RawRecords read(RecordSplit split, int recordBytes, int numClasses, Configuration conf) {
    byte[] bytes = new byte[Math.multiplyExact(split.n(), recordBytes)];
    int off = 0;
    for (RecordSplit.Slice s : split.slices()) {
      Path p = new Path(s.file());
      int len = s.count() * recordBytes;
      try {
        Transport.readFully(s.source(), conf, s.first() * recordBytes, bytes, off, len);
      } catch (IOException e) {
        return new RawRecords(null, 0, p + ": cannot read records " + s.first() + ".."
            + (s.first() + s.count() - 1) + " (" + e.getMessage() + ")");
      }
      for (int i = 0; i < s.count(); i++) {
        int label = bytes[off + i * recordBytes] & 0xFF;
        if (label >= numClasses) {
          return new RawRecords(null, 0, p + ": record " + (s.first() + i) + " has label " + label
              + ", above " + (numClasses - 1) + " (labels are 0-" + (numClasses - 1) + "); the file is corrupt or not CIFAR-10");
        }
      }
      off += len;
    }
    return new RawRecords(bytes, split.n(), null);
  }
}
