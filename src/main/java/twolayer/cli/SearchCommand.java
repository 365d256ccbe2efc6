package twolayer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.UserError;
import twolayer.io.JsonFiles;
import twolayer.train.TrainConfig;

/** {@code submit.sh search}: hyperparameter trials on shared cached data, resumable. */
final class SearchCommand extends Command {
  /** Keys that shape the data, which all trials share: not in a search space. */
  static final List<String> SHARED = List.of("data", "train-size", "val-size", "test-size", "standardize",
      "partitions", "out");

  SearchCommand() {
    super("search", "Hyperparameter trials on the same cached data, resumable: OUT/trials.csv grows after each trial,"
        + " the best model so far (by validation accuracy) and its report are in OUT/best/.");
  }

  @Override
  List<Option> options() {
    return List.of(Option.value("space", "conf/search.properties", "The ranges of settings to search."),
        Option.value("trials", "8", "Trials to run (random draws from the space, or the grid's first)."),
        Option.value("minutes", "", "Start no trial after this many minutes (empty: no limit)."),
        Option.value("pack", "", "Train up to this many trials in the same Spark jobs (empty: 1, or all"
            + " trials of a pack with --halving)."),
        Option.value("parallel", "1", "Run this many packs at once, as concurrent jobs in FAIR pools."),
        Option.value("halving", "0", "Successive halving in R rungs: after epochs E/2^R, ..., E/2 the worse half"
            + " of a pack stops (0: off; needs --epochs)."),
        Option.flag("grid", "Every combination of the space's values, in order, instead of random draws."));
  }

  /**
   * Trials on the same cached data: {@code --pack K} trains up to K trials in the same Spark jobs (each
   * task computes all K gradients on the shared batch: Spark's per-job cost is paid once), and
   * {@code --parallel P} runs P such groups at once as concurrent jobs in FAIR pools (one job's
   * scheduling, broadcast and driver update overlap another's tasks). {@code --halving R} is successive
   * halving within each pack (all trials in one pack unless --pack says otherwise): after epochs E/2^R,
   * ..., E/2 the worse half stops. {@code OUT/trials.csv} grows after each trial, so an interrupted search resumes where it
   * stopped; the best model so far (by validation accuracy) and its report are in {@code OUT/best/}.
   */
  @Override
  int run(Settings settings, PrintStream out) {
    TrainConfig cfg = settings.trainConfig();
    twolayer.search.SearchSpace space = twolayer.search.SearchSpace.read(Path.of(settings.text("space")));
    for (String k : space.keys()) {
      if (SHARED.contains(k)) {
        throw new UserError("search space: " + k + " shapes the data, which all trials share; set it with --" + k);
      }
    }
    int budget = settings.intAtLeast("trials", 1);
    int parallel = settings.intAtLeast("parallel", 1);
    int halving = settings.intAtLeast("halving", 0);
    int pack = settings.has("pack") ? settings.intAtLeast("pack", 1) : halving > 0 ? Integer.MAX_VALUE : 1;
    int[] rungs = rungs(cfg.loop().epochs(), halving);
    double minutes = settings.has("minutes") ? settings.positive("minutes") : Double.POSITIVE_INFINITY;
    List<Map<String, String>> trials = settings.flag("grid") ? space.grid() : space.random(budget, cfg.loop().seed());
    trials = trials.subList(0, Math.min(budget, trials.size()));
    try (OutputFolder outDir = RunFiles.outputFolder(cfg.run().out())) {
      search(settings, cfg, trials, rungs, pack, parallel, minutes, space, outDir, out);
    }
    return 0;
  }

  private static void search(Settings settings, TrainConfig cfg, List<Map<String, String>> trials, int[] rungs,
      int pack, int parallel, double minutes, twolayer.search.SearchSpace space, OutputFolder outDir, PrintStream out) {
    outDir.pull("trials.csv"); // a search resumes from the trials its folder already records
    List<Map<String, Object>> done = readTrials(outDir.local().resolve("trials.csv"));
    List<String> columns = new java.util.ArrayList<>(List.of("trial"));
    columns.addAll(space.keys());
    columns.addAll(List.of("val_accuracy", "train_accuracy", "loss", "epochs_run", "seconds"));
    List<Settings> trialSettings = trials.stream().map(settings::with).toList();
    List<TrainConfig> trialConfigs = trialSettings.stream().map(Settings::trainConfig).toList();
    try (JavaSparkContext sc = SparkContexts.spark("twolayer-spark search", cfg.run().master(),
        parallel > 1 ? Map.of("spark.scheduler.mode", "FAIR") : Map.of())) {
      LoadedData d = LoadedData.of(sc, cfg);
      out.printf("search: %d trials (%d already done in %s), %d job(s) at a time of up to %d models, data loaded"
          + " in %.1f s%s%n", trials.size(), done.size(), outDir.show("trials.csv"), parallel,
          Math.min(pack, trials.size()), d.seconds(),
          rungs.length > 0 ? ", halving after epochs " + java.util.Arrays.toString(rungs) : "");
      new SearchTrials(sc, d, trials, trialSettings, trialConfigs, rungs, done, columns, outDir, out)
          .runAll(packs(trialConfigs, done, pack), parallel, minutes);
    }
    printTable(done, columns, out);
    JsonFiles.write(outDir.local().resolve("search.json"), done);
    outDir.publish();
  }

  /** The trials, best validation accuracy first. */
  private static void printTable(List<Map<String, Object>> done, List<String> columns, PrintStream out) {
    done.sort((a, b) -> Double.compare(Double.parseDouble(b.get("val_accuracy").toString()),
        Double.parseDouble(a.get("val_accuracy").toString())));
    out.println("trials by validation accuracy:");
    out.println(String.join("  ", columns));
    for (Map<String, Object> r : done) {
      out.println(columns.stream().map(c -> String.valueOf(r.get(c))).collect(java.util.stream.Collectors.joining("  ")));
    }
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
