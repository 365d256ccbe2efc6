package twolayer.train;

import java.util.List;
import twolayer.model.NetKernel;

/**
 * Every setting of a training run in five groups, immutable and already validated (see
 * {@link twolayer.cli.Settings}, which turns text into this and names the key of any bad value). Built
 * only through {@link TrainConfigBuilder}'s named setters: {@code TrainConfig.builder().batchSize(200)...}.
 * Each accessor is the key of conf/train.properties in camel case.
 */
public record TrainConfig(Data data, Model model, Optim optim, Loop loop, Run run) {

  /**
   * Where the examples come from and how they are split and preprocessed.
   *
   * @param places the data locations, tried in order (the {@code data} key)
   * @param md5 the archive's checksum; null for the official one
   * @param partitions 0 means Spark's default parallelism
   * @param flip, cropPad train-time augmentation of the batches' images (see {@link twolayer.model.Noise})
   */
  public record Data(List<String> places, String md5, String cacheDir, int partitions, int trainSize,
      int valSize, int testSize, boolean standardize, boolean flip, int cropPad) {}

  /** The network: its hidden layer, its initial weights and the kernels' arithmetic. */
  public record Model(int hiddenSize, String init, double initStd, String precision) {
    /** The kernels' arithmetic: float32 for {@code float} (the default), float64 for {@code double}. */
    public NetKernel kernel() {
      return NetKernel.of(precision.equals("float"));
    }
  }

  /** The update rule and its learning-rate schedule. */
  public record Optim(String updateRule, double learningRate, double reg, double dropout, double momentum,
      double beta1, double beta2, double epsilon, String schedule, double lrDecay) {}

  /**
   * The iterations: how many, on which batches, how their sums are added, when to evaluate and stop.
   *
   * @param epochs when positive, overrides {@code iterations} with {@code epochs × iterations per epoch}
   * @param seed the initial weights and the batch order
   */
  public record Loop(int batchSize, int iterations, int epochs, long seed, int aggDepth, int trainEvalSize,
      int earlyStopping) {}

  /** Where the run writes and what it reports; none of these changes the trained weights. */
  public record Run(String out, String master, int logEvery, String checkpointDir, int checkpointEvery,
      int checkpointKeep) {
    /** Where checkpoints go: {@code checkpoint-dir}, or {@code OUT/checkpoints} when it is empty. */
    public String checkpoints() {
      return checkpointDir.isEmpty() ? out + "/checkpoints" : checkpointDir;
    }
  }

  /** A builder with nothing set: every setting must be given a value before {@code build()}. */
  public static TrainConfigBuilder builder() {
    return new TrainConfigBuilder();
  }

  /** Iterations in one epoch: one pass over the training set in batches of B (at least 1). */
  public int iterationsPerEpoch() {
    return Math.max(1, data.trainSize() / loop.batchSize());
  }

  /**
   * What models trained in the same Spark jobs must share (Trainer.trainPacked): the batches (batch
   * size, seed, train size, augmentation, dropout), the kernels' precision and the aggregation tree.
   */
  public List<Object> packing() {
    return List.of(loop.batchSize(), loop.seed(), data.trainSize(), model.kernel(), loop.aggDepth(),
        data.flip(), data.cropPad(), optim.dropout());
  }

  /** The number of iterations this configuration runs. */
  public int totalIterations() {
    return loop.epochs() > 0 ? loop.epochs() * iterationsPerEpoch() : loop.iterations();
  }
}
