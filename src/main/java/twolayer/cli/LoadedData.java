package twolayer.cli;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.data.RecordSplit;
import twolayer.train.ExecutorBlas;
import twolayer.train.TrainConfig;

/**
 * The CS231n split as cached blocks, preprocessed as {@code cfg} says, how long loading took, and which
 * BLAS each executor computes with ({@link ExecutorBlas#describe}), asked once the blocks are cached.
 */
record LoadedData(CifarSplits data, double[] mean, double[] std, BlockSet train, BlockSet val, BlockSet test,
    double seconds, List<String> executors) {
  static LoadedData of(JavaSparkContext sc, TrainConfig cfg) {
    long t0 = System.nanoTime();
    CifarSplits data = CifarSplits.open(sc, cfg.data().places(), cfg.data().cacheDir(), cfg.data().md5(), cfg.data().partitions());
    List<RecordSplit> trainSplits = data.trainSplits(cfg.data().trainSize(), cfg.data().valSize());
    double[][] stats = data.stats(trainSplits, cfg.data().standardize());
    double[] mean = stats[0], std = stats[1];
    BlockSet train = data.blocks("train", trainSplits, mean, std);
    BlockSet val = data.blocks("val", data.valSplits(cfg.data().trainSize(), cfg.data().valSize()), mean, std);
    BlockSet test = data.blocks("test", data.testSplits(cfg.data().testSize()), mean, std);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new LoadedData(data, mean, std, train, val, test, seconds, ExecutorBlas.describe(sc));
  }
}
