package twolayer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** A command of {@code submit.sh}: what {@link Cli} needs for its options and help, and its body. */
abstract class Command {
  private final String name;
  private final String summary;

  /** @param summary what it does, for the help */
  Command(String name, String summary) {
    this.name = name;
    this.summary = summary;
  }

  final String name() {
    return name;
  }

  final String summary() {
    return summary;
  }

  /** Its options besides the training keys (and besides -h, --conf and --verbose, which all take). */
  List<Option> options() {
    return List.of();
  }

  /** The keys of conf/train.properties it takes as --KEY VALUE: by default all. */
  Set<String> trainingKeys() {
    return Settings.defaults().keySet();
  }

  /** The label and meaning of its positional inputs, or null when it takes none. */
  String[] inputs() {
    return null;
  }

  /** Runs it and returns the exit code; bad input is a {@link twolayer.UserError}. */
  abstract int run(Settings settings, PrintStream out);
}
