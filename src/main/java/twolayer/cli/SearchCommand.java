package twolayer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.data.BlockSet;
import twolayer.data.CifarSplits;
import twolayer.io.JsonFiles;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/** {@code submit.sh search}: hyperparameter trials on shared cached data, resumable. */
final class SearchCommand {
  private SearchCommand() {}

  /**
   * Trials on the same cached data: {@code --pack K} trains up to K trials in the same Spark jobs (each
   * task computes all K gradients on the shared batch: Spark's per-job cost is paid once), and
   * {@code --parallel P} runs P such groups at once as concurrent jobs in FAIR pools (one job's
   * scheduling, broadcast and driver update overlap another's tasks). {@code --halving R} is successive
   * halving within each pack (all trials in one pack unless --pack says otherwise): after epochs E/2^R,
   * ..., E/2 the worse half stops. {@code OUT/trials.csv} grows after each trial, so an interrupted search resumes where it
   * stopped; the best model so far (by validation accuracy) and its report are in {@code OUT/best/}.
   */
  static void run(List<String> args, PrintStream out) {
    Set<String> extra = Set.of("space", "trials", "minutes", "parallel", "pack", "halving");
    Settings settings = Settings.parse(args, extra, Set.of("grid", "verbose"));
    TrainConfig cfg = settings.trainConfig();
    twolayer.search.SearchSpace space = twolayer.search.SearchSpace.read(
        Path.of(settings.has("space") ? settings.text("space") : "conf/search.properties"));
    for (String k : space.keys()) {
      if (List.of("data", "train-size", "val-size", "test-size", "standardize", "partitions", "out").contains(k)) {
        throw new UserError("search space: " + k + " shapes the data, which all trials share; set it with --" + k);
      }
    }
    int budget = settings.has("trials") ? settings.intAtLeast("trials", 1) : 8;
    int parallel = settings.has("parallel") ? settings.intAtLeast("parallel", 1) : 1;
    int halving = settings.has("halving") ? settings.intAtLeast("halving", 1) : 0;
    int pack = settings.has("pack") ? settings.intAtLeast("pack", 1) : halving > 0 ? Integer.MAX_VALUE : 1;
    int[] rungs = rungs(cfg.loop().epochs(), halving);
    double minutes = settings.has("minutes") ? settings.positive("minutes") : Double.POSITIVE_INFINITY;
    List<Map<String, String>> trials = settings.flag("grid") ? space.grid() : space.random(budget, cfg.loop().seed());
    trials = trials.subList(0, Math.min(budget, trials.size()));
    Path outDir = Main.outputFolder(cfg.run().out());
    Path csv = outDir.resolve("trials.csv");
    List<Map<String, Object>> done = readTrials(csv);
    List<String> columns = new java.util.ArrayList<>(List.of("trial"));
    columns.addAll(space.keys());
    columns.addAll(List.of("val_accuracy", "train_accuracy", "loss", "epochs_run", "seconds"));
    try (JavaSparkContext sc = Main.spark("twolayer-spark search", cfg.run().master(),
        parallel > 1 ? Map.of("spark.scheduler.mode", "FAIR") : Map.of())) {
      Main.Loaded d = Main.Loaded.of(sc, cfg);
      CifarSplits data = d.data();
      double[] mean = d.mean(), std = d.std();
      BlockSet train = d.train(), val = d.val(), test = d.test();
      double loadSeconds = d.seconds();
      double[] best = {done.stream().mapToDouble(r -> Double.parseDouble(r.get("val_accuracy").toString())).max()
          .orElse(-1)};
      out.printf("search: %d trials (%d already done in %s), %d job(s) at a time of up to %d models, data loaded"
          + " in %.1f s%s%n", trials.size(), done.size(), csv, parallel, Math.min(pack, trials.size()), loadSeconds,
          rungs.length > 0 ? ", halving after epochs " + java.util.Arrays.toString(rungs) : "");
      long start = System.nanoTime();
      List<Map<String, String>> all = trials;
      List<Settings> trialSettings = trials.stream().map(settings::with).toList();
      List<TrainConfig> trialConfigs = trialSettings.stream().map(Settings::trainConfig).toList();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
      List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
      for (List<Integer> group : packs(trialConfigs, done, pack)) {
        running.add(pool.submit(() -> {
          if ((System.nanoTime() - start) / 60e9 > minutes) {
            out.println("search: the budget of " + minutes + " minutes is spent: trials " + group + " not run");
            return;
          }
          List<TrainConfig> tcs = group.stream().map(trialConfigs::get).toList();
          sc.setLocalProperty("spark.scheduler.pool", "trials-" + group.get(0) % parallel);
          sc.setJobGroup("search", "search trials " + group, false);
          long s0 = System.nanoTime();
          List<Trainer.Outcome> outcomes = Trainer.trainPacked(sc, tcs, train, val, data.dataset().numClasses(),
              rungs);
          double seconds = (System.nanoTime() - s0) / 1e9;
          synchronized (done) { // one trial at a time records its row and, when it is the best, its model
            for (int k = 0; k < group.size(); k++) {
              int index = group.get(k);
              Trainer.Result r = outcomes.get(k).result();
              if (r == null) {
                out.printf("trial %d %s: diverged (%s)%n", index, all.get(index), outcomes.get(k).diverged().getMessage());
              }
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("trial", index);
              row.putAll(all.get(index));
              row.put("val_accuracy", r == null ? 0.0 : r.valAccuracy());
              row.put("train_accuracy", r == null ? 0.0 : r.trainAccuracy());
              row.put("loss", r == null ? Double.NaN : r.loss());
              row.put("epochs_run", r == null || r.history().isEmpty() ? 0 : r.history().get(r.history().size() - 1).get("epoch"));
              row.put("seconds", seconds);
              out.printf("trial %d %s: val accuracy %.4f, train accuracy %.4f, %.0f s%s%n", index, all.get(index),
                  row.get("val_accuracy"), row.get("train_accuracy"), seconds,
                  group.size() > 1 ? " (trained with trials " + group + ")" : "");
              if (r != null && r.valAccuracy() > best[0]) {
                best[0] = r.valAccuracy();
                Path bestDir = Main.outputFolder(outDir.resolve("best").toString());
                Main.writeRun(bestDir, sc, trialSettings.get(index).all(), tcs.get(k), r, test, data, mean, std,
                    loadSeconds);
                out.printf("  new best: written to %s%n", bestDir);
              }
              done.add(row);
            }
            done.sort(java.util.Comparator.comparingInt(t -> Integer.parseInt(t.get("trial").toString())));
            JsonFiles.writeCsv(csv, done, columns); // after every trial: an interrupted search resumes from here
          }
        }));
      }
      pool.shutdown();
      try {
        for (java.util.concurrent.Future<?> f : running) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("search interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        pool.shutdownNow();
        if (e.getCause() instanceof RuntimeException re) {
          throw re; // a UserError of a trial's settings reaches the user as such
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    done.sort((a, b) -> Double.compare(Double.parseDouble(b.get("val_accuracy").toString()),
        Double.parseDouble(a.get("val_accuracy").toString())));
    out.println("trials by validation accuracy:");
    out.println(String.join("  ", columns));
    for (Map<String, Object> r : done) {
      out.println(columns.stream().map(c -> String.valueOf(r.get(c))).collect(java.util.stream.Collectors.joining("  ")));
    }
    JsonFiles.write(outDir.resolve("search.json"), done);
  }

  /**
   * The trials still to run, in groups of up to {@code pack} that can share Spark jobs (the same
   * {@link TrainConfig#packing}), in trial order.
   */
  static List<List<Integer>> packs(List<TrainConfig> configs, List<Map<String, Object>> done, int pack) {
    Map<List<Object>, List<Integer>> open = new LinkedHashMap<>();
    List<List<Integer>> groups = new java.util.ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      String index = String.valueOf(i);
      if (done.stream().anyMatch(r -> r.get("trial").toString().equals(index))) {
        continue;
      }
      List<Object> key = configs.get(i).packing();
      List<Integer> group = open.computeIfAbsent(key, k -> {
        List<Integer> g = new java.util.ArrayList<>();
        groups.add(g);
        return g;
      });
      group.add(i);
      if (group.size() == pack) {
        open.remove(key);
      }
    }
    return groups;
  }

  /**
   * Successive halving's rungs for {@code epochs}: the ends of epochs E/2^R, ..., E/4, E/2 (at least 1,
   * no repeats); none when {@code halving} is 0.
   */
  static int[] rungs(int epochs, int halving) {
    if (halving == 0) {
      return new int[0];
    }
    if (epochs <= 0) {
      throw new UserError("halving: needs trials counted in epochs (--epochs N), not in iterations");
    }
    java.util.TreeSet<Integer> at = new java.util.TreeSet<>();
    for (int r = halving; r >= 1; r--) {
      int e = Math.max(1, (int) (epochs / Math.pow(2, r)));
      if (e < epochs) {
        at.add(e);
      }
    }
    return at.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The rows of a trials.csv written by an earlier (interrupted) search; empty when there is none. */
  static List<Map<String, Object>> readTrials(Path csv) {
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    if (!Files.exists(csv)) {
      return rows;
    }
    try {
      List<String> lines = Files.readAllLines(csv);
      String[] head = lines.get(0).split(",");
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < head.length && i < cells.length; i++) {
          row.put(head[i], cells[i]);
        }
        rows.add(row);
      }
    } catch (IOException | RuntimeException e) {
      throw new UserError(csv + ": cannot be read to resume the search (" + e.getMessage() + "); remove it to start afresh");
    }
    return rows;
  }
}
