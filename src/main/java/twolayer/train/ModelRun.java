package twolayer.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import twolayer.agg.EvalSum;
import twolayer.agg.GradientSum;
import twolayer.data.BlockSet;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.optim.Updater;

/**
 * One model's state across the iterations of {@link Trainer}: weights, update rule, learning rate,
 * history and figures; the best model, the clock, the progress lines and the checkpoints are its parts.
 */
final class ModelRun {
  final TrainConfig cfg;
  final Shape s;
  final int first; // the first iteration (0-based): 0, or a resumed run's iterations done
  final IterationClock clock = new IterationClock();
  final ProgressLog progress;
  private final double[] w; // the weights as doubles: in float precision a copy that driver.copyTo refreshes
  private final Updater updater;
  private final DriverUpdate driver;
  private final LearningRate lr;
  private final BestModel best;
  private final Checkpointer checkpointer;
  private final List<Map<String, Object>> history;
  private final long[] trainSample;
  int total; // iterations to run; early stopping and halving lower it
  double loss = Double.NaN;
  double trainAcc = Double.NaN;
  double valAcc = Double.NaN;
  Trainer.Diverged diverged;

  /** A new model, or one resumed from {@code resumeFrom} when it is not null. */
  ModelRun(TrainConfig cfg, Shape s, BlockSet train, Checkpoints.State resumeFrom, PrintStream log,
      boolean gauges, Checkpointer checkpointer) {
    this.cfg = cfg;
    this.s = s;
    this.checkpointer = checkpointer;
    w = resumeFrom != null ? resumeFrom.model().weights().clone()
        : cfg.model().init().equals("he") ? TwoLayerNet.heWeights(s, cfg.loop().seed())
        : TwoLayerNet.initialWeights(s, cfg.model().initStd(), cfg.loop().seed());
    TrainConfig.Optim o = cfg.optim();
    updater = Updater.of(o.updateRule(), s.size(), o.momentum(), o.beta1(), o.beta2(), o.epsilon());
    if (resumeFrom != null && !resumeFrom.optimizer().isEmpty()) {
      updater.restore(resumeFrom.optimizer());
    }
    driver = new DriverUpdate(s, updater, o.reg(), w, cfg.model().kernel());
    trainSample = Evaluation.sampleLimits(train, cfg.loop().trainEvalSize());
    total = cfg.totalIterations();
    history = resumeFrom != null ? new ArrayList<>(resumeFrom.history()) : new ArrayList<>();
    lr = new LearningRate(o, resumeFrom != null ? resumeFrom.learningRate() : o.learningRate());
    first = resumeFrom != null ? resumeFrom.iteration() : 0;
    best = new BestModel(cfg.loop().earlyStopping());
    progress = new ProgressLog(log, gauges, cfg, first, clock.start);
    if (resumeFrom != null) {
      log.printf("resuming from %s: %d of %d iterations done, learning rate %.3e%n", resumeFrom.location(),
          first, total, lr.get());
    }
  }

  /** The weights to send for iteration {@code it} (after its learning rate is set). */
  Weights weights(int it) {
    lr.beforeIteration(it, total);
    return driver.weights();
  }

  /** Applies iteration {@code it}'s summed gradient; a loss that is not finite is {@link Trainer.Diverged}. */
  void update(int it, int epoch, GradientSum sum) {
    long t2 = System.nanoTime();
    if (sum.count() != cfg.loop().batchSize()) {
      throw new IllegalStateException("batch of " + sum.count() + " examples, expected " + cfg.loop().batchSize());
    }
    loss = sum.loss() / sum.count() + driver.apply(sum, lr.get());
    if (!Double.isFinite(loss)) {
      throw new Trainer.Diverged(it + 1, loss, lr.get());
    }
    clock.update(sum.computeNanos(), System.nanoTime() - t2);
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("iteration", it + 1);
    h.put("epoch", epoch + 1);
    h.put("loss", loss);
    h.put("learning_rate", lr.get());
    history.add(h);
  }

  /** Progress line, epoch-end evaluation and learning-rate decay, checkpoint, early stopping. */
  void afterIteration(int it, int t, BlockSet train, BlockSet val) {
    int perEpoch = cfg.iterationsPerEpoch();
    progress.iteration(it, total, it / perEpoch, loss, lr.get());
    if (t == perEpoch - 1 || it + 1 == total) {
      long e0 = System.nanoTime();
      epochEnd(it, t == perEpoch - 1, train, val);
      aside(System.nanoTime() - e0);
    }
    if (checkpointer.due(it + 1, t == perEpoch - 1)) {
      long c0 = System.nanoTime();
      // never let a bad state replace a good checkpoint
      Trainer.Diverged.unlessFinite(driver.copyTo(w), it + 1, lr.get());
      checkpointer.save(s, w, it + 1, lr.get(), history, updater.state());
      aside(System.nanoTime() - c0);
    }
    if (best.exhausted()) {
      progress.out().printf("early stopping at iteration %d: no better validation accuracy for %d epochs; keeping"
          + " the model of iteration %d (val accuracy %.4f)%n", it + 1, best.epochsSince(), best.iteration(),
          best.accuracy());
      total = it + 1;
    }
    clock.iterationEnd();
  }

  /** The end of an epoch (or of the run, after iteration {@code it}): accuracies, decay, best model. */
  private void epochEnd(int it, boolean fullEpoch, BlockSet train, BlockSet val) {
    if (val != null || cfg.loop().trainEvalSize() > 0) { // neither (the Spark ML Estimator): no job per epoch
      Weights now = driver.weights();
      EvalSum trainEval = Evaluation.of(train, now, cfg.loop().aggDepth(), trainSample);
      EvalSum valEval = val != null ? Evaluation.of(val, now, cfg.loop().aggDepth()) : new EvalSum();
      trainAcc = trainEval.accuracy();
      valAcc = valEval.accuracy();
      Map<String, Object> h = history.get(history.size() - 1);
      h.put("train_accuracy", trainAcc);
      h.put("val_accuracy", valAcc);
      progress.epochEnd(it / cfg.iterationsPerEpoch(), it, loss, trainAcc, valAcc, lr.get());
    }
    if (fullEpoch) {
      lr.afterEpoch();
    }
    best.epochEnd(valAcc, it + 1, () -> driver.copyTo(w));
  }

  /** Time outside the iterations: left out of the loop's time and of the examples per second. */
  private void aside(long nanos) {
    clock.aside(nanos);
    progress.paused(nanos);
  }

  /** The final weights (the best ones with early stopping), figures and timings. */
  Trainer.Result result(BlockSet train) {
    // the last update's weights: no later loss has looked at them
    Trainer.Diverged.unlessFinite(driver.copyTo(w), total, lr.get());
    if (best.beats(valAcc)) {
      System.arraycopy(best.weights(), 0, w, 0, w.length); // early stopping keeps the best model seen
      valAcc = best.accuracy();
      trainAcc = Evaluation.of(train, cfg.model().kernel().weights(s, w), cfg.loop().aggDepth(), trainSample)
          .accuracy();
    }
    double loopSeconds = clock.loopSeconds();
    int ran = Math.max(1, total - first);
    return new Trainer.Result(s, w, history, loss, trainAcc, valAcc, loopSeconds, clock.asideSeconds(),
        (long) ran * cfg.loop().batchSize(), clock.millisPerIteration(loopSeconds, ran));
  }
}
