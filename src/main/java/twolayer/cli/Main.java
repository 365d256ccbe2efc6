package twolayer.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import twolayer.UserError;
import twolayer.train.Trainer;

/**
 * {@code submit.sh COMMAND [--conf FILE] [--KEY VALUE ...]}: parse ({@link Cli}), then the command. The only
 * place that turns errors into exit codes: 2 for bad input (one line on stderr), 3 for a diverged run.
 */
public final class Main {
  /** The commands, in the order the help lists them. */
  static final List<Command> COMMANDS = List.of(new TrainCommand(), new EvaluateCommand(), new PredictCommand(),
      new SearchCommand(), new BenchCommand(), new CompareMlpCommand(), new GradcheckCommand());

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command and returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    try {
      return Cli.run(COMMANDS, args, out, err);
    } catch (UserError e) {
      err.println("error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (Trainer.Diverged e) {
      err.println("error: " + e.getMessage());
      return 3;
    }
  }
}
