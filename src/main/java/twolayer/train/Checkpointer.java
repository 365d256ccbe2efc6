package twolayer.train;

import java.util.List;
import java.util.Map;
import twolayer.io.ModelFile;
import twolayer.model.Shape;

/**
 * Saves a single run's state at every epoch end and every {@code checkpoint-every} iterations;
 * {@link #NONE} saves nothing (search trials, the Spark ML Estimator, a run without checkpoints).
 */
interface Checkpointer {
  Checkpointer NONE = new Checkpointer() {
    @Override
    public boolean due(int iterations, boolean epochEnd) {
      return false;
    }

    @Override
    public void save(Shape s, double[] w, int iterations, double lr, List<Map<String, Object>> history,
        Map<String, double[]> optimizer) {}
  };

  /** True when a checkpoint is due after {@code iterations} (1-based), at an epoch end or not. */
  boolean due(int iterations, boolean epochEnd);

  /** Saves the weights (finite: the caller checks) after {@code iterations}, the learning rate and history. */
  void save(Shape s, double[] w, int iterations, double lr, List<Map<String, Object>> history,
      Map<String, double[]> optimizer);

  /** Into {@code checkpoints}, with the run's {@code settings} and preprocessing ({@code mean}, {@code std}). */
  record Saving(Checkpoints checkpoints, Map<String, Object> settings, double[] mean, double[] std, int every)
      implements Checkpointer {
    @Override
    public boolean due(int iterations, boolean epochEnd) {
      return epochEnd || (every > 0 && iterations % every == 0);
    }

    @Override
    public void save(Shape s, double[] w, int iterations, double lr, List<Map<String, Object>> history,
        Map<String, double[]> optimizer) {
      checkpoints.save(new Checkpoints.State(new ModelFile(s, w, mean, std), iterations, lr, history, settings,
          optimizer, null));
    }
  }
}
