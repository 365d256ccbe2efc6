package twolayer.train;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link TrainConfig} by name, one setter per key of conf/train.properties (in camel case). It has
 * no defaults: the CLI's are conf/train.properties (cli/Settings), the Spark ML Estimator's are its params
 * (ml/TwoLayerNetClassifier), and {@link #build} names every setting left unset. No validation here:
 * Settings validates text and the Estimator's params validate themselves.
 */
public final class TrainConfigBuilder {
  // data
  private List<String> places;
  private String md5;
  private String cacheDir;
  private Integer partitions;
  private Integer trainSize;
  private Integer valSize;
  private Integer testSize;
  private Boolean standardize;
  private Boolean flip;
  private Integer cropPad;
  // model
  private Integer hiddenSize;
  private String init;
  private Double initStd;
  private String precision;
  // optim
  private String updateRule;
  private Double learningRate;
  private Double reg;
  private Double dropout;
  private Double momentum;
  private Double beta1;
  private Double beta2;
  private Double epsilon;
  private String schedule;
  private Double lrDecay;
  // loop
  private Integer batchSize;
  private Integer iterations;
  private Integer epochs;
  private Long seed;
  private Integer aggDepth;
  private Integer trainEvalSize;
  private Integer earlyStopping;
  // run
  private String out;
  private String master;
  private Integer logEvery;
  private String checkpointDir;
  private Integer checkpointEvery;
  private Integer checkpointKeep;

  TrainConfigBuilder() {}

  /** The data locations, tried in order (the {@code data} key). */
  public TrainConfigBuilder places(List<String> v) {
    places = List.copyOf(v);
    return this;
  }

  /** The archive's MD5; null or empty: the official archive's. */
  public TrainConfigBuilder md5(String v) {
    md5 = v == null ? "" : v;
    return this;
  }

  public TrainConfigBuilder cacheDir(String v) {
    cacheDir = v;
    return this;
  }

  public TrainConfigBuilder partitions(int v) {
    partitions = v;
    return this;
  }

  public TrainConfigBuilder trainSize(int v) {
    trainSize = v;
    return this;
  }

  public TrainConfigBuilder valSize(int v) {
    valSize = v;
    return this;
  }

  public TrainConfigBuilder testSize(int v) {
    testSize = v;
    return this;
  }

  public TrainConfigBuilder standardize(boolean v) {
    standardize = v;
    return this;
  }

  public TrainConfigBuilder flip(boolean v) {
    flip = v;
    return this;
  }

  public TrainConfigBuilder cropPad(int v) {
    cropPad = v;
    return this;
  }

  public TrainConfigBuilder dropout(double v) {
    dropout = v;
    return this;
  }

  public TrainConfigBuilder hiddenSize(int v) {
    hiddenSize = v;
    return this;
  }

  public TrainConfigBuilder init(String v) {
    init = v;
    return this;
  }

  public TrainConfigBuilder initStd(double v) {
    initStd = v;
    return this;
  }

  public TrainConfigBuilder precision(String v) {
    precision = v;
    return this;
  }

  public TrainConfigBuilder updateRule(String v) {
    updateRule = v;
    return this;
  }

  public TrainConfigBuilder learningRate(double v) {
    learningRate = v;
    return this;
  }

  public TrainConfigBuilder reg(double v) {
    reg = v;
    return this;
  }

  public TrainConfigBuilder momentum(double v) {
    momentum = v;
    return this;
  }

  public TrainConfigBuilder beta1(double v) {
    beta1 = v;
    return this;
  }

  public TrainConfigBuilder beta2(double v) {
    beta2 = v;
    return this;
  }

  public TrainConfigBuilder epsilon(double v) {
    epsilon = v;
    return this;
  }

  public TrainConfigBuilder schedule(String v) {
    schedule = v;
    return this;
  }

  public TrainConfigBuilder lrDecay(double v) {
    lrDecay = v;
    return this;
  }

  public TrainConfigBuilder batchSize(int v) {
    batchSize = v;
    return this;
  }

  public TrainConfigBuilder iterations(int v) {
    iterations = v;
    return this;
  }

  public TrainConfigBuilder epochs(int v) {
    epochs = v;
    return this;
  }

  public TrainConfigBuilder seed(long v) {
    seed = v;
    return this;
  }

  public TrainConfigBuilder aggDepth(int v) {
    aggDepth = v;
    return this;
  }

  public TrainConfigBuilder trainEvalSize(int v) {
    trainEvalSize = v;
    return this;
  }

  public TrainConfigBuilder earlyStopping(int v) {
    earlyStopping = v;
    return this;
  }

  public TrainConfigBuilder out(String v) {
    out = v;
    return this;
  }

  public TrainConfigBuilder master(String v) {
    master = v;
    return this;
  }

  public TrainConfigBuilder logEvery(int v) {
    logEvery = v;
    return this;
  }

  public TrainConfigBuilder checkpointDir(String v) {
    checkpointDir = v;
    return this;
  }

  public TrainConfigBuilder checkpointEvery(int v) {
    checkpointEvery = v;
    return this;
  }

  public TrainConfigBuilder checkpointKeep(int v) {
    checkpointKeep = v;
    return this;
  }

  /** The configuration; an {@link IllegalStateException} lists the settings never given a value. */
  public TrainConfig build() {
    List<String> unset = unset();
    if (!unset.isEmpty()) {
      throw new IllegalStateException("TrainConfig: no value for " + String.join(", ", unset));
    }
    // the only positional calls: each argument is the field of the same name (TrainConfigTest checks)
    return new TrainConfig(
        new TrainConfig.Data(places, md5.isEmpty() ? null : md5, cacheDir, partitions, trainSize, valSize,
            testSize, standardize, flip, cropPad),
        new TrainConfig.Model(hiddenSize, init, initStd, precision),
        new TrainConfig.Optim(updateRule, learningRate, reg, dropout, momentum, beta1, beta2, epsilon, schedule, lrDecay),
        new TrainConfig.Loop(batchSize, iterations, epochs, seed, aggDepth, trainEvalSize, earlyStopping),
        new TrainConfig.Run(out, master, logEvery, checkpointDir, checkpointEvery, checkpointKeep));
  }

  /** The setters never called, in declaration order (every field starts null and a setter fills it). */
  private List<String> unset() {
    List<String> unset = new ArrayList<>();
    try {
      for (Field f : TrainConfigBuilder.class.getDeclaredFields()) {
        if (f.get(this) == null) {
          unset.add(f.getName());
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return unset;
  }
}
