package twolayer.train;

import java.util.List;

/**
 * Every setting of a training run, immutable and already validated (see {@link twolayer.cli.Settings},
 * which turns text into this and names the key of any bad value). Logged in full, seed included.
 *
 * @param epochs when positive, overrides {@code iterations} with {@code epochs × iterations per epoch}
 * @param partitions 0 means Spark's default parallelism
 */
public record TrainConfig(
    List<String> data,
    String dataMd5,
    String cacheDir,
    String out,
    String master,
    String precision,
    int hiddenSize,
    double learningRate,
    double reg,
    int batchSize,
    int iterations,
    int epochs,
    double lrDecay,
    double initStd,
    long seed,
    int partitions,
    int trainSize,
    int valSize,
    int testSize,
    int aggDepth,
    int logEvery,
    int trainEvalSize,
    String checkpointDir,
    int checkpointEvery,
    int checkpointKeep,
    String updateRule,
    double momentum,
    double beta1,
    double beta2,
    double epsilon,
    String init,
    boolean standardize,
    String schedule,
    int earlyStopping) {

  /** True for float32 kernels (the default), false for float64. */
  public boolean single() {
    return precision.equals("float");
  }

  /** Where checkpoints go: {@code checkpoint-dir}, or {@code OUT/checkpoints} when it is empty. */
  public String checkpoints() {
    return checkpointDir.isEmpty() ? out + "/checkpoints" : checkpointDir;
  }

  /** Iterations in one epoch: one pass over the training set in batches of B (at least 1). */
  public int iterationsPerEpoch() {
    return Math.max(1, trainSize / batchSize);
  }

  /**
   * What models trained in the same Spark jobs must share (Trainer.trainPacked): the batches (batch
   * size, seed, train size), the kernels' precision and the aggregation tree.
   */
  public java.util.List<Object> packing() {
    return java.util.List.of(batchSize, seed, trainSize, single(), aggDepth);
  }

  /** The number of iterations this configuration runs. */
  public int totalIterations() {
    return epochs > 0 ? epochs * iterationsPerEpoch() : iterations;
  }
}
