package twolayer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** A command of {@code submit.sh}: what {@link Cli} needs for its options and help, and its body. */
interface Command {
  String name();

  /** One line on what it does, for the help. */
  String summary();

  /** Its options besides the training keys (and besides -h, --conf and --verbose, which all take). */
  default List<Option> options() {
    return List.of();
  }

  /** The keys of conf/train.properties it takes as --KEY VALUE: by default all. */
  default Set<String> trainingKeys() {
    return Settings.defaults().keySet();
  }

  /** The label and meaning of its positional inputs, or null when it takes none. */
  default String[] inputs() {
    return null;
  }

  /** Runs it and returns the exit code; bad input is a {@link twolayer.UserError}. */
  int run(Settings settings, PrintStream out);
}
