package twolayer.train;

import java.io.PrintStream;
import twolayer.metrics.Progress;

/**
 * A model's progress lines: the first iteration, every {@code log-every} iterations, the last, and each
 * epoch end's evaluation. With {@code gauges} (a single run) it also publishes the figures to
 * {@link Progress} for the metrics sinks.
 */
final class ProgressLog {
  private final PrintStream out;
  private final boolean gauges;
  private final int every;
  private final int batchSize;
  private final int first;
  private final long start;
  private long windowStart; // the start of the examples/s window: the last line, shifted by pauses

  /** Lines from iteration {@code first} (0-based) of a loop that started at {@code start} (nanoTime). */
  ProgressLog(PrintStream out, boolean gauges, TrainConfig cfg, int first, long start) {
    this.out = out;
    this.gauges = gauges;
    this.every = cfg.run().logEvery();
    this.batchSize = cfg.loop().batchSize();
    this.first = first;
    this.start = start;
    this.windowStart = start;
  }

  PrintStream out() {
    return out;
  }

  /** Iteration {@code it} (0-based) of {@code total} in epoch {@code epoch} (0-based) ended. */
  void iteration(int it, int total, int epoch, double loss, double lr) {
    if (gauges) {
      Progress.iteration(it + 1, total, epoch + 1, loss, lr, batchSize);
    }
    if ((it + 1) % every == 0 || it == first || it + 1 == total) {
      long now = System.nanoTime();
      int done = it == first ? 1 : ((it + 1) % every == 0 ? every : (it + 1) % every);
      double perIteration = (now - start) / 1e9 / (it + 1 - first); // evaluations included
      out.printf("iteration %d/%d  epoch %d  loss %.6f  lr %.3e  %.0f examples/s  ETA %s%n", it + 1, total,
          epoch + 1, loss, lr, (double) done * batchSize / ((now - windowStart) / 1e9),
          eta(perIteration * (total - it - 1)));
      windowStart = now;
    }
  }

  /** The evaluation at the end of epoch {@code epoch} (0-based), after iteration {@code it} (0-based). */
  void epochEnd(int epoch, int it, double loss, double trainAcc, double valAcc, double lr) {
    out.printf("epoch %d done (iteration %d): loss %.6f  train accuracy %.4f  val accuracy %.4f  lr %.3e%n",
        epoch + 1, it + 1, loss, trainAcc, valAcc, lr);
    if (gauges) {
      Progress.epochEnd(trainAcc, valAcc);
    }
  }

  /** Time outside the iterations (an evaluation, a checkpoint): not counted in examples per second. */
  void paused(long nanos) {
    windowStart += nanos;
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
