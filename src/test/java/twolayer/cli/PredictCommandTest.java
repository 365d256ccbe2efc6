package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.io.ModelFile;
import twolayer.model.Shape;

/** Tier 1 (no Spark below --spark-above): what predict writes for records a model was not made for. */
class PredictCommandTest {
  @TempDir Path tmp;

  /** A 3-class model on records labelled 0-9: labels it has no name for are written as their numbers. */
  @Test
  void writesLabelsBeyondTheModelsClassesAsNumbers() throws Exception {
    Path model = tmp.resolve("model.npz");
    Shape shape = new Shape(12, 5, 3);
    double[] w = new double[shape.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.sin(i) * 0.05;
    }
    new ModelFile(shape, w, new double[12]).save(model);
    int rec = 12 + 1;
    byte[] b = new byte[10 * rec];
    for (int i = 0; i < 10; i++) {
      b[i * rec] = (byte) i;
    }
    Path bin = Files.write(tmp.resolve("ten.bin"), b);
    Path csv = tmp.resolve("preds.csv");
    TrainCommandTest.Run r = TrainCommandTest.run("predict", "--model", model.toString(), "--out", csv.toString(),
        bin.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(11, lines.size(), "a header and ten rows");
    int label = List.of(lines.get(0).split(",")).indexOf("label");
    for (int i = 0; i < 10; i++) {
      assertEquals(String.valueOf(i), lines.get(i + 1).split(",")[label], "row " + i);
    }
  }
}
