package twolayer.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;
import scala.Option;
import twolayer.UserError;
import twolayer.io.ModelFile;

/**
 * Save and load for the Estimator and its model in Spark ML's own layout, so that {@code Pipeline},
 * {@code PipelineModel}, {@code CrossValidatorModel} and the like save and load them as stages:
 * <pre>
 * PATH/metadata/      Spark's DefaultParamsWriter: one JSON line with class, uid, Spark version,
 *                     paramMap (params set) and defaultParamMap
 * PATH/data/model.npz a model's weights and preprocessing, the file ./submit.sh train writes (NumPy reads it)
 * </pre>
 * Any Hadoop path works (file:, hdfs:, s3a:, ...). The model's data is written before its metadata:
 * a folder with metadata holds a whole model. Folders of the earlier layout ({@code PATH/metadata.json}
 * and {@code PATH/model.npz}) still load. Files are read with Spark's JSON reader, Jackson and the
 * project's bounded .npz parser, never with Java serialisation.
 */
final class Persistence {
  static final String DATA = "data";
  static final String MODEL_FILE = "model.npz";
  private static final String LEGACY_METADATA = "metadata.json";

  private Persistence() {}

  /** Metadata (and a model's data) of {@code instance}; {@code model} is null for the Estimator. */
  static final class Writer extends MLWriter {
    private final Params instance;
    private final ModelFile model;

    Writer(Params instance, ModelFile model) {
      this.instance = instance;
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      if (model != null) {
        Path dest = new Path(new Path(path, DATA), MODEL_FILE);
        try {
          java.nio.file.Path local = Files.createTempFile("model", ".npz");
          try {
            model.save(local);
            FileSystem fs = dest.getFileSystem(hadoopConf(sparkSession()));
            fs.mkdirs(dest.getParent());
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), dest);
          } finally {
            Files.deleteIfExists(local);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + dest, e);
        }
      }
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
    }
  }

  /** Reads the Estimator ({@code model} false) or the model from either layout. */
  static final class Reader<T extends Params> extends MLReader<T> {
    private final Class<T> type;

    Reader(Class<T> type) {
      this.type = type;
    }

    @Override
    public T load(String path) {
      Configuration conf = hadoopConf(sparkSession());
      Layout layout = layout(path, conf);
      String uid;
      ModelFile model = null;
      DefaultParamsReader.Metadata metadata = null;
      JsonNode legacy = null;
      if (layout == Layout.SPARK) {
        metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
        uid = metadata.uid();
      } else {
        legacy = readJson(new Path(path, LEGACY_METADATA), conf);
        if (!type.getName().equals(legacy.path("class").asText())) {
          throw new UserError(path + ": holds a " + legacy.path("class").asText() + ", not a " + type.getName());
        }
        uid = legacy.get("uid").asText();
      }
      if (type == TwoLayerNetClassificationModel.class) {
        model = readModel(layout == Layout.SPARK ? new Path(new Path(path, DATA), MODEL_FILE)
            : new Path(path, MODEL_FILE), conf);
      }
      T instance = type.cast(model != null ? TwoLayerNetClassificationModel.loaded(uid, model)
          : new TwoLayerNetClassifier(uid));
      if (metadata != null) {
        metadata.getAndSetParams(instance, Option.empty());
      } else {
        setLegacyParams(instance, legacy, path);
      }
      return instance;
    }
  }

  /** Which layout a saved folder has. */
  enum Layout { SPARK, LEGACY }

  static Layout layout(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(new Path(p, "metadata"))) {
        return Layout.SPARK;
      }
      if (fs.exists(new Path(p, LEGACY_METADATA))) {
        return Layout.LEGACY;
      }
      throw new UserError(path + ": no saved model or estimator here (Spark ML's layout has a metadata/ "
          + "folder, the earlier layout of this project a metadata.json file)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** A model.npz on any Hadoop path, through a local copy; errors name {@code src}, not the copy. */
  static ModelFile readModel(Path src, Configuration conf) {
    try {
      java.nio.file.Path local = Files.createTempFile("model", ".npz");
      try {
        FileSystem fs = src.getFileSystem(conf);
        if (!fs.exists(src)) {
          throw new UserError(src + ": missing; a saved model keeps its weights there");
        }
        fs.copyToLocalFile(false, src, new Path(local.toUri()), true);
        try {
          return ModelFile.load(local);
        } catch (UserError e) {
          throw new UserError(e.getMessage().replace(local.toString(), src.toString()));
        }
      } finally {
        Files.deleteIfExists(local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + src, e);
    }
  }

  /**
   * The earlier layout's params: {@code paramMap} of every param (set or default) as its JSON text.
   * Its Estimator's {@code maxIter} counted epochs, where it now counts iterations: that one is left at
   * the default, with a warning, rather than read as a tenth or less of what was meant.
   */
  static void setLegacyParams(Params instance, JsonNode meta, String path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("paramMap").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (instance instanceof TwoLayerNetClassifier && e.getKey().equals("maxIter")) {
        LoggerFactory.getLogger(Persistence.class).warn("{}: maxIter {} of the earlier layout counted epochs; "
            + "it is left at the default, {} iterations", path, e.getValue().asText(),
            instance.getOrDefault(instance.getParam("maxIter")));
        continue;
      }
      if (!instance.hasParam(e.getKey())) {
        throw new UserError(path + ": unknown param " + e.getKey() + " for " + instance.getClass().getName());
      }
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) instance.getParam(e.getKey());
      instance.set(param, param.jsonDecode(e.getValue().asText()));
    }
  }

  static JsonNode readJson(Path p, Configuration conf) {
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  static Configuration hadoopConf(SparkSession spark) {
    return spark.sparkContext().hadoopConfiguration();
  }
}
