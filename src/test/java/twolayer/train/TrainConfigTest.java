package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import twolayer.cli.Settings;

/** The configuration's groups, its builder and the one place that fills it from text (cli/Settings). */
class TrainConfigTest {
  /** A valid value for every key of conf/train.properties, no two alike, so a swapped setting shows. */
  static Map<String, Object> distinct() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("data", List.of("a", "b"));
    v.put("data-md5", "0123456789abcdef0123456789abcdef");
    v.put("cache-dir", "c1");
    v.put("partitions", 67);
    v.put("train-size", 7300);
    v.put("val-size", 79);
    v.put("test-size", 83);
    v.put("standardize", true);
    v.put("flip", true);
    v.put("crop-pad", 5);
    v.put("dropout", 0.29);
    v.put("hidden-size", 11);
    v.put("init", "he");
    v.put("init-std", 5.9e-3);
    v.put("precision", "double");
    v.put("update-rule", "adam");
    v.put("learning-rate", 0.013);
    v.put("reg", 0.017);
    v.put("momentum", 0.37);
    v.put("beta1", 0.41);
    v.put("beta2", 0.43);
    v.put("epsilon", 4.7e-7);
    v.put("schedule", "cosine");
    v.put("lr-decay", 0.31);
    v.put("batch-size", 19);
    v.put("iterations", 23);
    v.put("epochs", 29);
    v.put("seed", 61L);
    v.put("agg-depth", 71);
    v.put("train-eval-size", 89);
    v.put("early-stopping", 53);
    v.put("out", "o1");
    v.put("master", "local[3]");
    v.put("log-every", 103);
    v.put("checkpoint-dir", "ck");
    v.put("checkpoint-every", 97);
    v.put("checkpoint-keep", 101);
    return v;
  }

  static Properties shipped() throws Exception {
    Properties p = new Properties();
    try (InputStream in = TrainConfigTest.class.getResourceAsStream("/train.properties")) {
      p.load(in);
    }
    return p;
  }

  /** The accessor of a key: its camel-case name in one of the five groups ({@code data} is places). */
  static Object read(TrainConfig c, String key) throws Exception {
    String name = key.equals("data") ? "places" : key.equals("data-md5") ? "md5" : camel(key);
    for (Object group : List.of(c.data(), c.model(), c.optim(), c.loop(), c.run())) {
      for (Method m : group.getClass().getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == 0) {
          return m.invoke(group);
        }
      }
    }
    throw new AssertionError("no accessor for " + key);
  }

  static String camel(String key) {
    StringBuilder b = new StringBuilder();
    for (String part : key.split("-")) {
      b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return b.toString();
  }

  @Test
  void everyShippedKeyHasOneAccessorAndOneSetter() throws Exception {
    assertEquals(new TreeSet<>(shipped().stringPropertyNames()), new TreeSet<>(distinct().keySet()));
    Set<String> setters = new TreeSet<>();
    for (Method m : TrainConfigBuilder.class.getDeclaredMethods()) {
      if (m.getReturnType() == TrainConfigBuilder.class) {
        setters.add(m.getName());
      }
    }
    Set<String> expected = new TreeSet<>();
    for (String key : distinct().keySet()) {
      expected.add(key.equals("data") ? "places" : key.equals("data-md5") ? "md5" : camel(key));
    }
    assertEquals(expected, setters);
  }

  @Test
  void settingsPassEachKeyToItsOwnSetting() throws Exception {
    List<String> args = new ArrayList<>();
    distinct().forEach((k, v) -> args.addAll(List.of("--" + k, v instanceof List<?> l
        ? String.join(",", l.stream().map(Object::toString).toList()) : v.toString())));
    TrainConfig c = Settings.parse(args, Set.of(), Set.of()).trainConfig();
    for (Map.Entry<String, Object> e : distinct().entrySet()) {
      assertEquals(e.getValue(), read(c, e.getKey()), e.getKey());
    }
    assertEquals(29 * (7300 / 19), c.totalIterations()); // epochs override iterations
    assertEquals(List.of(19, 61L, 7300, twolayer.model.TwoLayerNet.KERNEL, 71, true, 5, 0.29), c.packing());
  }

  @Test
  void theShippedDefaultsBuildAndAnEmptyMd5MeansTheOfficialArchive() throws Exception {
    TrainConfig c = Settings.parse(List.of(), Set.of(), Set.of()).trainConfig();
    assertNull(c.data().md5());
    assertEquals("out/checkpoints", c.run().checkpoints());
    assertEquals(1000, c.totalIterations());
    assertEquals(twolayer.model.FloatNet.KERNEL, c.model().kernel());
    for (String key : List.of("hidden-size", "batch-size", "iterations", "train-size", "log-every")) {
      assertEquals(Integer.parseInt(shipped().getProperty(key)), read(c, key), key);
    }
  }

  @Test
  void buildNamesEverySettingLeftUnset() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TrainConfig.builder().hiddenSize(5).md5(null).build());
    String m = e.getMessage();
    assertEquals(35, m.substring(m.indexOf("for ") + 4).split(", ").length, m);
    assertEquals(-1, m.indexOf("hiddenSize"), m);
    assertEquals(-1, m.indexOf("md5"), m);
  }
}
