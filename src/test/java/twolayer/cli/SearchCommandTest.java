package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;

/** ./submit.sh search on generated CIFAR-format data: the table, the best model, and resuming after an interruption. */
class SearchCommandTest {
  @TempDir Path tmp;

  @Test
  void searchesKeepsTheBestAndResumesWithoutRedoingFinishedTrials() throws Exception {
    Path out = tmp.resolve("search");
    String[] args = search("learning-rate=1e-4..3e-3 log", out, "--trials", "3", "--iterations", "20");
    TrainCommandTest.Run first = TrainCommandTest.run(args);
    assertEquals(0, first.code(), first.err());
    List<String> rows = Files.readAllLines(out.resolve("trials.csv"));
    assertEquals(4, rows.size(), rows.toString());
    assertTrue(Files.exists(out.resolve("best/model.npz")) && Files.exists(out.resolve("best/report.html")));
    assertTrue(first.out().contains("trials by validation accuracy:"), first.out());

    // an interruption after two trials: the third row never got written
    Files.write(out.resolve("trials.csv"), rows.subList(0, 3));
    TrainCommandTest.Run again = TrainCommandTest.run(args);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(2 already done"), again.out());
    assertTrue(!again.out().contains("trial 0 {") && !again.out().contains("trial 1 {") && again.out().contains("trial 2 {"),
        "only the missing trial ran:\n" + again.out());
    List<String> after = Files.readAllLines(out.resolve("trials.csv"));
    assertEquals(rows.subList(0, 3), after.subList(0, 3), "finished trials kept as they were");
    assertEquals(rows.get(3).split(",")[1], after.get(3).split(",")[1], "the same trial 2 (settings from the seed)");

    // two trials in the same jobs, next to the third as a concurrent job: the same results, the same table
    String[] packed = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--pack", "2", "--parallel", "2", "--out", tmp.resolve("packed").toString())).toArray(String[]::new);
    TrainCommandTest.Run both = TrainCommandTest.run(packed);
    assertEquals(0, both.code(), both.err());
    assertTrue(both.out().contains("2 job(s) at a time of up to 2 models"), both.out());
    assertTrue(both.out().contains("(trained with trials [0, 1])"), both.out());
    List<String> together = Files.readAllLines(tmp.resolve("packed/trials.csv"));
    assertEquals(rows.size(), together.size());
    for (int i = 0; i < rows.size(); i++) { // every column but the seconds
      assertEquals(rows.get(i).substring(0, rows.get(i).lastIndexOf(',')),
          together.get(i).substring(0, together.get(i).lastIndexOf(',')), "row " + i);
    }
  }

  @Test
  void trialsWithOtherAugmentationOrDropoutGoToOtherPacks() throws Exception {
    Path file = Files.writeString(tmp.resolve("noise.properties"),
        "dropout=0,0.5\nflip=false,true\ncrop-pad=0..4\nlearning-rate=1e-3,2e-3\n");
    List<java.util.Map<String, String>> grid = twolayer.search.SearchSpace.read(file).grid();
    assertEquals(24, grid.size());
    assertEquals(List.of("0", "2", "4"), grid.stream().map(t -> t.get("crop-pad")).distinct().sorted().toList());
    Settings base = Settings.parse(List.of(), java.util.Set.of(), java.util.Set.of());
    List<twolayer.train.TrainConfig> configs = grid.stream().map(base::with).map(Settings::trainConfig).toList();
    List<List<Integer>> packs = SearchCommand.packs(configs, List.of(), 24);
    // only the learning rates share jobs: every pack is one (dropout, flip, crop-pad), its two rates
    assertEquals(12, packs.size(), packs.toString());
    for (List<Integer> pack : packs) {
      assertEquals(2, pack.size(), packs.toString());
      assertEquals(1, pack.stream().map(i -> List.of(configs.get(i).optim().dropout(), configs.get(i).data().flip(),
          configs.get(i).data().cropPad())).distinct().count(), pack.toString());
    }
  }

  @Test
  void successiveHalvingStopsTheWorseHalfAtEachRung() throws Exception {
    Path out = tmp.resolve("halving");
    TrainCommandTest.Run run = TrainCommandTest.run(search("learning-rate=1e-5..3e-3 log", out, "--trials", "4",
        "--halving", "2", "--epochs", "4"));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("halving after epochs [1, 2]"), run.out());
    List<String> rows = Files.readAllLines(out.resolve("trials.csv"));
    List<String> head = List.of(rows.get(0).split(","));
    int epochs = head.indexOf("epochs_run"), valCol = head.indexOf("val_accuracy");
    List<Integer> ran = new java.util.ArrayList<>();
    for (String r : rows.subList(1, rows.size())) {
      ran.add(Integer.parseInt(r.split(",")[epochs]));
    }
    java.util.Collections.sort(ran);
    assertEquals(List.of(1, 1, 2, 4), ran, "4 trials: 2 stop after epoch 1, 1 after epoch 2, 1 runs to the end");
    assertTrue(rows.stream().skip(1).allMatch(r -> Double.parseDouble(r.split(",")[valCol]) > 0), rows.toString());
  }

  /** A search on generated data (350 train, 100 val and test, batch 50) over hidden {10, 20} and {@code range}. */
  String[] search(String range, Path out, String... more) throws Exception {
    Path data = tmp.resolve("data");
    if (!Files.exists(data)) {
      TestData.learnableCifar(data, 90, 100, 4);
    }
    Path space = Files.writeString(tmp.resolve("space-" + out.getFileName() + ".properties"), "hidden-size=10,20\n" + range + "\n");
    List<String> args = new java.util.ArrayList<>(List.of("search", "--space", space.toString(), "--master", "local[2]",
        "--data", data.toString(), "--out", out.toString(), "--train-size", "350", "--val-size", "100",
        "--test-size", "100", "--batch-size", "50"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
