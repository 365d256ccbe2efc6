package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Tier 1: the command line without Spark. Every command's help lists every key it takes with its default,
 * as conf/train.properties and the command's own options say; --version, completion, and the refusals.
 */
class CommandLineTest {
  /** The help with its line breaks and column padding taken out, so that wrapped values read whole. */
  static String flat(String help) {
    return help.replaceAll("\\s+", "");
  }

  @Test
  void everyCommandsHelpListsEveryKeyItTakesWithItsDefault() {
    Map<String, String> defaults = Settings.defaults();
    for (Command c : Main.COMMANDS) {
      for (String h : List.of("-h", "--help")) {
        TrainCommandTest.Run r = TrainCommandTest.run(c.name(), h);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: submit.sh " + c.name()), r.out());
        String help = flat(r.out());
        for (Option o : c.options()) {
          assertTrue(help.contains("--" + o.name()), c.name() + " --help lacks --" + o.name() + ":\n" + r.out());
          if (!o.isFlag()) {
            assertTrue(help.contains(flat("(default: " + (o.defaultValue().isEmpty() ? "empty" : o.defaultValue()))),
                c.name() + " --help lacks the default of --" + o.name() + ":\n" + r.out());
          }
        }
        for (String key : c.trainingKeys()) {
          if (c.options().stream().anyMatch(o -> o.name().equals(key))) {
            continue; // the command's own meaning of the key, checked above
          }
          String value = defaults.get(key).isEmpty() ? "empty" : defaults.get(key);
          assertTrue(help.contains(flat("--" + key + "=")) && help.contains(flat("(default: " + value + ")")),
              c.name() + " --help lacks --" + key + " with its default " + value + ":\n" + r.out());
        }
      }
    }
    assertTrue(Main.COMMANDS.stream().filter(c -> c.trainingKeys().equals(defaults.keySet())).count() >= 5,
        "train, evaluate, search, bench and compare-mlp take every training key");
  }

  @Test
  void everyTrainingKeyHasAMeaningAndAGroup() {
    List<Keys.Key> keys = Keys.shipped();
    assertEquals(Settings.defaults().keySet(), new java.util.TreeSet<>(keys.stream().map(Keys.Key::name).toList()));
    for (Keys.Key k : keys) {
      assertFalse(k.meaning().isEmpty() || k.group().isEmpty(), k.toString());
    }
  }

  @Test
  void theHelpOfTrainShowsItsGroupsAndTheLayering() {
    String out = TrainCommandTest.run("train", "--help").out();
    for (String heading : List.of("Data and output:", "Optimisation:", "Checkpoints:")) {
      assertTrue(out.contains("\n" + heading + "\n"), heading + " missing:\n" + out);
    }
    assertTrue(flat(out).contains(flat("--conf FILE layers a file over them")), out);
    assertTrue(out.contains("--hidden-size=N") && out.contains("Hidden units H"), out);
  }

  @Test
  void helpAndVersion() throws Exception {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
      TrainCommandTest.Run r = TrainCommandTest.run(args);
      assertEquals(0, r.code(), r.err());
      for (Command c : Main.COMMANDS) {
        assertTrue(r.out().contains("  " + c.name() + " "), c.name() + " missing:\n" + r.out());
      }
      assertFalse(r.out().contains(Cli.WARMUP), "submit.sh's own command is not listed");
    }
    assertEquals(TrainCommandTest.run("evaluate", "--help").out(), TrainCommandTest.run("help", "evaluate").out());

    Properties p = new Properties();
    try (var in = Version.class.getResourceAsStream("version.properties")) {
      p.load(in);
    }
    assertTrue(p.getProperty("version").matches("\\d+\\.\\d+\\.\\d+.*"), "filtered by Maven: " + p);
    for (String v : List.of("--version", "-V")) {
      TrainCommandTest.Run r = TrainCommandTest.run(v);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().startsWith("twolayer-spark " + p.getProperty("version") + "\n"), r.out());
    }
  }

  @Test
  void completionIsABashScriptForEveryCommandAndKey() throws Exception {
    TrainCommandTest.Run r = TrainCommandTest.run("completion");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("complete -F") && r.out().contains("submit.sh"), r.out());
    for (String word : List.of("train", "evaluate", "predict", "search", "bench", "compare-mlp", "gradcheck",
        "--hidden-size", "--learning-rate", "--model", "--halving", "--resume")) {
      assertTrue(r.out().contains(word), word);
    }
    java.nio.file.Path script = java.nio.file.Files.createTempFile("twolayer", ".bash");
    try {
      java.nio.file.Files.writeString(script, r.out());
      Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
      String err = new String(bash.getInputStream().readAllBytes());
      assertEquals(0, bash.waitFor(), "bash -n: " + err);
    } finally {
      java.nio.file.Files.delete(script);
    }
  }

  @Test
  void refusalsAreOneLineWithExitCode2() {
    BadInputTest.assertRefused("unknown command 'trian' (did you mean train?)", "trian");
    BadInputTest.assertRefused("unknown command 'trian' (did you mean train?)", "help", "trian");
    BadInputTest.assertRefused("--hidden-siz: unknown setting (did you mean --hidden-size?)", "train",
        "--hidden-siz=5");
    BadInputTest.assertRefused("--overwite: unknown setting (did you mean --overwrite?)", "train", "--overwite");
    BadInputTest.assertRefused("--out: a value is missing", "train", "--out", "--overwrite");
    BadInputTest.assertRefused("train: unexpected argument 'x.png'", "train", "x.png");
    BadInputTest.assertRefused("--hidden-size: unknown setting", "predict", "--hidden-size", "5", "x.png");
    TrainCommandTest.Run none = TrainCommandTest.run();
    assertEquals(2, none.code());
    assertTrue(none.err().startsWith("error: no command given\nUsage: submit.sh"), none.err());
  }

  @Test
  void laterValuesWinAndBothSpellingsWork() {
    Settings s = Settings.parse(List.of("--out", "a", "--out=b", "--seed=7"), java.util.Set.of(), java.util.Set.of());
    assertEquals("b", s.text("out"));
    assertEquals("7", s.text("seed"));
    assertTrue(s.explicit("seed") && !s.explicit("reg"));
  }
}
