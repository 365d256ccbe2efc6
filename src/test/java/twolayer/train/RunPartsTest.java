package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import twolayer.cli.Settings;

/** The parts of a model's run that need no Spark: schedule, best model, checkpoint timing, divergence. */
class RunPartsTest {
  static TrainConfig.Optim optim(String schedule) {
    return Settings.parse(List.of("--schedule", schedule, "--learning-rate", "0.1", "--lr-decay", "0.5"), Set.of(),
        Set.of()).trainConfig().optim();
  }

  @Test
  void stepDecaysAfterEachEpochAndCosineGoesFromTheRateToZero() {
    LearningRate step = new LearningRate(optim("step"), 0.1);
    step.beforeIteration(3, 10);
    assertEquals(0.1, step.get());
    step.afterEpoch();
    assertEquals(0.05, step.get());
    LearningRate cos = new LearningRate(optim("cosine"), 0.1);
    cos.beforeIteration(0, 10);
    assertEquals(0.1, cos.get());
    cos.beforeIteration(5, 10);
    assertEquals(0.05, cos.get(), 1e-15);
    cos.afterEpoch();
    assertEquals(0.05, cos.get(), 1e-15);
  }

  @Test
  void bestModelKeepsWeightsOnlyWithEarlyStoppingAndCountsEpochsWithoutProgress() {
    BestModel off = new BestModel(0);
    off.epochEnd(0.5, 10, () -> {
      throw new AssertionError("weights read without early stopping");
    });
    assertFalse(off.beats(0.1));
    BestModel on = new BestModel(2);
    on.epochEnd(0.5, 10, () -> new double[] {1, 2});
    on.epochEnd(0.4, 20, () -> new double[] {3, 4});
    assertFalse(on.exhausted());
    on.epochEnd(0.5, 30, () -> new double[] {5, 6}); // not better: ties keep the first
    assertTrue(on.exhausted());
    assertTrue(on.beats(0.45));
    assertEquals(10, on.iteration());
    assertArrayEquals(new double[] {1, 2}, on.weights());
  }

  @Test
  void checkpointsAtEpochEndsAndEveryNIterationsNoneNever() {
    Checkpointer every4 = new Checkpointer.Saving(null, Map.of(), null, null, 4);
    assertTrue(every4.due(8, false));
    assertFalse(every4.due(9, false));
    assertTrue(every4.due(9, true));
    assertFalse(new Checkpointer.Saving(null, Map.of(), null, null, 0).due(8, false));
    assertFalse(Checkpointer.NONE.due(8, true));
  }

  @Test
  void weightsThatAreNotFiniteAreADivergence() {
    Trainer.Diverged.unlessFinite(new double[] {1, -2}, 3, 0.1);
    Trainer.Diverged e = assertThrows(Trainer.Diverged.class,
        () -> Trainer.Diverged.unlessFinite(new double[] {1, Double.POSITIVE_INFINITY}, 3, 0.1));
    assertEquals(3, e.iteration);
  }
}
