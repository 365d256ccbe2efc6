package twolayer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import twolayer.UserError;
import twolayer.train.TrainConfig;

/**
 * Turns text (the shipped defaults, a {@code --conf} file, {@code --KEY VALUE} flags, in that order of
 * precedence) into typed settings. Every bad key or value is a {@link UserError} naming the key.
 */
public final class Settings {
  /** The defaults: conf/train.properties, packed into the jar. */
  static final String DEFAULTS = "/train.properties";

  private final Map<String, String> values;
  private final Map<String, String> ownDefaults;
  private final Set<String> flags;
  private final List<String> positional;
  private final Set<String> explicit;

  private Settings(Map<String, String> values, Map<String, String> ownDefaults, Set<String> explicit,
      Set<String> flags, List<String> positional) {
    this.values = values;
    this.ownDefaults = ownDefaults;
    this.explicit = explicit;
    this.flags = flags;
    this.positional = positional;
  }

  /**
   * Parses a command's arguments (as {@link Cli} does for every command).
   *
   * @param extraKeys keys the command takes besides the training keys (e.g. {@code model})
   * @param flagNames options without a value (e.g. {@code json})
   */
  public static Settings parse(List<String> args, Set<String> extraKeys, Set<String> flagNames) {
    List<Option> options = new ArrayList<>();
    extraKeys.forEach(k -> options.add(Option.value(k, "", "")));
    flagNames.stream().filter(f -> !f.equals("verbose")).forEach(f -> options.add(Option.flag(f, "")));
    return Cli.parse(options, args);
  }

  /**
   * The shipped defaults, then the {@code --conf} file's keys (when given), then {@code given}.
   *
   * @param ownDefaults the defaults of the command's own keys, used where neither the file nor a flag gives one
   */
  static Settings layered(Map<String, String> given, String confFile, Map<String, String> ownDefaults,
      Set<String> flags, List<String> positional) {
    Map<String, String> values = defaults();
    if (confFile != null) {
      Set<String> known = new java.util.TreeSet<>(values.keySet());
      known.addAll(ownDefaults.keySet());
      Path p = Path.of(confFile);
      Map<String, String> file;
      try (InputStream in = Files.newInputStream(p)) {
        file = Keys.load(confFile, in);
      } catch (IOException e) {
        throw new UserError(confFile + ": cannot read the configuration file (" + e.getMessage() + ")");
      }
      for (String k : file.keySet()) {
        if (!known.contains(k)) {
          throw Typos.unknown(confFile + ": key '" + k + "'", k, known, Typos.KNOWN_KEYS);
        }
      }
      values.putAll(file);
    }
    values.putAll(given);
    return new Settings(values, ownDefaults, given.keySet(), flags, positional);
  }

