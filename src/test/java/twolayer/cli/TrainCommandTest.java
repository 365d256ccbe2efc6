package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.data.CifarDataset;

/**
 * Tier 3: the commands as a user runs them, in local Spark: accuracy on real CIFAR-10 (from ../shared),
 * resuming, schedules and early stopping on generated data, bad files and settings. The end-to-end run
 * of every command on generated data is {@link EndToEndTest}.
 */
class TrainCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static List<String> common(String data, Path out) {
    return new ArrayList<>(List.of("--master", "local[2]", "--data", data, "--out", out.toString(),
        "--train-size", "4000", "--val-size", "500", "--test-size", "1000"));
  }

  @Test
  void shortRunOnRealCifarLearnsAndItsModelEvaluatesToTheSameAccuracy() throws Exception {
    String data = TestData.cifarFolder();
    Path out = tmp.resolve("run");
    List<String> args = common(data, out);
    args.addAll(0, List.of("train"));
    args.addAll(List.of("--iterations", "150", "--learning-rate", "5e-4", "--log-every", "50"));
    Run r = run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    JsonNode history = m.get("history");
    assertEquals(150, history.size());
    double first = history.get(0).get("loss").asDouble(), last = m.get("final").get("loss").asDouble();
    assertTrue(last < first - 0.15, "loss " + first + " -> " + last);
    double val = m.get("final").get("val_accuracy").asDouble(), test = m.get("final").get("test_accuracy").asDouble();
    assertTrue(val > 0.2 && test > 0.2, "val " + val + ", test " + test + " (chance is 0.1)");
    assertEquals("4000", m.get("config").get("train-size").asText());
    assertEquals("1", m.get("config").get("seed").asText());
    assertTrue(m.get("timing").get("examples_per_second").asDouble() > 0);
    assertTrue(history.get(149).has("val_accuracy"));

    Run e = run("evaluate", "--model", out.resolve("model.npz").toString(), "--master", "local[2]",
        "--data", data, "--split", "test", "--test-size", "1000", "--json");
    assertEquals(0, e.code(), e.err());
    JsonNode ev = new ObjectMapper().readTree(e.out());
    assertEquals(1000, ev.get("examples").asInt());
    assertEquals(test, ev.get("accuracy").asDouble(), 0.0);
    assertEquals(10, ev.get("per_class").size());
    long total = 0;
    for (JsonNode row : ev.get("confusion")) {
      for (JsonNode v : row) {
        total += v.asLong();
      }
    }
    assertEquals(1000, total);
  }

  /** Every image the page names exists and decodes; the weight tiles are there. */
  static void assertReportLoadsWithAllImages(Path out) throws Exception {
    String html = Files.readString(out.resolve("report.html"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    List<String> images = new ArrayList<>();
    while (m.find()) {
      images.add(m.group(1));
    }
    assertTrue(images.containsAll(List.of("loss.png", "accuracy.png", "learning_rate.png", "weights.png", "confusion.png")),
        images.toString());
    for (String img : images) {
      java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(out.resolve(img).toFile());
      assertTrue(im != null && im.getWidth() > 100, img + " is not a readable image");
    }
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "opens offline");
  }

  @Test
  void momentumHeStandardisedAugmentedRunResumesToTheSameModelAndEvaluatesWithItsStd() throws Exception {
    String data = TestData.learnableCifar(tmp.resolve("data"), 80, 100, 2).toString();
    List<String> base = List.of("--master", "local[2]", "--data", data, "--train-size", "350", "--val-size", "50",
        "--test-size", "100", "--hidden-size", "30", "--batch-size", "50", "--update-rule", "momentum",
        "--learning-rate", "1e-3", "--init", "he", "--standardize", "true", "--checkpoint-every", "10");
    // with dropout, flips and crops: their draws come back the same after a resume mid-epoch (7 iterations an
    // epoch, resumed at 20), and the run's own test evaluation is the saved weights' without any mask
    base = concat(base, List.of("--dropout", "0.5", "--flip", "true", "--crop-pad", "2"));
    Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
    assertEquals(0, run(concat(List.of("train", "--iterations", "40", "--out", straight.toString()), base)).code());
    assertEquals(0, run(concat(List.of("train", "--iterations", "20", "--out", resumed.toString()), base)).code());
    Run r = run(concat(List.of("train", "--iterations", "40", "--out", resumed.toString(), "--resume"), base));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resuming from") && r.out().contains("ckpt-00000020"), r.out());
    double[] a = twolayer.io.ModelFile.load(straight.resolve("model.npz")).weights();
    double[] b = twolayer.io.ModelFile.load(resumed.resolve("model.npz")).weights();
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0.0, "momentum state restored exactly, augmentation drawn alike");
    assertTrue(twolayer.io.ModelFile.load(straight.resolve("model.npz")).std() != null, "std stored in the model");
    JsonNode m = new ObjectMapper().readTree(straight.resolve("metrics.json").toFile());
    Run e = run("evaluate", "--model", straight.resolve("model.npz").toString(), "--master", "local[2]", "--data", data,
        "--train-size", "350", "--val-size", "50", "--test-size", "100", "--json");
    // the same float kernel on the same blocks as the run's own test evaluation: the same bits
    assertEquals(m.get("final").get("test_accuracy").asDouble(),
        new ObjectMapper().readTree(e.out()).get("accuracy").asDouble(), 0.0);
  }

  @Test
  void cosineScheduleAndEarlyStopping() throws Exception {
    String data = TestData.learnableCifar(tmp.resolve("data"), 80, 100, 3).toString();
    List<String> base = List.of("--master", "local[2]", "--data", data, "--train-size", "300", "--val-size", "50",
        "--test-size", "100", "--hidden-size", "10", "--batch-size", "30");
    Path cos = tmp.resolve("cosine");
    assertEquals(0, run(concat(List.of("train", "--epochs", "3", "--schedule", "cosine", "--learning-rate", "1e-3",
        "--out", cos.toString()), base)).code());
    JsonNode h = new ObjectMapper().readTree(cos.resolve("metrics.json").toFile()).get("history");
    assertEquals(30, h.size());
    for (int i = 0; i < 30; i++) {
      // lr·½·(1 + cos(π·i/T)) in double on either side: the argument's roundings move cos by at most 2·π
      // ulps of 1, cos itself 1 ulp, the rest 3 roundings: γ_16·lr covers both sides
      assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * i / 30)), h.get(i).get("learning_rate").asDouble(),
          twolayer.FloatBounds.gammaDouble(16) * 1e-3);
    }
    // a step too small to change any prediction: no epoch beats the first, so the second ends the run
    Path early = tmp.resolve("early");
    Run r = run(concat(List.of("train", "--epochs", "6", "--early-stopping", "1", "--learning-rate", "1e-12",
        "--out", early.toString()), base));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("early stopping at iteration 20"), r.out());
    assertEquals(20, new ObjectMapper().readTree(early.resolve("metrics.json").toFile()).get("history").size());
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static Run run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  @Test
  void labelAboveNineStopsTheRunWithOneLineNamingTheFile() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("bad"), 30, CifarDataset.CIFAR_D, 3);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data_batch_4.bin").toFile(), "rw")) {
      f.seek(5L * (CifarDataset.CIFAR_D + 1));
      f.write(200);
    }
    Run r = run("train", "--master", "local[2]", "--data", dir.toString(), "--out", tmp.resolve("o").toString(),
        "--train-size", "100", "--val-size", "20", "--test-size", "10", "--batch-size", "10");
    assertEquals(2, r.code());
    assertOneLine(r.err(), "data_batch_4.bin: record 5 has label 200, above 9");
    assertFalse(Files.exists(tmp.resolve("o").resolve("model.npz")));
  }

  @Test
  void missingFileAndBadLengthEndWithExitCode2() throws Exception {
    Path dir = TestData.tinyCifar(tmp.resolve("bad"), 30, CifarDataset.CIFAR_D, 3);
    Files.delete(dir.resolve("data_batch_5.bin"));
    Run r = run("train", "--master", "local[2]", "--data", dir.toString(), "--out", tmp.resolve("o").toString());
    assertEquals(2, r.code());
    assertOneLine(r.err(), "data_batch_5.bin: file is missing");
    Files.write(dir.resolve("data_batch_5.bin"), new byte[3073 * 3 + 1]);
    r = run("train", "--master", "local[2]", "--data", dir.toString(), "--out", tmp.resolve("o").toString());
    assertEquals(2, r.code());
    assertOneLine(r.err(), "data_batch_5.bin: length 9220 is not a positive multiple of the record size 3073");
  }

  @Test
  void badSettingsNameTheKey() {
    assertBadSetting("--learnig-rate 1e-3", "learnig-rate: unknown setting (did you mean --learning-rate?)");
    assertBadSetting("--learning-rate -1", "learning-rate: -1 must be greater than 0");
    assertBadSetting("--learning-rate abc", "learning-rate: 'abc' is not a number");
    assertBadSetting("--learning-rate NaN", "learning-rate: 'NaN' is not a finite number");
    assertBadSetting("--hidden-size 0", "hidden-size: 0 must be a positive whole number");
    assertBadSetting("--batch-size 50000", "batch-size: 50000 is larger than the training set (train-size 49000)");
    assertBadSetting("--lr-decay 1.5", "lr-decay: 1.5 must be in (0, 1]");
    assertBadSetting("--iterations", "--iterations: a value is missing");
  }

  @Test
  void unknownKeyInAConfFileIsNamedWithTheFile() throws Exception {
    Path conf = Files.writeString(tmp.resolve("my.properties"), "hidden-size=100\nhiden-size=5\n");
    Run r = run("train", "--conf", conf.toString());
    assertEquals(2, r.code());
    assertOneLine(r.err(), "my.properties: key 'hiden-size': unknown setting (did you mean --hidden-size?)");
  }

  void assertBadSetting(String args, String message) {
    List<String> a = new ArrayList<>(List.of("train"));
    a.addAll(List.of(args.split(" ")));
    Run r = run(a.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertOneLine(r.err(), message);
  }

  static void assertOneLine(String err, String expected) {
    String[] lines = err.strip().split("\n");
    assertEquals(1, lines.length, "one line on stderr expected:\n" + err);
    assertTrue(lines[0].startsWith("error: ") && lines[0].contains(expected), lines[0]);
  }
}
