package twolayer.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.agg.PackedStep;
import twolayer.agg.PackedSum;
import twolayer.data.Augment;
import twolayer.data.Block;
import twolayer.data.BlockSet;
import twolayer.model.Shape;
import twolayer.model.Noise;
import twolayer.model.Weights;
import twolayer.transport.ArrayPool;
import twolayer.transport.Shared;
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
  private Checkpointer checkpointer = Checkpointer.NONE;
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
    this.checkpointer = new Checkpointer.Saving(checkpoints, settings, mean, std, cfg.run().checkpointEvery());
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
    ModelRun run = new ModelRun(cfg, new Shape(train.d(), cfg.model().hiddenSize(), numClasses), train,
        resumeFrom, log, true, checkpointer);
    loop(sc, List.of(run), train, val, run.first, new int[0]);
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
        throw new IllegalArgumentException("packed models must share batch-size, seed, train-size, precision, "
            + "agg-depth, flip, crop-pad and dropout");
      }
    }
    PrintStream silent = new PrintStream(java.io.OutputStream.nullOutputStream());
    List<ModelRun> runs = new ArrayList<>();
    for (TrainConfig c : cfgs) {
      runs.add(new ModelRun(c, new Shape(train.d(), c.model().hiddenSize(), numClasses), train, null, silent, false,
          Checkpointer.NONE));
    }
    loop(sc, runs, train, val, 0, rungs);
    List<Outcome> out = new ArrayList<>();
    for (ModelRun r : runs) {
      try {
        out.add(r.diverged != null ? new Outcome(null, r.diverged) : new Outcome(r.result(train), null));
      } catch (Diverged e) {
        out.add(new Outcome(null, e));
      }
    }
    return out;
  }

  /** The iterations of all runs, from {@code first} until each has run its total (or stopped). */
  private static void loop(JavaSparkContext sc, List<ModelRun> runs, BlockSet train, BlockSet val, int first,
      int[] rungs) {
    TrainConfig c0 = runs.get(0).cfg;
    checkAugmentable(c0, train.d());
    BatchSampler sampler = new BatchSampler(train.counts(), c0.loop().batchSize(), c0.loop().seed());
    long[] starts = sampler.starts(); // the noise's global row numbers: fixed for the run
    int perEpoch = c0.iterationsPerEpoch();
    Transport transport = Transport.of(sc);
    for (int it = first; ; it++) {
      List<ModelRun> active = going(runs, it);
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
      PackedStep ps = new PackedStep(models, sampler.rows(epoch, t), noise(c0, starts, epoch, it));
      Shared<PackedStep> step = transport.perJob(sc, ps);
      long t1 = System.nanoTime();
      PackedSum sum = transport.aggregate(train.rdd(), step, new PackedSum(), new AddBlock(step), PackedSum::merge,
          c0.loop().aggDepth(), active.get(0).clock.timeline); // the runs share the jobs: the first one's time
      long t2 = System.nanoTime();
      step.release(); // a broadcast's destroy, a block's removal: part of its cost
      long t3 = System.nanoTime();
      for (int k = 0; k < models.length; k++) {
        ModelRun r = active.get(k);
        r.clock.job(t1 - t0 + t3 - t2, t2 - t1);
        try {
          r.update(it, epoch, sum.get(k));
          transport.done(sum.get(k)); // read by the update, and finite
          r.afterIteration(it, t, train, val);
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

  /** Flips and crops are of 3×32×32 images: other data with them set is the user's mistake, named by its key. */
  private static void checkAugmentable(TrainConfig c, int d) {
    if ((c.data().flip() || c.data().cropPad() > 0) && d != Augment.D) {
      throw new UserError((c.data().flip() ? "flip" : "crop-pad") + ": augmentation needs 3x32x32 images (D="
          + Augment.D + "), but the data have D=" + d + "; leave flip and crop-pad off for them");
    }
  }

  /** Iteration {@code it}'s train-time noise (the packed runs share it: it is part of their packing). */
  private static Noise noise(TrainConfig c, long[] starts, int epoch, int it) {
    return new Noise(c.data().flip(), c.data().cropPad(), c.optim().dropout(), c.loop().seed(), epoch, it, starts);
  }

  /** The runs that still train at iteration {@code it}: neither diverged nor done. */
  private static List<ModelRun> going(List<ModelRun> runs, int it) {
    List<ModelRun> going = new ArrayList<>();
    for (ModelRun r : runs) {
      if (r.diverged == null && it < r.total) {
        going.add(r);
      }
    }
    return going;
  }

  /** Stops the worse half (by validation accuracy) of the runs still going after iteration {@code it}. */
  private static void halve(List<ModelRun> runs, int it) {
    List<ModelRun> going = going(runs, it + 1);
    going.sort((a, b) -> Double.compare(b.valAcc, a.valAcc)); // stable: ties keep the earlier run first
    for (ModelRun r : going.subList((going.size() + 1) / 2, going.size())) {
      r.progress.out().printf("halving: stopped after iteration %d (val accuracy %.4f)%n", it + 1, r.valAcc);
      r.total = it + 1;
    }
  }

  /** The loss or the weights became NaN or infinite: training cannot go on. */
  public static final class Diverged extends RuntimeException {
    public final int iteration;

    public Diverged(int iteration, double loss, double lr) {
      super("training diverged: the loss or the weights became " + (Double.isNaN(loss) ? "NaN" : loss)
          + " at iteration " + iteration + "; the learning rate (" + lr
          + ") is probably too high: lower it with --learning-rate (the last good checkpoint is kept)");
      this.iteration = iteration;
    }

    /** Throws when a weight {@code w} after {@code iteration} is NaN or infinite. */
    static void unlessFinite(double[] w, int iteration, double lr) {
      for (double v : w) {
        if (!Double.isFinite(v)) {
          throw new Diverged(iteration, Double.NaN, lr);
        }
      }
    }
  }
}
