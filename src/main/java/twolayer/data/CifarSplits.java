package twolayer.data;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.transport.Executors;
import twolayer.transport.Shared;

/**
 * The CS231n split of CIFAR-10 as cached blocks: train = the first {@code trainSize} training records,
 * val = the last {@code valSize}, test = the first {@code testSize} of {@code test_batch.bin}. The mean
 * training image is computed on the executors and subtracted there while the blocks are built.
 */
public final class CifarSplits {
  private final JavaSparkContext sc;
  private final CifarDataset dataset;
  private final int partitions;
  private final Shared<HadoopConf> conf;

  private CifarSplits(JavaSparkContext sc, CifarDataset dataset, int partitions) {
    this.sc = sc;
    this.dataset = dataset;
    Executors.await(sc); // the cores to partition by, and every executor there to cache a block
    this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    this.conf = HadoopConf.share(sc);
  }

  /**
   * Finds the data ({@code candidates} tried in order: folder, archive or URL; see {@link CifarLocator})
   * and checks its files.
   */
  public static CifarSplits open(JavaSparkContext sc, List<String> candidates, String cacheDir, String md5,
      int partitions) {
    String folder = CifarLocator.resolve(candidates, Path.of(cacheDir), md5, sc.hadoopConfiguration());
    return new CifarSplits(sc, CifarDataset.open(sc, folder), partitions);
  }

  public CifarDataset dataset() {
    return dataset;
  }

  public List<RecordSplit> trainSplits(int trainSize, int valSize) {
    checkSizes(trainSize, valSize);
    return CifarDataset.splits(dataset.trainFiles, 0, trainSize, partitions);
  }

  public List<RecordSplit> valSplits(int trainSize, int valSize) {
    checkSizes(trainSize, valSize);
    long n = dataset.trainRecords();
    return CifarDataset.splits(dataset.trainFiles, n - valSize, n, partitions);
  }

  public List<RecordSplit> testSplits(int testSize) {
    if (testSize > dataset.testRecords()) {
      throw new UserError("test-size: " + testSize + " is more than the " + dataset.testRecords()
          + " test records in " + dataset.folder);
    }
    return CifarDataset.splits(dataset.testFiles, 0, testSize, partitions);
  }

  /** The mean image and, when {@code withStd}, the per-feature standard deviation (each D; else null) of the given records. */
  public double[][] stats(List<RecordSplit> splits, boolean withStd) {
    sc.setJobDescription("data: mean training image");
    return BlockSet.stats(sc, splits, dataset.d, dataset.numClasses(), withStd, conf);
  }

  /** Reads, centres on {@code mean}, divides by {@code std} (when not null) and caches the given records. */
  public BlockSet blocks(String name, List<RecordSplit> splits, double[] mean, double[] std) {
    if (mean.length != dataset.d) {
      throw new UserError("model: its mean image has " + mean.length + " values, but the data has D="
          + dataset.d + " features per example");
    }
    sc.setJobDescription("data: cache " + name + " blocks");
    return BlockSet.cache(sc, name, splits, mean, std, dataset.numClasses(), conf);
  }

  private void checkSizes(int trainSize, int valSize) {
    long n = dataset.trainRecords();
    if ((long) trainSize + valSize > n) {
      throw new UserError("train-size + val-size: " + trainSize + " + " + valSize + " is more than the "
          + n + " training records in " + dataset.folder);
    }
  }
}
