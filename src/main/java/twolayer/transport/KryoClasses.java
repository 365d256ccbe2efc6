package twolayer.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * The project's values under Kryo ({@code spark.serializer=org.apache.spark.serializer.KryoSerializer},
 * common on clusters): Kryo's field serializer would drop their transient arrays (sums and weights are
 * written as bulk arrays by their own {@code writeObject}) and cannot build records, so each is
 * registered with Kryo's {@code JavaSerializer}, which calls those methods. {@link Transport#configure}
 * adds this registrator when Kryo is on; a Spark session of a user's own needs
 * {@code spark.kryo.registrator=twolayer.transport.KryoClasses}.
 */
public final class KryoClasses implements KryoRegistrator {
  /** Every class of the project that a task, a broadcast, a shuffle or a collected result carries. */
  static final List<String> NAMES = List.of(
      "twolayer.transport.TreeAggregate$Partial",
      "twolayer.agg.GradientSum", "twolayer.agg.PackedSum", "twolayer.agg.EvalSum", "twolayer.agg.Step",
      "twolayer.agg.PackedStep",
      "twolayer.model.Weights", "twolayer.model.Shape", "twolayer.model.FloatSums", "twolayer.model.DoubleSums",
      "twolayer.model.W1Factors",
      "twolayer.data.Block", "twolayer.data.RecordSplit", "twolayer.data.RecordSplit$Slice",
      "twolayer.data.HadoopConf", "twolayer.data.BlockSet$PixelSum",
      "twolayer.io.ModelFile", "twolayer.predict.Predictor", "twolayer.predict.Predictor$Prediction",
      "twolayer.predict.Predictor$Part",
      "twolayer.ml.FrameBlocks$Stats", "twolayer.ml.TwoLayerNetClassificationModel$Summary");

  @Override
  public void registerClasses(Kryo kryo) {
    JavaSerializer java = new JavaSerializer();
    for (String name : NAMES) {
      try {
        kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()), java);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("KryoClasses: " + name + " is gone; update the list", e);
      }
    }
  }

  /** Adds this registrator to {@code conf} when it makes Kryo Spark's serializer. */
  static void addTo(SparkConf conf) {
    if (!conf.get("spark.serializer", "").contains("Kryo")) {
      return;
    }
    String mine = KryoClasses.class.getName(), others = conf.get("spark.kryo.registrator", "");
    if (!List.of(others.split(",")).contains(mine)) {
      conf.set("spark.kryo.registrator", others.isEmpty() ? mine : others + "," + mine);
    }
  }
}
