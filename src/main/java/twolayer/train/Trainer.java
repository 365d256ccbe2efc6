package twolayer.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import twolayer.agg.EvalSum;
import twolayer.agg.GradientSum;
import twolayer.agg.Step;
import twolayer.data.BlockSet;
import twolayer.io.ModelFile;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.optim.Updater;

/**
 * Mini-batch SGD on cached blocks. Per iteration: broadcast the weights and the batch rows, each
 * partition sums its share's data-loss gradient, {@code treeAggregate} adds the sums, the driver
 * destroys the broadcast, divides by B, adds {@code 2λW} and updates ({@link DriverUpdate}).
 */
public final class Trainer {
  private final JavaSparkContext sc;
  private final TrainConfig cfg;
  private final PrintStream log;
  private Checkpoints checkpoints;
  private Map<String, Object> settings;
  private double[] mean;
  private double[] std;
  private Checkpoints.State resumeFrom;

  public Trainer(JavaSparkContext sc, TrainConfig cfg, PrintStream log) {
    this.sc = sc;
    this.cfg = cfg;
    this.log = log;
  }

  /**
   * Saves checkpoints (with the run's {@code settings} and {@code mean} image) at every epoch end and
   * every {@code checkpoint-every} iterations, and continues from {@code resumeFrom} when it is not null.
   */
  public Trainer withCheckpoints(Checkpoints checkpoints, Map<String, Object> settings, double[] mean,
      double[] std, Checkpoints.State resumeFrom) {
    this.checkpoints = checkpoints;
    this.settings = settings;
    this.mean = mean;
    this.std = std;
    this.resumeFrom = resumeFrom;
    return this;
  }

  /** The outcome of a run: final weights, per-iteration history and final figures. */
  public record Result(Shape shape, double[] weights, List<Map<String, Object>> history, double loss,
      double trainAccuracy, double valAccuracy, double loopSeconds, double evalSeconds, long examples,
      Map<String, Double> iterationMillis) {}

