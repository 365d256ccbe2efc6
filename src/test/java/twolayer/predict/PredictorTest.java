package twolayer.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.UserError;
import twolayer.data.CifarDataset;
import twolayer.data.RecordSplit;
import twolayer.io.ModelFile;
import twolayer.model.Shape;

/**
 * Tier 1: the executors' share of a prediction ({@link Predictor#part}, no Spark) names and scores every
 * record as the one-process prediction does, across split and input boundaries, and bad lengths are one line.
 */
class PredictorTest {
  static final int D = 12, REC = D + 1;

  @TempDir Path tmp;

  static ModelFile model(long seed) {
    Random rnd = new Random(seed);
    Shape s = new Shape(D, 5, 3);
    double[] w = new double[s.size()], mean = new double[D];
    for (int i = 0; i < w.length; i++) w[i] = rnd.nextGaussian() * 0.05;
    for (int i = 0; i < D; i++) mean[i] = 100 + rnd.nextInt(50);
    return new ModelFile(s, w, mean);
  }

  Path records(String name, int n, long seed) throws IOException {
    byte[] b = new byte[n * REC];
    new Random(seed).nextBytes(b);
    for (int i = 0; i < n; i++) b[i * REC] = (byte) (i % 3);
    return Files.write(tmp.resolve(name), b);
  }

  @Test
  void theExecutorsSharesAreTheOneProcessPredictionsInOrder() throws IOException {
    Path a = records("a.bin", 5, 1), b = records("b.bin", 3, 2);
    Predictor p = new Predictor(model(3));
    try (InputFiles files = new InputFiles(InputFilesTest.NO_HADOOP)) {
      // the same file twice, spelt two ways: its records twice, each under the name it was given
      List<InputFiles.Input> inputs = List.of(files.find(a.toString()), files.find(b.toString()),
          files.find("file:" + a));
      List<Predictor.Prediction> whole = p.predict(inputs, files);
      assertEquals(13, whole.size());
      assertEquals(a + "#4", whole.get(4).input());
      assertEquals(b + "#0", whole.get(5).input());
      assertEquals("file:" + a + "#2", whole.get(10).input());

      Predictor.BinInputs bins = Predictor.BinInputs.of(inputs, REC);
      for (int partitions : new int[] {1, 3, 13}) {
        List<Predictor.Prediction> parts = new ArrayList<>();
        for (RecordSplit s : CifarDataset.splits(bins.files(), 0, bins.total(), partitions)) {
          Predictor.Part part = p.part(s, bins, new Configuration());
          assertNull(part.error());
          parts.addAll(part.predictions());
        }
        assertEquals(whole.size(), parts.size());
        for (int i = 0; i < whole.size(); i++) {
          assertEquals(whole.get(i).input(), parts.get(i).input(), partitions + " partitions, record " + i);
          assertEquals(whole.get(i).label(), parts.get(i).label());
          // the same double operations on the same bytes
          assertArrayEquals(whole.get(i).probabilities(), parts.get(i).probabilities(), 0.0);
        }
      }
    }
  }

  @Test
  void aLengthThatIsNoWholeNumberOfRecordsIsOneLineNamingTheInput() throws IOException {
    Path bad = Files.write(tmp.resolve("bad.bin"), new byte[REC + 1]);
    String expected = bad + ": length " + (REC + 1) + " is not a positive multiple of the record size " + REC
        + " (1 label byte + " + D + " pixel bytes, as the model expects)";
    try (InputFiles files = new InputFiles(InputFilesTest.NO_HADOOP)) {
      List<InputFiles.Input> inputs = List.of(files.find(bad.toString()));
      Predictor p = new Predictor(model(3));
      assertEquals(expected, assertThrows(UserError.class, () -> p.predict(inputs, files)).getMessage());
      assertEquals(expected, assertThrows(UserError.class, () -> Predictor.BinInputs.of(inputs, REC)).getMessage());
    }
  }

  @Test
  void aFileGoneBeforeTheExecutorsReadItIsTheirOneLine() throws IOException {
    Path a = records("gone.bin", 2, 4);
    Predictor p = new Predictor(model(3));
    try (InputFiles files = new InputFiles(InputFilesTest.NO_HADOOP)) {
      Predictor.BinInputs bins = Predictor.BinInputs.of(List.of(files.find(a.toString())), REC);
      Files.delete(a);
      Predictor.Part part = p.part(CifarDataset.splits(bins.files(), 0, 2, 1).get(0), bins, new Configuration());
      assertTrue(part.error().startsWith("file:" + a + ": cannot read records 0..1 ("), part.error());
    }
  }
}
