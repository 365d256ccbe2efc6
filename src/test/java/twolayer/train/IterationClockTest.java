package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tier 1: an iteration's time leaves out what was set aside in it, and the median is of those times. */
class IterationClockTest {
  @Test
  void theMedianIterationLeavesOutTheTimeSetAside() throws InterruptedException {
    IterationClock clock = new IterationClock();
    assertEquals(0, clock.medianMillis(), "no iteration yet");
    Thread.sleep(200);
    clock.aside(150_000_000L); // an evaluation of 150 ms inside the 200
    clock.iterationEnd();
    double first = clock.medianMillis();
    assertTrue(first >= 50 && first < 150, "200 ms less the 150 set aside: " + first);
    clock.iterationEnd(); // at once: about 0 ms
    clock.iterationEnd();
    assertTrue(clock.medianMillis() < first, "the middle of three, two of them short: " + clock.medianMillis());
    assertEquals(clock.medianMillis(), clock.millisPerIteration(1, 3).get("median"));
  }
}
