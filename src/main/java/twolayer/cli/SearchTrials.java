package twolayer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.io.JsonFiles;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/**
 * A search's trials on its loaded data: packs of trials trained in the same Spark jobs, several packs at
 * once, each trial recorded in {@code OUT/trials.csv} as it ends and its model kept in {@code OUT/best/}
 * while it is the best.
 */
final class SearchTrials {
  private final JavaSparkContext sc;
  private final LoadedData d;
  private final List<Map<String, String>> trials;
  private final List<Settings> trialSettings;
  private final List<TrainConfig> trialConfigs;
  private final int[] rungs;
  private final List<Map<String, Object>> done;
  private final List<String> columns;
  private final OutputFolder outDir;
  private final PrintStream out;
  private double best;

  /** @param done the rows already in trials.csv; the new ones are added to it */
  SearchTrials(JavaSparkContext sc, LoadedData d, List<Map<String, String>> trials, List<Settings> trialSettings,
      List<TrainConfig> trialConfigs, int[] rungs, List<Map<String, Object>> done, List<String> columns, OutputFolder outDir,
      PrintStream out) {
    this.sc = sc;
    this.d = d;
    this.trials = trials;
    this.trialSettings = trialSettings;
    this.trialConfigs = trialConfigs;
    this.rungs = rungs;
    this.done = done;
    this.columns = columns;
    this.outDir = outDir;
    this.out = out;
    this.best = done.stream().mapToDouble(r -> Double.parseDouble(r.get("val_accuracy").toString())).max().orElse(-1);
  }

  /** Runs the packs {@code groups}, {@code parallel} at a time, none started after {@code minutes}. */
  void runAll(List<List<Integer>> groups, int parallel, double minutes) {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<?>> running = new ArrayList<>();
    for (List<Integer> group : groups) {
      running.add(pool.submit(() -> {
        if ((System.nanoTime() - start) / 60e9 > minutes) {
          out.println("search: the budget of " + minutes + " minutes is spent: trials " + group + " not run");
          return;
        }
        sc.setLocalProperty("spark.scheduler.pool", "trials-" + group.get(0) % parallel);
        sc.setJobGroup("search", "search trials " + group, false);
        run(group);
      }));
    }
    pool.shutdown();
    try {
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("search interrupted", e);
    } catch (ExecutionException e) {
      pool.shutdownNow();
      if (e.getCause() instanceof RuntimeException re) {
        throw re; // a UserError of a trial's settings reaches the user as such
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Trains one pack in the same Spark jobs and records its trials. */
  private void run(List<Integer> group) {
    List<TrainConfig> tcs = group.stream().map(trialConfigs::get).toList();
    long s0 = System.nanoTime();
    List<Trainer.Outcome> outcomes = Trainer.trainPacked(sc, tcs, d.train(), d.val(),
        d.data().dataset().numClasses(), rungs);
    double seconds = (System.nanoTime() - s0) / 1e9;
    synchronized (done) { // one trial at a time records its row and, when it is the best, its model
      for (int k = 0; k < group.size(); k++) {
        record(group, k, tcs.get(k), outcomes.get(k), seconds);
      }
      done.sort(java.util.Comparator.comparingInt(t -> Integer.parseInt(t.get("trial").toString())));
      JsonFiles.writeCsv(outDir.local().resolve("trials.csv"), done, columns); // after every trial: a search resumes from here
      outDir.publish();
    }
  }

  private void record(List<Integer> group, int k, TrainConfig tc, Trainer.Outcome outcome, double seconds) {
    int index = group.get(k);
    Trainer.Result r = outcome.result();
    if (r == null) {
      out.printf("trial %d %s: diverged (%s)%n", index, trials.get(index), outcome.diverged().getMessage());
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("trial", index);
    row.putAll(trials.get(index));
    row.put("val_accuracy", r == null ? 0.0 : r.valAccuracy());
    row.put("train_accuracy", r == null ? 0.0 : r.trainAccuracy());
    row.put("loss", r == null ? Double.NaN : r.loss());
    row.put("epochs_run", r == null || r.history().isEmpty() ? 0 : r.history().get(r.history().size() - 1).get("epoch"));
    row.put("seconds", seconds);
    out.printf("trial %d %s: val accuracy %.4f, train accuracy %.4f, %.0f s%s%n", index, trials.get(index),
        row.get("val_accuracy"), row.get("train_accuracy"), seconds,
        group.size() > 1 ? " (trained with trials " + group + ")" : "");
    if (r != null && r.valAccuracy() > best) {
      best = r.valAccuracy();
      Path bestDir = outDir.folder("best");
      RunFiles.writeRun(bestDir, sc, trialSettings.get(index).all(), tc, r, d);
      out.printf("  new best: written to %s%n", outDir.show("best"));
    }
    done.add(row);
  }
}
