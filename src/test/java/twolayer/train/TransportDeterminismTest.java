package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.cli.Main;
import twolayer.data.CifarDataset;
import twolayer.io.ModelFile;
import twolayer.transport.Transport;

/**
 * Tier 3: the cluster's code path without a cluster. The serialised transport, forced under local[2]
 * ({@value Transport#KEY}=serialized), trains the same model bit for bit as the in-JVM one, for 2, 3, 4
 * and 8 partitions: the same partial sums added in the same (partition) order, whichever way they
 * travelled; and so does the serialised transport under Kryo, as clusters often configure Spark.
 * Generated data: needs neither the CIFAR archive nor a cluster.
 */
class TransportDeterminismTest {
  @TempDir static Path tmp;

  @Test
  void serialisedAndInJvmTransportsTrainTheSameModelOnAnyLayout() {
    Path data = TestData.tinyCifar(tmp.resolve("data"), 120, CifarDataset.CIFAR_D, 11);
    for (int parts : new int[] {2, 3, 4, 8}) {
      ModelFile inJvm = train(data, parts, "auto", false), serialized = train(data, parts, "serialized", false);
      // batch 66 over 2 partitions sends dense sums; over 8, W1 as factors (shares under 20 rows at H=20)
      assertArrayEquals(inJvm.weights(), serialized.weights(), parts + " partitions");
      if (parts == 3 || parts == 8) {
        assertArrayEquals(inJvm.weights(), train(data, parts, "serialized", true).weights(), parts + ", Kryo");
      }
    }
  }

  private ModelFile train(Path data, int parts, String transport, boolean kryo) {
    Path out = tmp.resolve("p" + parts + "-" + transport + (kryo ? "-kryo" : ""));
    System.setProperty(Transport.KEY, transport);
    if (kryo) {
      System.setProperty("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    try {
      int code = Main.run(new String[] {"train", "--master", "local[2]", "--data", data.toString(), "--out",
          out.toString(), "--train-size", "500", "--val-size", "50", "--test-size", "60", "--partitions",
          String.valueOf(parts), "--hidden-size", "20", "--batch-size", "66", "--iterations", "12",
          "--learning-rate", "1e-3", "--init-std", "1e-2", "--log-every", "100", "--train-eval-size", "50"},
          new PrintStream(OutputStream.nullOutputStream()), System.err);
      assertEquals(0, code, transport + ", " + parts + " partitions");
      String used = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).at("/environment/transport").asText();
      assertEquals(transport.equals("auto") ? "in-jvm" : "serialized", used);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      System.clearProperty(Transport.KEY);
      System.clearProperty("spark.serializer");
    }
    return ModelFile.load(out.resolve("model.npz"));
  }
}
