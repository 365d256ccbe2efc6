package twolayer.search;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import twolayer.UserError;

/**
 * Ranges of training settings to search, one a line in a properties file: {@code KEY=a,b,c} (a choice),
 * {@code KEY=lo..hi} (uniform) or {@code KEY=lo..hi log} (log-uniform). A trial is a map of
 * {@code KEY → value} text that overrides the base settings; trials depend only on the seed, so an
 * interrupted search regenerates the same list and skips what it finished.
 */
public final class SearchSpace {
  /** Whole-number keys: sampled values are rounded. */
  private static final List<String> INTEGER_KEYS = List.of("hidden-size", "batch-size", "epochs", "iterations",
      "crop-pad");

  private record Dimension(String key, List<String> choices, double lo, double hi, boolean log) {}

  private final List<Dimension> dims;

  private SearchSpace(List<Dimension> dims) {
    this.dims = dims;
  }

  public static SearchSpace read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the search space (" + e.getMessage() + ")");
    }
    List<Dimension> dims = new ArrayList<>();
    for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
      String spec = p.getProperty(key).trim();
      if (spec.contains("..")) {
        String[] parts = spec.split("\\s+");
        String[] range = parts[0].split("\\.\\.");
        try {
          double lo = Double.parseDouble(range[0]), hi = Double.parseDouble(range[1]);
          boolean log = parts.length > 1 && parts[1].equals("log");
          if (!(lo <= hi) || (log && lo <= 0)) {
            throw new NumberFormatException();
          }
          dims.add(new Dimension(key, null, lo, hi, log));
        } catch (RuntimeException e) {
          throw new UserError(file + ": " + key + "=" + spec + " is not a range (lo..hi, or lo..hi log with lo > 0)");
        }
      } else {
        dims.add(new Dimension(key, List.of(spec.split("\\s*,\\s*")), 0, 0, false));
      }
    }
    if (dims.isEmpty()) {
      throw new UserError(file + ": no setting to search");
    }
    return new SearchSpace(dims);
  }

  public List<String> keys() {
    return dims.stream().map(Dimension::key).toList();
  }

  /** {@code n} random trials from {@code seed}. */
  public List<Map<String, String>> random(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Map<String, String>> trials = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      Map<String, String> trial = new LinkedHashMap<>();
      for (Dimension d : dims) {
        if (d.choices() != null) {
          trial.put(d.key(), d.choices().get(rnd.nextInt(d.choices().size())));
        } else {
          double u = rnd.nextDouble();
          double v = d.log() ? Math.exp(Math.log(d.lo()) + u * (Math.log(d.hi()) - Math.log(d.lo())))
              : d.lo() + u * (d.hi() - d.lo());
          trial.put(d.key(), format(d.key(), v));
        }
      }
      trials.add(trial);
    }
    return trials;
  }

  /** Every combination; a range contributes its two ends and its (geometric, for log) middle. */
  public List<Map<String, String>> grid() {
    List<Map<String, String>> trials = new ArrayList<>();
    trials.add(new LinkedHashMap<>());
    for (Dimension d : dims) {
      List<String> values = d.choices() != null ? d.choices() : List.of(format(d.key(), d.lo()),
          format(d.key(), d.log() ? Math.sqrt(d.lo() * d.hi()) : (d.lo() + d.hi()) / 2), format(d.key(), d.hi()));
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> t : trials) {
        for (String v : values) {
          Map<String, String> m = new LinkedHashMap<>(t);
          m.put(d.key(), v);
          next.add(m);
        }
      }
      trials = next;
    }
    return trials;
  }

  static String format(String key, double v) {
    return INTEGER_KEYS.contains(key) ? String.valueOf(Math.round(v)) : String.format("%.4g", v);
  }
}
