package twolayer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import twolayer.agg.GradientSum;
import twolayer.agg.Step;
import twolayer.data.Block;
import twolayer.model.FloatNet;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.optim.Sgd;
import twolayer.transport.ArrayPool;

/**
 * The trainer's iteration with Spark taken out, for {@code bench}: one thread per block adds its share
 * of the batch as a task would ({@link GradientSum#add}), this thread merges the sums in partition
 * order and {@link DriverUpdate} takes the plain SGD step, then the sums' arrays go back to
 * {@link ArrayPool} as under a local master. The same pieces as {@link Trainer}, so that the bench's
 * ratio of the two is what Spark's job costs and nothing else.
 */
public final class LocalIteration implements AutoCloseable {
  private final Block[] blocks; // block k is partition k
  private final DriverUpdate driver;
  private final ExecutorService pool;

  /** Float weights drawn with {@code std} and {@code seed}, one thread per block. */
  public LocalIteration(Shape s, Block[] blocks, double std, long seed, double reg) {
    this.blocks = blocks.clone();
    this.driver = new DriverUpdate(s, new Sgd(), reg, TwoLayerNet.initialWeights(s, std, seed), FloatNet.KERNEL);
    this.pool = Executors.newFixedThreadPool(blocks.length);
  }

  /** One iteration over {@code rows[k]} of block k at learning rate lr; returns the batch's data loss. */
  public double run(int[][] rows, double lr) throws InterruptedException, ExecutionException {
    Step step = new Step(driver.weights(), rows);
    List<Future<GradientSum>> parts = new ArrayList<>();
    for (Block b : blocks) {
      parts.add(pool.submit(() -> new GradientSum().add(step, b)));
    }
    GradientSum sum = parts.get(0).get();
    for (int k = 1; k < parts.size(); k++) {
      sum.merge(parts.get(k).get());
    }
    double loss = sum.loss() / sum.count();
    driver.apply(sum, lr);
    sum.recycle();
    return loss;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    ArrayPool.clear();
  }
}
