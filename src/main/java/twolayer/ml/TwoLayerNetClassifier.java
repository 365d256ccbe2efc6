package twolayer.ml;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import twolayer.model.Weights;
import twolayer.train.Evaluation;
import twolayer.train.TrainConfig;
import twolayer.train.Trainer;

/**
 * The two-layer network as a Spark ML Estimator: {@code fit} on any DataFrame with a vector column and a
 * label column (classes 0..C−1) runs the same blocks, aggregator, update rules and training loop as
 * {@code ./submit.sh train}, one Spark job per iteration ({@code maxIter} iterations, each a mini-batch
 * of {@code batchSize} rows), plus two to build the blocks and one for the final training accuracy.
 * Inputs are centred on the training mean and, by default, divided by their standard deviation
 * ({@code standardize}); the model keeps that preprocessing.
 */
public class TwoLayerNetClassifier
    extends ProbabilisticClassifier<Vector, TwoLayerNetClassifier, TwoLayerNetClassificationModel>
    implements MLWritable {

  private final String uid;
  public final IntParam hiddenSize;
  public final DoubleParam stepSize;
  public final DoubleParam regParam;
  public final IntParam maxIter;
  public final IntParam batchSize;
  public final LongParam seed;
  public final Param<String> solver;
  public final DoubleParam momentum;
  public final DoubleParam lrDecay;
  public final DoubleParam initStd;
  public final Param<String> init;
  public final BooleanParam standardize;
  public final Param<String> precision;
  public final IntParam aggregationDepth;

  public TwoLayerNetClassifier() {
    this(Identifiable$.MODULE$.randomUID("twoLayerNet"));
  }

  public TwoLayerNetClassifier(String uid) {
    this(ConstructingUid.stash(uid), true);
  }

  private TwoLayerNetClassifier(String uid, boolean stashed) {
    this.uid = uid;
    ConstructingUid.clear();
    hiddenSize = new IntParam(this, "hiddenSize", "hidden units H (> 0)", ParamValidators.gt(0));
    stepSize = new DoubleParam(this, "stepSize", "learning rate (> 0)", ParamValidators.gt(0));
    regParam = new DoubleParam(this, "regParam",
      "λ of λ(ΣW1² + ΣW2²) (>= 0)", ParamValidators.gtEq(0));
    maxIter = new IntParam(this, "maxIter", "iterations: mini-batch updates (> 0)",
      ParamValidators.gt(0));
    batchSize = new IntParam(this, "batchSize", "examples per iteration (> 0)", ParamValidators.gt(0));
    seed = new LongParam(this, "seed", "initialisation and batch order");
    solver = new Param<>(this, "solver", "update rule: sgd, momentum, nesterov, adam",
      ParamValidators.inArray(new String[] {"sgd", "momentum", "nesterov", "adam"}));
    momentum = new DoubleParam(this, "momentum", "μ of momentum and nesterov, in [0, 1)",
      ParamValidators.inRange(0, 1, true, false));
    lrDecay = new DoubleParam(this, "lrDecay",
      "learning rate × this after every epoch (a pass over the rows), in (0, 1]",
      ParamValidators.inRange(0, 1, false, true));
    initStd = new DoubleParam(this, "initStd", "weights start as initStd·N(0,1) (> 0)",
      ParamValidators.gt(0));
    init = new Param<>(this, "init", "initialisation: std or he",
      ParamValidators.inArray(new String[] {"std", "he"}));
    standardize = new BooleanParam(this, "standardize",
      "divide centred features by their training standard deviation");
    precision = new Param<>(this, "precision", "kernel arithmetic: float or double",
      ParamValidators.inArray(new String[] {"float", "double"}));
    aggregationDepth = new IntParam(this, "aggregationDepth", "treeAggregate depth (>= 1)",
      ParamValidators.gtEq(1));
    // Defaults that learn on ordinary data, whatever the scale of its columns: the features standardised,
    // He initialisation, Adam at 3e-3 with no decay for 1000 iterations (measured on 6-D Gaussian blobs
    // of 300 and 2400 rows, raw and scaled by 0.01..1000, on three nested 6-D shells, and on 5000 CIFAR-10
    // images; see README). The CLI keeps CS231n's (conf/train.properties): set them to match it.
    setDefault(hiddenSize, 50);
    setDefault(stepSize, 3e-3);
    setDefault(regParam, 1e-4);
    setDefault(maxIter, 1000);
    setDefault(batchSize, 200);
    setDefault(seed, 1L);
    setDefault(solver, "adam");
    setDefault(momentum, 0.9);
    setDefault(lrDecay, 1.0);
    setDefault(initStd, 1e-4);
    setDefault(init, "he");
    setDefault(standardize, true);
    setDefault(precision, "float");
    setDefault(aggregationDepth, 2);
  }

  // Spark ML finds params through public no-argument methods that return them
  public IntParam hiddenSize() {
    return hiddenSize;
  }

  public DoubleParam stepSize() {
    return stepSize;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public LongParam seed() {
    return seed;
  }

  public Param<String> solver() {
    return solver;
  }

  public DoubleParam momentum() {
    return momentum;
  }

  public DoubleParam lrDecay() {
    return lrDecay;
  }

  public DoubleParam initStd() {
    return initStd;
  }

  public Param<String> init() {
    return init;
  }

  public BooleanParam standardize() {
    return standardize;
  }

  public Param<String> precision() {
    return precision;
  }

  public IntParam aggregationDepth() {
    return aggregationDepth;
  }

  @Override
  public String uid() {
    return ConstructingUid.or(uid);
  }

  public TwoLayerNetClassifier setHiddenSize(int v) {
    return (TwoLayerNetClassifier) set(hiddenSize, v);
  }

  public TwoLayerNetClassifier setStepSize(double v) {
    return (TwoLayerNetClassifier) set(stepSize, v);
  }

  public TwoLayerNetClassifier setRegParam(double v) {
    return (TwoLayerNetClassifier) set(regParam, v);
  }

  public TwoLayerNetClassifier setMaxIter(int v) {
    return (TwoLayerNetClassifier) set(maxIter, v);
  }

  public TwoLayerNetClassifier setBatchSize(int v) {
    return (TwoLayerNetClassifier) set(batchSize, v);
  }

  public TwoLayerNetClassifier setSeed(long v) {
    return (TwoLayerNetClassifier) set(seed, v);
  }

  public TwoLayerNetClassifier setSolver(String v) {
    return (TwoLayerNetClassifier) set(solver, v);
  }

  public TwoLayerNetClassifier setMomentum(double v) {
    return (TwoLayerNetClassifier) set(momentum, v);
  }

  public TwoLayerNetClassifier setLrDecay(double v) {
    return (TwoLayerNetClassifier) set(lrDecay, v);
  }

  public TwoLayerNetClassifier setInitStd(double v) {
    return (TwoLayerNetClassifier) set(initStd, v);
  }

  public TwoLayerNetClassifier setInit(String v) {
    return (TwoLayerNetClassifier) set(init, v);
  }

  public TwoLayerNetClassifier setStandardize(boolean v) {
    return (TwoLayerNetClassifier) set(standardize, v);
  }

  public TwoLayerNetClassifier setPrecision(String v) {
    return (TwoLayerNetClassifier) set(precision, v);
  }

  public TwoLayerNetClassifier setAggregationDepth(int v) {
    return (TwoLayerNetClassifier) set(aggregationDepth, v);
  }

  @Override
  public TwoLayerNetClassificationModel train(Dataset<?> dataset) {
    FrameBlocks.Prepared p = FrameBlocks.of(dataset, getFeaturesCol(), getLabelCol(), (Boolean) $(standardize));
    try {
      int n = (int) p.blocks().n();
      int b = Math.min((Integer) $(batchSize), n);
      int depth = (Integer) $(aggregationDepth);
      TrainConfig cfg = config(n, b, depth);
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
      Trainer.Result r = new Trainer(sc, cfg, new PrintStream(OutputStream.nullOutputStream()))
          .train(p.blocks(), null, p.numClasses());
      double[] losses = r.history().stream().mapToDouble(h -> ((Number) h.get("loss")).doubleValue()).toArray();
      // the final model's accuracy on a fixed sample of the training rows: one job
      double trainAccuracy = Evaluation.of(p.blocks(), cfg.model().kernel().weights(r.shape(), r.weights()), depth,
          Evaluation.sampleLimits(p.blocks(), Math.min(1000, n))).accuracy();
      TwoLayerNetClassificationModel model = new TwoLayerNetClassificationModel(uid, r.shape(), r.weights(),
          p.mean(), p.std(), new TwoLayerNetClassificationModel.Summary(losses, trainAccuracy));
      return copyValues(model, extractParamMap()).setParent(this);
    } finally {
      p.blocks().unpersist();
    }
  }

  /**
   * The trainer's settings from the params, for {@code n} rows in batches of {@code b}: {@code maxIter}
   * iterations (epochs 0), Adam's betas and epsilon at their usual values, and no validation set, no
   * training sample (0), no progress lines and no checkpoints, so the trainer runs no job of its own at the
   * end of an epoch, only the learning-rate decay. Data places and folders are unused: the rows come in.
   */
  private TrainConfig config(int n, int b, int depth) {
    return TrainConfig.builder()
        .places(List.of()).md5(null).cacheDir("data").partitions(0).trainSize(n).valSize(0).testSize(0)
        .standardize((Boolean) $(standardize)).flip(false).cropPad(0)
        .hiddenSize((Integer) $(hiddenSize)).init((String) $(init)).initStd((Double) $(initStd))
        .precision((String) $(precision))
        .updateRule((String) $(solver)).learningRate((Double) $(stepSize)).reg((Double) $(regParam)).dropout(0)
        .momentum((Double) $(momentum)).beta1(0.9).beta2(0.999).epsilon(1e-8).schedule("step")
        .lrDecay((Double) $(lrDecay))
        .batchSize(b).iterations((Integer) $(maxIter)).epochs(0).seed((Long) $(seed)).aggDepth(depth)
        .trainEvalSize(0).earlyStopping(0)
        .out("out").master("").logEvery(Integer.MAX_VALUE).checkpointDir("").checkpointEvery(0)
        .checkpointKeep(1)
        .build();
  }

  @Override
  public TwoLayerNetClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new Persistence.Writer(this, null);
  }

  public static MLReader<TwoLayerNetClassifier> read() {
    return new Persistence.Reader<>(TwoLayerNetClassifier.class);
  }

  public static TwoLayerNetClassifier load(String path) {
    return read().load(path);
  }
}
