package twolayer.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import twolayer.io.JsonFiles;
import twolayer.io.ModelFile;

/**
 * Save and load for the Estimator and its model: {@code PATH/metadata.json} (class, uid, Spark version,
 * every explicitly set and default param as JSON) and, for a model, {@code PATH/model.npz}. Files
 * are read back with Jackson and the project's bounded .npz parser, never with Java serialisation.
 */
final class Persistence {
  private Persistence() {}

  static final class ParamsWriter extends MLWriter {
    private final Params instance;
    private final ModelFile model;

    ParamsWriter(Params instance, ModelFile model) {
      this.instance = instance;
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("class", instance.getClass().getName());
      meta.put("uid", instance.uid());
      meta.put("sparkVersion", sparkSession().version());
      meta.put("paramMap", params(instance.extractParamMap().toSeq()));
      try {
        FileSystem fs = new Path(path).getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
        fs.mkdirs(new Path(path));
        try (OutputStream out = fs.create(new Path(path, "metadata.json"), true)) {
          out.write(JsonFiles.toJson(meta).getBytes(StandardCharsets.UTF_8));
        }
        if (model != null) {
          java.nio.file.Path local = Files.createTempFile("model", ".npz");
          model.save(local);
          fs.copyFromLocalFile(true, true, new Path(local.toUri()), new Path(path, "model.npz"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save to " + path, e);
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, String> params(scala.collection.immutable.Seq<ParamPair<?>> pairs) {
      Map<String, String> out = new LinkedHashMap<>();
      scala.collection.Iterator<ParamPair<?>> it = pairs.iterator();
      while (it.hasNext()) {
        ParamPair p = it.next();
        out.put(p.param().name(), p.param().jsonEncode(p.value()));
      }
      return out;
    }
  }

  /** Reads metadata.json and sets every param it lists on {@code instance}. */
  static JsonNode readParams(Params instance, String path, org.apache.hadoop.conf.Configuration conf) {
    try {
      Path p = new Path(path, "metadata.json");
      JsonNode meta;
      try (InputStream in = p.getFileSystem(conf).open(p)) {
        meta = new ObjectMapper().readTree(in);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = meta.get("paramMap").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        @SuppressWarnings("unchecked")
        Param<Object> param = (Param<Object>) instance.getParam(e.getKey());
        instance.set(param, param.jsonDecode(e.getValue().asText()));
      }
      return meta;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load from " + path, e);
    }
  }

  static final class ParamsReader<T extends Params> extends MLReader<T> {
    private final Class<T> type;

    ParamsReader(Class<T> type) {
      this.type = type;
    }

    @Override
    public T load(String path) {
      try {
        String uid = metadataUid(path);
        T instance = type.getConstructor(String.class).newInstance(uid);
        readParams(instance, path, sparkSession().sparkContext().hadoopConfiguration());
        return instance;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }

    private String metadataUid(String path) {
      try {
        Path p = new Path(path, "metadata.json");
        try (InputStream in = p.getFileSystem(sparkSession().sparkContext().hadoopConfiguration()).open(p)) {
          return new ObjectMapper().readTree(in).get("uid").asText();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load from " + path, e);
      }
    }
  }

  static final class ModelReader extends MLReader<TwoLayerNetClassificationModel> {
    @Override
    public TwoLayerNetClassificationModel load(String path) {
      org.apache.hadoop.conf.Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
      try {
        java.nio.file.Path local = Files.createTempFile("model", ".npz");
        try {
          Path src = new Path(path, "model.npz");
          src.getFileSystem(conf).copyToLocalFile(false, src, new Path(local.toUri()), true);
          ModelFile m = ModelFile.load(local);
          Path metaPath = new Path(path, "metadata.json");
          String uid;
          try (InputStream in = metaPath.getFileSystem(conf).open(metaPath)) {
            uid = new ObjectMapper().readTree(in).get("uid").asText();
          }
          TwoLayerNetClassificationModel model = TwoLayerNetClassificationModel.loaded(uid, m);
          readParams(model, path, conf);
          return model;
        } finally {
          Files.deleteIfExists(local);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load from " + path, e);
      }
    }
  }
}