  /**
   * These settings with some keys set as if given on the command line (a search trial, a bench case);
   * an unknown key is a {@link UserError} like an unknown flag.
   */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(values);
    Set<String> ex = new java.util.HashSet<>(explicit);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!values.containsKey(e.getKey())) {
        throw Typos.unknown("--" + e.getKey(), e.getKey(), values.keySet(), Typos.KNOWN_KEYS);
      }
      v.put(e.getKey(), e.getValue());
      ex.add(e.getKey());
    }
    return new Settings(v, ownDefaults, ex, flags, positional);
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public List<String> positional() {
    return positional;
  }

  /** True when the key was given on the command line (not only by a file or the defaults). */
  public boolean explicit(String key) {
    return explicit.contains(key);
  }

  /** True when the key has a non-empty value (given, or the default of a training key or the command's own). */
  public boolean has(String key) {
    return !text(key).isEmpty();
  }

  public String text(String key) {
    return values.getOrDefault(key, ownDefaults.getOrDefault(key, "")).trim();
  }

  /** The effective settings, for logging and metrics. */
  public Map<String, String> all() {
    return new java.util.TreeMap<>(values);
  }

  /** The shipped defaults: every training key with its value in conf/train.properties. */
  static Map<String, String> defaults() {
    return Keys.load(DEFAULTS, Settings.class.getResourceAsStream(DEFAULTS));
  }

  /**
   * The settings whose values differ from the shipped defaults (by text, or as numbers: 1e-4 is 0.0001),
   * sorted by key; keys a command takes besides the training keys always differ.
   */
  public Map<String, String> changed() {
    Map<String, String> d = defaults(), c = new java.util.TreeMap<>();
    values.forEach((k, v) -> {
      if (!d.containsKey(k) || !same(v.trim(), d.get(k).trim())) {
        c.put(k, v.trim());
      }
    });
    return c;
  }

  private static boolean same(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The configuration as a run prints it: a line per setting that differs from the defaults, or with
   * {@code all} every setting, those that differ marked {@code *}.
   */
  public String summary(boolean all) {
    Map<String, String> changed = changed(), shown = all ? all() : changed;
    StringBuilder b = new StringBuilder(all ? "config (every setting; * differs from conf/train.properties):"
        : changed.isEmpty() ? "config: the defaults (conf/train.properties)"
        : "config (differs from conf/train.properties; every setting with --verbose and in metrics.json):");
    b.append('\n');
    int width = shown.keySet().stream().mapToInt(String::length).max().orElse(0);
    shown.forEach((k, v) -> b.append((all && changed.containsKey(k) ? "* " : "  ")
        + String.format("%-" + width + "s  %s", k, v.trim()).stripTrailing()).append('\n'));
    return b.toString();
  }

  public TrainConfig trainConfig() {
    TrainConfig c = TrainConfig.builder()
        .places(Arrays.stream(text("data").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .md5(md5()).cacheDir(required("cache-dir")).partitions(intAtLeast("partitions", 0))
        .trainSize(intAtLeast("train-size", 1)).valSize(intAtLeast("val-size", 1))
        .testSize(intAtLeast("test-size", 1))
        .standardize(Boolean.parseBoolean(oneOf("standardize", "true", "false")))
        .flip(Boolean.parseBoolean(oneOf("flip", "true", "false"))).cropPad(intAtLeast("crop-pad", 0))
        .hiddenSize(intAtLeast("hidden-size", 1)).init(oneOf("init", "std", "he")).initStd(positive("init-std"))
        .precision(oneOf("precision", "float", "double"))
        .updateRule(oneOf("update-rule", "sgd", "momentum", "nesterov", "adam"))
        .learningRate(positive("learning-rate")).reg(atLeastZero("reg")).dropout(below1("dropout"))
        .momentum(below1("momentum")).beta1(below1("beta1")).beta2(below1("beta2")).epsilon(positive("epsilon"))
        .schedule(oneOf("schedule", "step", "cosine")).lrDecay(fraction("lr-decay"))
        .batchSize(intAtLeast("batch-size", 1)).iterations(intAtLeast("iterations", 1))
        .epochs(intAtLeast("epochs", 0)).seed(longValue("seed")).aggDepth(intAtLeast("agg-depth", 1))
        .trainEvalSize(intAtLeast("train-eval-size", 1)).earlyStopping(intAtLeast("early-stopping", 0))
        .out(required("out")).master(required("master")).logEvery(intAtLeast("log-every", 1))
        .checkpointDir(text("checkpoint-dir")).checkpointEvery(intAtLeast("checkpoint-every", 0))
        .checkpointKeep(intAtLeast("checkpoint-keep", 1))
        .build();
    if (c.data().places().isEmpty()) {
      throw new UserError("data: no place given; pass --data FOLDER|ARCHIVE|URL");
    }
    if (c.data().cropPad() > 16) {
      throw new UserError("crop-pad: " + c.data().cropPad() + " must be at most 16 (pixels of a 32x32 image)");
    }
    if (c.loop().batchSize() > c.data().trainSize()) {
      throw new UserError("batch-size: " + c.loop().batchSize() + " is larger than the training set (train-size "
          + c.data().trainSize() + "); use a batch of at most train-size examples");
    }
    return c;
  }

  String required(String key) {
    String v = text(key);
    if (v.isEmpty()) {
      throw new UserError(key + ": a value is required");
    }
    return v;
  }

  String oneOf(String key, String... allowed) {
    String v = text(key);
    if (!java.util.List.of(allowed).contains(v)) {
      throw new UserError(key + ": '" + v + "' is not one of " + String.join(", ", allowed));
    }
    return v;
  }

  double number(String key) {
    String v = required(key);
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UserError(key + ": '" + v + "' is not a number");
    }
    if (!Double.isFinite(d)) {
      throw new UserError(key + ": '" + v + "' is not a finite number");
    }
    return d;
  }

  double positive(String key) {
    double d = number(key);
    if (d <= 0) {
      throw new UserError(key + ": " + text(key) + " must be greater than 0");
    }
    return d;
  }

  double atLeastZero(String key) {
    double d = number(key);
    if (d < 0) {
      throw new UserError(key + ": " + text(key) + " must be 0 or more");
    }
    return d;
  }

  double below1(String key) {
    double d = number(key);
    if (d < 0 || d >= 1) {
      throw new UserError(key + ": " + text(key) + " must be in [0, 1)");
    }
    return d;
  }

  double fraction(String key) {
    double d = number(key);
    if (d <= 0 || d > 1) {
      throw new UserError(key + ": " + text(key) + " must be in (0, 1]");
    }
    return d;
  }

  long longValue(String key) {
    String v = required(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UserError(key + ": '" + v + "' is not a whole number");
    }
  }

  int intAtLeast(String key, int min) {
    String v = required(key);
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UserError(key + ": '" + v + "' is not a whole number");
    }
    if (n < min) {
      throw new UserError(key + ": " + n + " must be " + (min == 1 ? "a positive whole number" : "at least " + min));
    }
    return n;
  }

  private String md5() {
    String v = text("data-md5").toLowerCase(java.util.Locale.ROOT);
    if (!v.isEmpty() && !v.matches("[0-9a-f]{32}")) {
      throw new UserError("data-md5: '" + v + "' is not an MD5 checksum (32 hexadecimal digits)");
    }
    return v.isEmpty() ? null : v;
  }

}
