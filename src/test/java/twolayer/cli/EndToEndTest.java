package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static twolayer.FloatBounds.U_DOUBLE;
import static twolayer.FloatBounds.U_FLOAT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.NetBounds;
import twolayer.Python;
import twolayer.TestData;
import twolayer.data.CifarDataset;
import twolayer.io.ModelFile;
import twolayer.model.Gemm;

/**
 * Tier 3, on every machine: train, evaluate, predict and the report as a user runs them, in local Spark,
 * on a generated CIFAR-format data set of a few hundred records with a learnable pattern
 * ({@link TestData#learnableCifar}), and the README's NumPy snippet against predict. One training run
 * for the class; each test checks one command's output.
 */
class EndToEndTest {
  static final int TEST_RECORDS = 100;
  static final List<String> SIZES = List.of("--train-size", "350", "--val-size", "50", "--test-size", "100");

  @TempDir static Path tmp;
  static Path data;
  static Path out;
  static TrainCommandTest.Run train;

  @BeforeAll
  static void trainOnce() {
    data = TestData.learnableCifar(tmp.resolve("data"), 80, TEST_RECORDS, 1);
    out = tmp.resolve("run");
    List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]", "--data", data.toString(), "--out",
        out.toString(), "--hidden-size", "20", "--batch-size", "50", "--iterations", "60", "--learning-rate", "1e-3",
        "--init-std", "1e-3", "--log-every", "20"));
    args.addAll(SIZES);
    train = TrainCommandTest.run(args);
  }

  static JsonNode metrics() throws Exception {
    assertEquals(0, train.code(), train.err());
    return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
  }

  @Test
  void trainLearnsWritesItsRunAndItsModelEvaluatesToTheSameAccuracy() throws Exception {
    JsonNode m = metrics();
    System.out.println("BLAS in use: " + m.get("environment").get("blas").asText());
    assertEquals(Gemm.implementation(), m.get("environment").get("blas").asText());
    JsonNode history = m.get("history");
    assertEquals(60, history.size());
    double first = history.get(0).get("loss").asDouble(), last = m.get("final").get("loss").asDouble();
    assertTrue(last < first - 1, "loss " + first + " -> " + last);
    double val = m.get("final").get("val_accuracy").asDouble(), test = m.get("final").get("test_accuracy").asDouble();
    assertTrue(val > 0.7 && test > 0.7, "val " + val + ", test " + test + " (chance is 0.1)");
    assertEquals("350", m.get("config").get("train-size").asText());
    assertEquals("1", m.get("config").get("seed").asText());
    assertTrue(m.get("timing").get("examples_per_second").asDouble() > 0);
    assertTrue(history.get(59).has("val_accuracy"));
    assertEquals(61, Files.readAllLines(out.resolve("history.csv")).size());
    TrainCommandTest.assertReportLoadsWithAllImages(out);

    TrainCommandTest.Run e = TrainCommandTest.run(concat(List.of("evaluate", "--model", model().toString(), "--master",
        "local[2]", "--data", data.toString(), "--split", "test", "--json"), SIZES));
    assertEquals(0, e.code(), e.err());
    JsonNode ev = new ObjectMapper().readTree(e.out());
    assertEquals(TEST_RECORDS, ev.get("examples").asInt());
    // the same float kernel on the same blocks as the run's own test evaluation: the same bits
    assertEquals(test, ev.get("accuracy").asDouble(), 0.0);
    assertEquals(10, ev.get("per_class").size());
    long total = 0;
    for (JsonNode row : ev.get("confusion")) {
      for (JsonNode v : row) {
        total += v.asLong();
      }
    }
    assertEquals(TEST_RECORDS, total);
  }

  @Test
  void predictGivesTheClassesEvaluateCountsAndTheSameOnSpark() throws Exception {
    double test = metrics().get("final").get("test_accuracy").asDouble();
    Path csv = tmp.resolve("preds.csv");
    TrainCommandTest.Run r = TrainCommandTest.run("predict", "--model", model().toString(), testBatch().toString(),
        "--out", csv.toString());
    assertEquals(0, r.code(), r.err());
    List<String> ours = Files.readAllLines(csv);
    assertEquals(TEST_RECORDS + 1, ours.size());
    assertEquals("input,label,class1,probability1,class2,probability2,class3,probability3", ours.get(0));
    Records rec = records();
    int right = 0;
    for (int i = 0; i < TEST_RECORDS; i++) {
      String[] cells = ours.get(i + 1).split(",");
      assertEquals(CifarDataset.CIFAR10_CLASSES.get(rec.labels[i]), cells[1], "record " + i);
      right += cells[1].equals(cells[2]) ? 1 : 0;
    }
    // predict scores in double, the run's test evaluation in float (on inputs rounded to float): their
    // classes differ at most on records whose best two scores are within both kernels' error bounds
    ModelFile model = ModelFile.load(model());
    NetBounds dbl = NetBounds.of(model.shape(), model.weights(), rec.x, rec.labels, 0, TEST_RECORDS, U_DOUBLE);
    NetBounds single = NetBounds.of(model.shape(), model.weights(), rec.x, rec.labels, 0, TEST_RECORDS, U_FLOAT, U_FLOAT);
    int unclear = 0;
    for (int i = 0; i < TEST_RECORDS; i++) {
      unclear += single.clearArgmax(i, dbl) ? 0 : 1;
    }
    System.out.println("records whose class the float kernel's rounding could change: " + unclear);
    assertEquals(test, (double) right / TEST_RECORDS, (double) unclear / TEST_RECORDS);
    // large inputs go through Spark: the same code on the same records, the same predictions
    Path sparkCsv = tmp.resolve("preds-spark.csv");
    TrainCommandTest.Run s = TrainCommandTest.run("predict", "--model", model().toString(), testBatch().toString(),
        "--out", sparkCsv.toString(), "--spark-above", "0", "--master", "local[2]");
    assertEquals(0, s.code(), s.err());
    assertEquals(ours, Files.readAllLines(sparkCsv));
  }

  /** The README's five NumPy lines and `predict` give the same class to every record their bounds allow. */
  @Test
  void readmeNumpySnippetAgreesWithPredict() throws Exception {
    String python = Python.withNumpy();
    metrics();
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("<!-- numpy-snippet -->");
    String snippet = readme.substring(readme.indexOf("```python\n", at) + 10, readme.indexOf("```\n", at + 30));
    assertEquals(5, snippet.strip().split("\n").length, "the README's snippet has five lines");
    Path preds = tmp.resolve("numpy-preds.txt");
    String script = snippet.replace("out/model.npz", model().toString())
        .replace("data/cifar-10-batches-bin", data.toString())
        + "np.savetxt('" + preds + "', p, fmt='%d')\n";
    Path errors = tmp.resolve("numpy-stderr.txt"); // apart from the printed accuracy: a library's notes go there
    Process p = new ProcessBuilder(python, "-c", script).redirectError(errors.toFile()).start();
    String pyOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), pyOut + Files.readString(errors));

    Path csv = tmp.resolve("preds-numpy-check.csv");
    TrainCommandTest.Run r = TrainCommandTest.run("predict", "--model", model().toString(), testBatch().toString(),
        "--out", csv.toString());
    assertEquals(0, r.code(), r.err());
    List<String> ours = Files.readAllLines(csv), theirs = Files.readAllLines(preds);
    assertEquals(TEST_RECORDS, theirs.size());
    // both score in double (NumPy's BLAS and ours, each in its own order): within their bounds of each other
    ModelFile model = ModelFile.load(model());
    Records rec = records();
    NetBounds dbl = NetBounds.of(model.shape(), model.weights(), rec.x, rec.labels, 0, TEST_RECORDS, U_DOUBLE);
    int right = 0, unclear = 0;
    for (int i = 0; i < TEST_RECORDS; i++) {
      String[] cells = ours.get(i + 1).split(",");
      String numpyClass = CifarDataset.CIFAR10_CLASSES.get(Integer.parseInt(theirs.get(i).trim()));
      if (dbl.clearArgmax(i, dbl)) {
        assertEquals(numpyClass, cells[2], "record " + i);
      } else {
        unclear++;
      }
      right += cells[1].equals(cells[2]) ? 1 : 0;
    }
    double numpyAccuracy = Double.parseDouble(pyOut.strip());
    assertEquals(numpyAccuracy, (double) right / TEST_RECORDS, (double) unclear / TEST_RECORDS);
  }

  /** Ten test records exported as PNG get the classes their records get. */
  @Test
  void pngExportsPredictLikeTheirRecords() throws Exception {
    metrics();
    byte[] bin = java.util.Arrays.copyOf(Files.readAllBytes(testBatch()), 10 * 3073);
    Path tenBin = Files.write(tmp.resolve("ten.bin"), bin);
    List<String> args = new ArrayList<>(List.of("predict", "--model", model().toString()));
    for (int i = 0; i < 10; i++) {
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
      for (int px = 0; px < 1024; px++) {
        int o = i * 3073 + 1;
        img.setRGB(px % 32, px / 32, (bin[o + px] & 0xFF) << 16 | (bin[o + 1024 + px] & 0xFF) << 8 | (bin[o + 2048 + px] & 0xFF));
      }
      Path png = tmp.resolve("test-" + i + ".png");
      javax.imageio.ImageIO.write(img, "png", png.toFile());
      args.add(png.toString());
    }
    TrainCommandTest.Run fromPng = TrainCommandTest.run(args.toArray(String[]::new));
    TrainCommandTest.Run fromBin = TrainCommandTest.run("predict", "--model", model().toString(), tenBin.toString());
    assertEquals(0, fromPng.code(), fromPng.err());
    String[] a = fromPng.out().strip().split("\n"), b = fromBin.out().strip().split("\n");
    assertEquals(10, a.length);
    for (int i = 0; i < 10; i++) {
      // the same pixels, the same double computation: the same classes and printed probabilities
      assertEquals(b[i].substring(b[i].indexOf(':')), a[i].substring(a[i].indexOf(':')), "image " + i);
    }
  }

  static Path model() {
    return out.resolve("model.npz");
  }

  static Path testBatch() {
    return data.resolve("test_batch.bin");
  }

  /** The test records as predict sees them: pixels minus the model's mean, in double, and their labels. */
  record Records(double[] x, int[] labels) {}

  static Records records() throws Exception {
    double[] mean = ModelFile.load(model()).mean();
    byte[] b = Files.readAllBytes(testBatch());
    int d = CifarDataset.CIFAR_D, rec = d + 1;
    double[] x = new double[TEST_RECORDS * d];
    int[] labels = new int[TEST_RECORDS];
    for (int i = 0; i < TEST_RECORDS; i++) {
      labels[i] = b[i * rec] & 0xFF;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (b[i * rec + 1 + j] & 0xFF) - mean[j];
      }
    }
    return new Records(x, labels);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
