package twolayer.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The training keys as conf/train.properties lists them, with what its comments say: the comment right
 * above a key is its meaning, a {@code ## Heading} line starts a group. The help of every command is
 * made from this, so a key, its default and its meaning are written once, in that file.
 */
final class Keys {
  /** A training key: its default (as {@link Settings#defaults()} reads it), meaning and group. */
  record Key(String name, String value, String meaning, String group) {}

  private Keys() {}

  /** Every key of the shipped defaults, in the file's order. */
  static List<Key> shipped() {
    try (InputStream in = Keys.class.getResourceAsStream(Settings.DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(Settings.DEFAULTS + " is missing from the jar");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList(),
          Settings.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The keys of {@code lines} (a properties file) whose values {@code values} holds. */
  static List<Key> parse(List<String> lines, Map<String, String> values) {
    List<Key> keys = new ArrayList<>();
    List<String> comment = new ArrayList<>();
    String group = "";
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("## ")) {
        group = line.substring(3).strip();
        comment.clear();
      } else if (line.startsWith("#")) {
        comment.add(line.substring(1).strip());
      } else if (line.isEmpty()) {
        comment.clear(); // a comment cut off by a blank line is about the file, not about a key
      } else {
        String name = line.split("[=:]", 2)[0].strip();
        keys.add(new Key(name, values.getOrDefault(name, ""), String.join(" ", comment), group));
        comment.clear();
      }
    }
    return keys;
  }

  /** A properties file's keys and values, sorted by key; a {@link twolayer.UserError} naming it when it is not one. */
  static Map<String, String> load(String name, InputStream in) {
    if (in == null) {
      throw new IllegalStateException(name + " is missing from the jar");
    }
    Properties p = new Properties();
    try (java.io.Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new twolayer.UserError(name + ": not a valid properties file (" + e.getMessage() + ")");
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }
}
