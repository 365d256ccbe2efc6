package twolayer.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.agg.EvalSum;
import twolayer.agg.GradientSum;
import twolayer.agg.PackedStep;
import twolayer.agg.PackedSum;
import twolayer.data.Block;
import twolayer.data.BlockSet;
import twolayer.io.ModelFile;
import twolayer.metrics.Progress;
import twolayer.model.NetKernel;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Weights;
import twolayer.optim.Updater;
import twolayer.transport.ArrayPool;
import twolayer.transport.Shared;
import twolayer.transport.Timeline;
import twolayer.transport.Transport;

/**
 * Mini-batch SGD on cached blocks. Per iteration: send the weights and the batch rows to the tasks
 * ({@link Transport#perJob}), each partition sums its share's data-loss gradient, a tree aggregation
 * ({@link Transport#aggregate}) adds the sums in partition order, the driver divides by B, adds
 * {@code 2λW} and updates ({@link DriverUpdate}).
 * {@link #trainPacked} runs K models (search trials) through the same jobs: one broadcast, one
 * aggregation and one Spark job per iteration for all K.
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

  /** One model of a packed run: its result, or why it diverged. */
  public record Outcome(Result result, Diverged diverged) {}

  /**
   * Trains on {@code train} (C classes), measuring validation accuracy on {@code val} once per epoch
   * ({@code val} may be null: no validation, and no early stopping).
   */
  public Result train(BlockSet train, BlockSet val, int numClasses) {
    Run run = new Run(cfg, new Shape(train.d(), cfg.hiddenSize(), numClasses), log, resumeFrom, train);
    loop(sc, List.of(run), train, val, run.first, this, new int[0]);
    if (run.diverged != null) {
      throw run.diverged;
    }
    return run.result(train);
  }

  /**
   * Trains K models at once on the same batches (they must agree on {@link TrainConfig#packing}; hidden
   * size, learning rate, schedule, rule, reg and epochs may differ): each iteration is one Spark job
   * whose tasks compute all K gradients. A model that diverges stops alone. No checkpoints and no log:
   * this is for search trials. With successive halving, at the end of each epoch in {@code rungs} (may
   * be empty) the better half of the models still training (by validation accuracy; ties to the earlier
   * model) go on and the others stop there, so most of the time goes to the promising ones.
   */
  public static List<Outcome> trainPacked(JavaSparkContext sc, List<TrainConfig> cfgs, BlockSet train, BlockSet val,
      int numClasses, int[] rungs) {
    for (TrainConfig c : cfgs) {
      if (!c.packing().equals(cfgs.get(0).packing())) {
        throw new IllegalArgumentException("packed models must share batch-size, seed, train-size, precision and "
            + "agg-depth");
      }
    }
    PrintStream silent = new PrintStream(java.io.OutputStream.nullOutputStream());
    List<Run> runs = new ArrayList<>();
    for (TrainConfig c : cfgs) {
      runs.add(new Run(c, new Shape(train.d(), c.hiddenSize(), numClasses), silent, null, train));
    }
    loop(sc, runs, train, val, 0, null, rungs);
    List<Outcome> out = new ArrayList<>();
    for (Run r : runs) {
      try {
        out.add(r.diverged != null ? new Outcome(null, r.diverged) : new Outcome(r.result(train), null));
      } catch (Diverged e) {
        out.add(new Outcome(null, e));
      }
    }
    return out;
  }

  /** The iterations of all runs, from {@code first} until each has run its total (or stopped). */
  private static void loop(JavaSparkContext sc, List<Run> runs, BlockSet train, BlockSet val, int first,
      Trainer single, int[] rungs) {
    TrainConfig c0 = runs.get(0).cfg;
    BatchSampler sampler = new BatchSampler(train.counts(), c0.batchSize(), c0.seed());
    int perEpoch = c0.iterationsPerEpoch();
    Transport transport = Transport.of(sc);
    for (int it = first; ; it++) {
      List<Run> active = going(runs, it);
      if (active.isEmpty()) {
        ArrayPool.clear();
        return;
      }
      int epoch = it / perEpoch, t = it % perEpoch;
      Weights[] models = new Weights[active.size()];
      for (int k = 0; k < models.length; k++) {
        models[k] = active.get(k).weights(it);
      }
      sc.setJobDescription("train: epoch " + (epoch + 1) + ", iteration " + (it + 1)
          + (runs.size() > 1 ? " (" + models.length + " models)" : "/" + c0.totalIterations()));
      long t0 = System.nanoTime();
      PackedStep ps = new PackedStep(models, sampler.rows(epoch, t));
      Shared<PackedStep> step = transport.perJob(sc, ps);
      long t1 = System.nanoTime();
      PackedSum sum = transport.aggregate(train.rdd(), new PackedSum(), new AddBlock(step), PackedSum::merge,
          c0.aggDepth(), timeline(active));
      long t2 = System.nanoTime();
      step.release(); // a broadcast's destroy is part of its cost
      long t3 = System.nanoTime();
      for (int k = 0; k < models.length; k++) {
        Run r = active.get(k);
        r.split[0] += t1 - t0 + t3 - t2;
        r.split[1] += t2 - t1;
        try {
          r.update(it, epoch, sum.get(k));
          transport.done(sum.get(k)); // read by the update, and finite
          r.afterIteration(it, t, train, val, single);
        } catch (Diverged e) {
          r.diverged = e;
        }
      }
      int ended = it + 1;
      if (java.util.Arrays.stream(rungs).anyMatch(e -> e * perEpoch == ended)) {
        halve(runs, it);
      }
    }
  }

  /**
   * The tasks' fold: a block's batch rows into the sums. A named class, not a lambda: every task
   * deserialises it, and a serialised lambda is resolved by reflection on each read.
   */
  private static final class AddBlock implements org.apache.spark.api.java.function.Function2<PackedSum, Block, PackedSum> {
    private final Shared<PackedStep> step;

    AddBlock(Shared<PackedStep> step) {
      this.step = step;
    }

    @Override
    public PackedSum call(PackedSum acc, Block block) {
      return acc.add(step.get(), block);
    }
  }

  /** Where the first run's jobs' time goes (the runs share them). */
  private static Timeline timeline(List<Run> active) {
    return active.get(0).timeline;
  }

  /** The runs that still train at iteration {@code it}: neither diverged nor done. */
  private static List<Run> going(List<Run> runs, int it) {
    List<Run> going = new ArrayList<>();
    for (Run r : runs) {
      if (r.diverged == null && it < r.total) {
        going.add(r);
      }
    }
    return going;
  }

  /** Stops the worse half (by validation accuracy) of the runs still going after iteration {@code it}. */
  private static void halve(List<Run> runs, int it) {
    List<Run> going = going(runs, it + 1);
    going.sort((a, b) -> Double.compare(b.valAcc, a.valAcc)); // stable: ties keep the earlier run first
    for (Run r : going.subList((going.size() + 1) / 2, going.size())) {
      r.log.printf("halving: stopped after iteration %d (val accuracy %.4f)%n", it + 1, r.valAcc);
      r.total = it + 1;
    }
  }

  /** One model's state across iterations: weights, update rule, schedule, history, best model. */
  private static final class Run {
    final TrainConfig cfg;
    final Shape s;
    final PrintStream log;
    final double[] w; // the weights as doubles: in float precision a copy that driver.copyTo refreshes when read
    final Updater updater;
    final DriverUpdate driver;
    final List<Map<String, Object>> history;
    final long[] trainSample;
    final int first;
    final long[] split = new long[4]; // broadcast (and its destroy), aggregate job, slowest task's compute, driver update
    final Timeline timeline = new Timeline(); // inside the aggregate jobs
    final long loopStart = System.nanoTime();
    int total;
    double lr;
    double loss = Double.NaN, trainAcc = Double.NaN, valAcc = Double.NaN;
    double bestVal = -1;
    double[] best;
    int bestIteration, sinceBest;
    double evalSeconds;
    long windowStart = loopStart;
    Diverged diverged;

    Run(TrainConfig cfg, Shape s, PrintStream log, Checkpoints.State resumeFrom, BlockSet train) {
      this.cfg = cfg;
      this.s = s;
      this.log = log;
      w = resumeFrom != null ? resumeFrom.model().weights().clone()
          : cfg.init().equals("he") ? TwoLayerNet.heWeights(s, cfg.seed())
          : TwoLayerNet.initialWeights(s, cfg.initStd(), cfg.seed());
      updater = Updater.of(cfg.updateRule(), s.size(), cfg.momentum(), cfg.beta1(), cfg.beta2(), cfg.epsilon());
      if (resumeFrom != null && !resumeFrom.optimizer().isEmpty()) {
        updater.restore(resumeFrom.optimizer());
      }
      driver = new DriverUpdate(s, updater, cfg.reg(), w, NetKernel.of(cfg.single()));
      trainSample = Evaluation.sampleLimits(train, cfg.trainEvalSize());
      total = cfg.totalIterations();
      history = resumeFrom != null ? new ArrayList<>(resumeFrom.history()) : new ArrayList<>();
      lr = resumeFrom != null ? resumeFrom.learningRate() : cfg.learningRate();
      first = resumeFrom != null ? resumeFrom.iteration() : 0;
      if (resumeFrom != null) {
        log.printf("resuming from %s: %d of %d iterations done, learning rate %.3e%n", resumeFrom.location(),
            first, total, lr);
      }
    }

    /** The weights to broadcast for iteration {@code it} (after its learning rate is set). */
    Weights weights(int it) {
      if (cfg.schedule().equals("cosine")) {
        lr = cfg.learningRate() * 0.5 * (1 + Math.cos(Math.PI * it / total));
      }
      return driver.weights();
    }

    void update(int it, int epoch, GradientSum sum) {
      long t2 = System.nanoTime();
      if (sum.count() != cfg.batchSize()) {
        throw new IllegalStateException("batch of " + sum.count() + " examples, expected " + cfg.batchSize());
      }
      loss = sum.loss() / sum.count() + driver.apply(sum, lr);
      if (!Double.isFinite(loss)) {
        throw new Diverged(it + 1, loss, lr);
      }
      split[2] += sum.computeNanos();
      split[3] += System.nanoTime() - t2;
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("iteration", it + 1);
      h.put("epoch", epoch + 1);
      h.put("loss", loss);
      h.put("learning_rate", lr);
      history.add(h);
    }

    /** Progress line, epoch-end evaluation and learning-rate decay, checkpoint, early stopping. */
    void afterIteration(int it, int t, BlockSet train, BlockSet val, Trainer single) {
      int perEpoch = cfg.iterationsPerEpoch(), epoch = it / perEpoch;
      Map<String, Object> h = history.get(history.size() - 1);
      if (single != null) {
        Progress.iteration(it + 1, total, epoch + 1, loss, lr, cfg.batchSize());
      }
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
        if (val != null || cfg.trainEvalSize() > 0) { // neither (the Spark ML Estimator): no job per epoch
          Weights now = driver.weights();
          EvalSum trainEval = Evaluation.of(train, now, cfg.aggDepth(), trainSample);
          EvalSum valEval = val != null ? Evaluation.of(val, now, cfg.aggDepth()) : new EvalSum();
          trainAcc = trainEval.accuracy();
          valAcc = valEval.accuracy();
          h.put("train_accuracy", trainAcc);
          h.put("val_accuracy", valAcc);
          log.printf("epoch %d done (iteration %d): loss %.6f  train accuracy %.4f  val accuracy %.4f  lr %.3e%n",
              epoch + 1, it + 1, loss, trainAcc, valAcc, lr);
          if (single != null) {
            Progress.epochEnd(trainAcc, valAcc);
          }
        }
        if (t == perEpoch - 1 && cfg.schedule().equals("step")) {
          lr *= cfg.lrDecay();
        }
        if (valAcc > bestVal) {
          bestVal = valAcc;
          bestIteration = it + 1;
          sinceBest = 0;
          best = cfg.earlyStopping() > 0 ? driver.copyTo(w).clone() : null;
        } else {
          sinceBest++;
        }
        long e1 = System.nanoTime();
        evalSeconds += (e1 - e0) / 1e9;
        windowStart += e1 - e0;
      }
      boolean due = t == perEpoch - 1 || (cfg.checkpointEvery() > 0 && (it + 1) % cfg.checkpointEvery() == 0);
      if (single != null && single.checkpoints != null && due) {
        long c0 = System.nanoTime();
        if (!allFinite(driver.copyTo(w))) {
          throw new Diverged(it + 1, Double.NaN, lr); // never let a bad state replace a good checkpoint
        }
        single.checkpoints.save(new Checkpoints.State(new ModelFile(s, w, single.mean, single.std), it + 1, lr,
            history, single.settings, updater.state(), null));
        windowStart += System.nanoTime() - c0;
        evalSeconds += (System.nanoTime() - c0) / 1e9;
      }
      if (cfg.earlyStopping() > 0 && sinceBest >= cfg.earlyStopping()) {
        log.printf("early stopping at iteration %d: no better validation accuracy for %d epochs; keeping the"
            + " model of iteration %d (val accuracy %.4f)%n", it + 1, sinceBest, bestIteration, bestVal);
        total = it + 1;
      }
    }

    Result result(BlockSet train) {
      if (!allFinite(driver.copyTo(w))) { // the last update's weights: no later loss has looked at them
        throw new Diverged(total, Double.NaN, lr);
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
      timeline.millisPer(ran).forEach((k, v) -> perIteration.put("job_" + k, v));
      return new Result(s, w, history, loss, trainAcc, valAcc, loopSeconds, evalSeconds,
          (long) ran * cfg.batchSize(), perIteration);
    }
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
