package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier 1: a run prints the settings that differ from conf/train.properties; --verbose prints them all. */
class SettingsSummaryTest {
  @TempDir Path tmp;

  @Test
  void theShortBlockListsWhatDiffersFromTheDefaultsFromFlagsAndFiles() throws Exception {
    Path conf = Files.writeString(tmp.resolve("my.properties"), "hidden-size=100\nreg=0.25\n");
    Settings s = Settings.parse(List.of("--conf", conf.toString(), "--iterations", "50", "--learning-rate",
        "0.0001", "--out", "/tmp/run"), Set.of(), Set.of("verbose"));
    // reg as the default, and 0.0001 is the default's 1e-4
    assertEquals(Map.of("hidden-size", "100", "iterations", "50", "out", "/tmp/run"), s.changed());
    String text = s.summary(false);
    assertEquals(List.of("config (differs from conf/train.properties; every setting with --verbose and in metrics.json):",
        "  hidden-size  100", "  iterations   50", "  out          /tmp/run"), text.lines().toList());
  }

  @Test
  void verboseListsEverySettingAndMarksTheChangedOnes() {
    Settings s = Settings.parse(List.of("--seed", "7"), Set.of(), Set.of("verbose"));
    List<String> lines = s.summary(true).lines().toList();
    assertEquals(1 + Settings.defaults().size(), lines.size(), "a header and every key");
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\* seed +7")), lines.toString());
    assertTrue(lines.contains("  checkpoint-dir"), "an empty value, no trailing spaces");
    assertTrue(lines.stream().filter(l -> l.startsWith("* ")).count() == 1, lines.toString());
    assertEquals(List.of("config: the defaults (conf/train.properties)"),
        Settings.parse(List.of(), Set.of(), Set.of()).summary(false).lines().toList());
  }
}
