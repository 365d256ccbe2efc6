package twolayer.metrics;

/**
 * The training loop's latest figures, for monitoring: the trainer publishes them once per iteration and
 * once per epoch end, {@link TrainingMetrics}' gauges read them whenever Spark's metrics sinks report.
 * Plain Java, so that train/ publishes without depending on Spark's plugin API or the metrics library.
 */
public final class Progress {
  /**
   * One moment of training: iteration (1-based) of {@code iterations}, epoch (1-based), the iteration's
   * mini-batch loss and learning rate, the last epoch end's accuracies, and examples per second over the
   * last {@value #WINDOW} iterations (evaluations left out). NaN or 0: nothing measured yet.
   */
  public record Snapshot(long iteration, long iterations, int epoch, double loss, double learningRate,
      double trainAccuracy, double valAccuracy, double examplesPerSecond) {}

  static final int WINDOW = 20;
  static final Snapshot NONE = new Snapshot(0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  private static volatile Snapshot now = NONE;
  private static final long[] ENDS = new long[WINDOW]; // when the last iterations ended (nanoTime), a ring
  private static int ended; // iterations in the ring's current stretch

  private Progress() {}

  /** The figures as they are now. */
  public static Snapshot now() {
    return now;
  }

  /** Iteration {@code iteration} of {@code iterations} (1-based) ended with this loss and learning rate. */
  public static synchronized void iteration(long iteration, long iterations, int epoch, double loss,
      double learningRate, int batchSize) {
    long t = System.nanoTime();
    ENDS[ended % WINDOW] = t;
    ended++;
    Snapshot s = now;
    double rate = s.examplesPerSecond();
    if (ended > 1) {
      int k = Math.min(ended, WINDOW); // k ends bound k - 1 iterations
      rate = (double) batchSize * (k - 1) / ((t - ENDS[(ended - k) % WINDOW]) / 1e9);
    }
    now = new Snapshot(iteration, iterations, epoch, loss, learningRate, s.trainAccuracy(), s.valAccuracy(), rate);
  }

  /** An epoch's evaluation ended with these accuracies; the rate is measured afresh from the next iteration. */
  public static synchronized void epochEnd(double trainAccuracy, double valAccuracy) {
    Snapshot s = now;
    now = new Snapshot(s.iteration(), s.iterations(), s.epoch(), s.loss(), s.learningRate(), trainAccuracy,
        valAccuracy, s.examplesPerSecond());
    ended = 0;
  }

  /** Nothing measured: a new application. */
  public static synchronized void reset() {
    now = NONE;
    ended = 0;
  }
}
