package twolayer.ml;

import java.io.Serializable;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import twolayer.data.Preprocessing;
import twolayer.io.ModelFile;
import twolayer.model.Shape;
import twolayer.model.TwoLayerNet;
import twolayer.model.Workspace;

/**
 * A fitted {@link TwoLayerNetClassifier}: raw prediction = the class scores {@code z2} of the centred
 * (standardised) features, probability = their softmax. Saved in Spark ML's layout ({@code metadata/},
 * readable by {@code PipelineModel.load}) with the weights in {@code data/model.npz}, the file that
 * {@code ./submit.sh train} writes: see {@link Persistence}.
 */
public class TwoLayerNetClassificationModel
    extends ProbabilisticClassificationModel<Vector, TwoLayerNetClassificationModel> implements MLWritable {

  /** What training left: the loss of every iteration and the final training accuracy (fixed sample). */
  public record Summary(double[] lossHistory, double trainAccuracy) implements Serializable {
    /** Spark ML's name for the loss history. */
    public double[] objectiveHistory() {
      return lossHistory;
    }

    public int totalIterations() {
      return lossHistory.length;
    }
  }

  private final String uid;
  private final ModelFile model;
  private final transient Summary summary;

  TwoLayerNetClassificationModel(String uid, Shape shape, double[] weights, double[] mean, double[] std, Summary summary) {
    this(ConstructingUid.stash(uid), shape, weights, mean, std, summary, true);
  }

  private TwoLayerNetClassificationModel(String uid, Shape shape, double[] weights, double[] mean, double[] std,
      Summary summary, boolean stashed) {
    this.uid = uid;
    ConstructingUid.clear();
    this.model = new ModelFile(shape, weights, mean, std);
    this.summary = summary;
  }

  @Override
  public String uid() {
    return ConstructingUid.or(uid);
  }

  /** The network and its preprocessing, as {@code model.npz} holds them. */
  public ModelFile modelFile() {
    return model;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** The training summary; only on a model fresh from {@code fit}. */
  public Summary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary: this model was loaded, not fitted");
    }
    return summary;
  }

  @Override
  public int numClasses() {
    return model.shape().c();
  }

  @Override
  public int numFeatures() {
    return model.shape().d();
  }

  @Override
  public Vector predictRaw(Vector features) {
    Shape s = model.shape();
    double[] x = features.toArray().clone();
    if (x.length != s.d()) {
      throw new IllegalArgumentException("features of size " + x.length + ", the model takes " + s.d());
    }
    Preprocessing.applyInPlace(x, model.mean(), model.std());
    double[] z = TwoLayerNet.scores(s, model.weights(), x, 0, 1, Workspace.get());
    return Vectors.dense(java.util.Arrays.copyOf(z, s.c()));
  }

  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    double[] v = ((DenseVector) rawPrediction).values();
    TwoLayerNet.softmaxInPlace(v, 0, v.length, 0);
    return rawPrediction;
  }

  /** Spark's summary helper, declared by two Scala parents: Java must pick one. */
  @Override
  @SuppressWarnings("rawtypes")
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  @Override
  public TwoLayerNetClassificationModel copy(ParamMap extra) {
    TwoLayerNetClassificationModel m = new TwoLayerNetClassificationModel(uid, model.shape(), model.weights(),
        model.mean(), model.std(), summary);
    return copyValues(m, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Persistence.Writer(this, model);
  }

  public static MLReader<TwoLayerNetClassificationModel> read() {
    return new Persistence.Reader<>(TwoLayerNetClassificationModel.class);
  }

  public static TwoLayerNetClassificationModel load(String path) {
    return read().load(path);
  }

  static TwoLayerNetClassificationModel loaded(String uid, ModelFile m) {
    return new TwoLayerNetClassificationModel(uid, m.shape(), m.weights(), m.mean(), m.std(), null);
  }
}