  /**
   * Trains on {@code train} (C classes), measuring validation accuracy on {@code val} once per epoch
   * ({@code val} may be null: no validation, and no early stopping).
   */
  public Result train(BlockSet train, BlockSet val, int numClasses) {
    Shape s = new Shape(train.d(), cfg.hiddenSize(), numClasses);
    double[] w = resumeFrom != null ? resumeFrom.model().weights().clone()
        : cfg.init().equals("he") ? TwoLayerNet.heWeights(s, cfg.seed())
        : TwoLayerNet.initialWeights(s, cfg.initStd(), cfg.seed());
    Updater updater = Updater.of(cfg.updateRule(), s.size(), cfg.momentum(), cfg.beta1(), cfg.beta2(), cfg.epsilon());
    if (resumeFrom != null && !resumeFrom.optimizer().isEmpty()) {
      updater.restore(resumeFrom.optimizer());
    }
    DriverUpdate driver = new DriverUpdate(s, updater, cfg.reg(), cfg.single());
    driver.narrow(w);
    double bestVal = -1;
    double[] best = null;
    int bestIteration = 0, sinceBest = 0;
    BatchSampler sampler = new BatchSampler(train.counts(), cfg.batchSize(), cfg.seed());
    long[] trainSample = Evaluation.sampleLimits(train, cfg.trainEvalSize());
    int perEpoch = cfg.iterationsPerEpoch(), total = cfg.totalIterations();
    List<Map<String, Object>> history = resumeFrom != null ? new ArrayList<>(resumeFrom.history()) : new ArrayList<>();
    double lr = resumeFrom != null ? resumeFrom.learningRate() : cfg.learningRate();
    double loss = Double.NaN, trainAcc = Double.NaN, valAcc = Double.NaN;
    int first = resumeFrom != null ? resumeFrom.iteration() : 0;
    if (resumeFrom != null) {
      log.printf("resuming from %s: %d of %d iterations done, learning rate %.3e%n", resumeFrom.location(),
          first, total, lr);
    }
    double evalSeconds = 0;
    long loopStart = System.nanoTime(), windowStart = loopStart;
    long[] split = new long[4]; // broadcast, aggregate job, slowest task's compute, driver update

    for (int it = first; it < total; it++) {
      int epoch = it / perEpoch, t = it % perEpoch;
      if (cfg.schedule().equals("cosine")) {
        lr = cfg.learningRate() * 0.5 * (1 + Math.cos(Math.PI * it / total));
      }
      sc.setJobDescription("train: epoch " + (epoch + 1) + ", iteration " + (it + 1) + "/" + total);
      long t0 = System.nanoTime();
      Broadcast<Step> step = sc.broadcast(new Step(driver.weights(w), sampler.rows(epoch, t)));
      long t1 = System.nanoTime();
      GradientSum sum = train.rdd().treeAggregate(new GradientSum(),
          (acc, block) -> acc.add(step.value(), block), GradientSum::merge, cfg.aggDepth());
      long t2 = System.nanoTime();
      step.destroy();
      if (sum.count() != cfg.batchSize()) {
        throw new IllegalStateException("batch of " + sum.count() + " examples, expected " + cfg.batchSize());
      }
      loss = sum.loss() / sum.count() + driver.apply(w, sum, lr);
      if (!Double.isFinite(loss)) {
        throw new Diverged(it + 1, loss, lr);
      }
      long t3 = System.nanoTime();
      split[0] += t1 - t0;
      split[1] += t2 - t1;
      split[2] += sum.computeNanos();
      split[3] += t3 - t2;

      Map<String, Object> h = new LinkedHashMap<>();
      h.put("iteration", it + 1);
      h.put("epoch", epoch + 1);
      h.put("loss", loss);
      h.put("learning_rate", lr);
      history.add(h);
      if ((it + 1) % cfg.logEvery() == 0 || it == first || it + 1 == total) {
        long now = System.nanoTime();
        int done = it == first ? 1 : ((it + 1) % cfg.logEvery() == 0 ? cfg.logEvery() : (it + 1) % cfg.logEvery());
        double perIteration = (now - loopStart) / 1e9 / (it + 1 - first); // evaluations included
        log.printf("iteration %d/%d  epoch %d  loss %.6f  lr %.3e  %.0f examples/s  ETA %s%n", it + 1, total,
            epoch + 1, loss, lr, (double) done * cfg.batchSize() / ((now - windowStart) / 1e9),
            eta(perIteration * (total - it - 1)));
        windowStart = now;
      }
      if (t == perEpoch - 1 || it + 1 == total) {
        long e0 = System.nanoTime();
        Weights now = driver.weights(w);
        EvalSum trainEval = Evaluation.of(train, now, cfg.aggDepth(), trainSample);
        EvalSum valEval = val != null ? Evaluation.of(val, now, cfg.aggDepth()) : new EvalSum();
        trainAcc = trainEval.accuracy();
        valAcc = valEval.accuracy();
        h.put("train_accuracy", trainAcc);
        h.put("val_accuracy", valAcc);
        log.printf("epoch %d done (iteration %d): loss %.6f  train accuracy %.4f  val accuracy %.4f  lr %.3e%n",
            epoch + 1, it + 1, loss, trainAcc, valAcc, lr);
        if (t == perEpoch - 1 && cfg.schedule().equals("step")) {
          lr *= cfg.lrDecay();
        }
        if (valAcc > bestVal) {
          bestVal = valAcc;
          bestIteration = it + 1;
          sinceBest = 0;
          best = cfg.earlyStopping() > 0 ? w.clone() : null;
        } else {
          sinceBest++;
        }
        long e1 = System.nanoTime();
        evalSeconds += (e1 - e0) / 1e9;
        windowStart += e1 - e0;
      }
      boolean due = t == perEpoch - 1 || (cfg.checkpointEvery() > 0 && (it + 1) % cfg.checkpointEvery() == 0);
      if (checkpoints != null && due) {
        long c0 = System.nanoTime();
        if (!allFinite(w)) {
          throw new Diverged(it + 1, Double.NaN, lr); // never let a bad state replace a good checkpoint
        }
        checkpoints.save(new Checkpoints.State(new ModelFile(s, w, mean, std), it + 1, lr, history, settings,
            updater.state(), null));
        windowStart += System.nanoTime() - c0;
        evalSeconds += (System.nanoTime() - c0) / 1e9;
      }
      if (cfg.earlyStopping() > 0 && sinceBest >= cfg.earlyStopping()) {
        log.printf("early stopping at iteration %d: no better validation accuracy for %d epochs; keeping the"
            + " model of iteration %d (val accuracy %.4f)%n", it + 1, sinceBest, bestIteration, bestVal);
        total = it + 1;
        break;
      }
    }
    if (best != null && bestVal > valAcc) {
      System.arraycopy(best, 0, w, 0, w.length); // early stopping keeps the best model seen
      valAcc = bestVal;
      trainAcc = Evaluation.of(train, Weights.of(s, w, cfg.single()), cfg.aggDepth(), trainSample).accuracy();
    }
    double loopSeconds = (System.nanoTime() - loopStart) / 1e9 - evalSeconds;
    int ran = Math.max(1, total - first);
    Map<String, Double> perIteration = new LinkedHashMap<>();
    perIteration.put("total", loopSeconds * 1e3 / ran);
    perIteration.put("broadcast", split[0] / 1e6 / ran);
    perIteration.put("aggregate_job", split[1] / 1e6 / ran);
    perIteration.put("task_compute", split[2] / 1e6 / ran);
    perIteration.put("scheduling_transfer_merge", (split[1] - split[2]) / 1e6 / ran);
    perIteration.put("driver_update", split[3] / 1e6 / ran);
    return new Result(s, w, history, loss, trainAcc, valAcc, loopSeconds, evalSeconds,
        (long) ran * cfg.batchSize(), perIteration);
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** The loss became NaN or infinite: training cannot go on. */
  public static final class Diverged extends RuntimeException {
    public final int iteration;

    public Diverged(int iteration, double loss, double lr) {
      super("training diverged: the loss or the weights became " + (Double.isNaN(loss) ? "NaN" : loss)
          + " at iteration " + iteration + "; the learning rate (" + lr
          + ") is probably too high: lower it with --learning-rate (the last good checkpoint is kept)");
      this.iteration = iteration;
    }
  }
}
