package twolayer.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import twolayer.transport.Timeline;

/**
 * Where one model's loop time goes: each iteration's broadcast (and its destroy), aggregate job, slowest
 * task's compute and driver update, the jobs' {@link Timeline}, and the time set aside (evaluations,
 * checkpoints) that the loop's time leaves out.
 */
final class IterationClock {
  final long start = System.nanoTime();
  final Timeline timeline = new Timeline(); // inside the aggregate jobs
  private long send;
  private long job;
  private long compute;
  private long update;
  private long aside;
  private long[] iterations = new long[256]; // each iteration's wall time, less what was set aside in it
  private int ended;
  private long lastEnd = start;
  private long asideAtLastEnd;

  /** An iteration's Spark part: sending its values (broadcast and destroy) and its aggregate job. */
  void job(long sendNanos, long jobNanos) {
    send += sendNanos;
    job += jobNanos;
  }

  /** An iteration's slowest task's compute and the driver's update. */
  void update(long computeNanos, long updateNanos) {
    compute += computeNanos;
    update += updateNanos;
  }

  /** Time spent outside the iterations (an evaluation, a checkpoint). */
  void aside(long nanos) {
    aside += nanos;
  }

  /** An iteration has ended: its time is the time since the last one ended, less what was set aside meanwhile. */
  void iterationEnd() {
    long now = System.nanoTime();
    if (ended == iterations.length) {
      iterations = Arrays.copyOf(iterations, 2 * ended);
    }
    iterations[ended++] = now - lastEnd - (aside - asideAtLastEnd);
    lastEnd = now;
    asideAtLastEnd = aside;
  }

  /** The median iteration's milliseconds (0 before any): the figure to set against another median. */
  double medianMillis() {
    if (ended == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(iterations, ended);
    Arrays.sort(sorted);
    return sorted[ended / 2] / 1e6;
  }

  double asideSeconds() {
    return aside / 1e9;
  }

  /** Seconds since the start, less the time set aside. */
  double loopSeconds() {
    return (System.nanoTime() - start) / 1e9 - asideSeconds();
  }

  /** Milliseconds per iteration over {@code ran} iterations: in all, and by part. */
  Map<String, Double> millisPerIteration(double loopSeconds, int ran) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("total", loopSeconds * 1e3 / ran);
    m.put("median", medianMillis());
    m.put("broadcast", send / 1e6 / ran);
    m.put("aggregate_job", job / 1e6 / ran);
    m.put("task_compute", compute / 1e6 / ran);
    m.put("scheduling_transfer_merge", (job - compute) / 1e6 / ran);
    m.put("driver_update", update / 1e6 / ran);
    timeline.millisPer(ran).forEach((k, v) -> m.put("job_" + k, v));
    return m;
  }
}
