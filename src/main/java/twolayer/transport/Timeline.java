package twolayer.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of aggregation jobs goes, summed over the jobs recorded. Stamps are {@code System.nanoTime}
 * of the driver and of the tasks: the spans that cross from one JVM to another ({@link #toTasks},
 * {@link #resultsBack}) are right only when every JVM is on one machine, whose monotonic clock they all
 * read (a cluster on 127.0.0.1); the others are measured within one JVM.
 */
public final class Timeline {
  private long jobs;
  private long total; // job submitted → result on the driver
  private long toTasks; // submitted → the last task's fold starts: scheduling, launch, task deserialisation
  private long fold; // the slowest task's fold (reading the job's values and adding the rows)
  private long resultsBack; // a fold's end → its result merged on the driver, the latest over the tasks
  private long merge; // the driver's merges
  private long tail; // the last merge → the job's return

  /** One job's stamps: submitted, per partition fold start and end and arrival, merge time, returned. */
  synchronized void add(long submitted, long[] foldStart, long[] foldEnd, long[] received, long mergeNanos,
      long returned) {
    jobs++;
    total += returned - submitted;
    long lastStart = submitted, longest = 0, back = 0, lastReceived = submitted;
    for (int p = 0; p < foldStart.length; p++) {
      lastStart = Math.max(lastStart, foldStart[p]);
      longest = Math.max(longest, foldEnd[p] - foldStart[p]);
      back = Math.max(back, received[p] - foldEnd[p]);
      lastReceived = Math.max(lastReceived, received[p]);
    }
    toTasks += lastStart - submitted;
    fold += longest;
    resultsBack += back;
    merge += mergeNanos;
    tail += returned - lastReceived;
  }

  public synchronized long jobs() {
    return jobs;
  }

  /** Milliseconds per job of each span (named as in metrics.json), over {@code per} units (jobs, iterations). */
  public synchronized Map<String, Double> millisPer(long per) {
    Map<String, Double> m = new LinkedHashMap<>();
    double f = 1e-6 / Math.max(1, per);
    m.put("total", total * f);
    m.put("submit_to_last_task_start", toTasks * f);
    m.put("slowest_task", fold * f);
    m.put("result_to_driver", resultsBack * f);
    m.put("merge", merge * f);
    m.put("job_end", tail * f);
    return m;
  }
}
