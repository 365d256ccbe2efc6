package twolayer.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import twolayer.UserError;

/**
 * The command line as picocli reads it: a subcommand per {@link Command}, whose options and help are made
 * at run time from conf/train.properties ({@link Keys}: default, meaning, group) and the command's own
 * {@link Option}s; {@code help}, {@code --version} and {@code completion} (a bash completion script).
 * What it parses becomes {@link Settings}; what it refuses, a {@link UserError} in the project's words.
 */
final class Cli {
  static final String NAME = "submit.sh";
  static final String COMPLETION = "completion";
  /** submit.sh's, not a user's (see {@link Warmup}): hidden from the help. */
  static final String WARMUP = "cds-warmup";

  private Cli() {}

  /** Parses {@code args}, prints help, version or completion when asked, else runs the command. */
  static int run(List<Command> commands, String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = commandLine(commands, out, err);
    ParseResult r;
    try {
      r = cl.parseArgs(args);
      if (CommandLine.printHelpIfRequested(r)) {
        return 0;
      }
    } catch (ParameterException e) {
      throw userError(e);
    } finally {
      cl.getOut().flush();
    }
    if (!r.hasSubcommand()) {
      err.println("error: no command given");
      err.print(cl.getUsageMessage());
      return 2;
    }
    ParseResult sub = r.subcommand();
    String name = sub.commandSpec().name();
    if (name.equals(COMPLETION)) {
      out.print(AutoComplete.bash(NAME, cl));
      return 0;
    }
    if (name.equals(WARMUP)) {
      Warmup.run();
      return 0;
    }
    Command c = commands.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    return c.run(settings(c, sub), out);
  }

  /** {@code args} of {@code command} alone (no subcommand) as settings. */
  static Settings parse(Command command, List<String> args) {
    CommandLine cl = configure(new CommandLine(spec(command)), System.out, System.err);
    try {
      return settings(command, cl.parseArgs(args.toArray(String[]::new)));
    } catch (ParameterException e) {
      throw userError(e);
    }
  }

  /** {@code args} parsed as a command of {@code options} and every training key would be. */
  static Settings parse(List<Option> options, List<String> args) {
    return parse(new Bare(options), args);
  }

  /** A command that only has options, for {@link Settings#parse}. */
  private static final class Bare extends Command {
    private final List<Option> options;

    Bare(List<Option> options) {
      super("settings", "");
      this.options = options;
    }

    @Override
    List<Option> options() {
      return options;
    }

    @Override
    String[] inputs() {
      return new String[] {"INPUT", ""};
    }

    @Override
    int run(Settings settings, PrintStream out) {
      throw new UnsupportedOperationException("options only");
    }
  }

  static CommandLine commandLine(List<Command> commands, PrintStream out, PrintStream err) {
    CommandSpec top = CommandSpec.create().name(NAME).mixinStandardHelpOptions(true).version(Version.lines());
    top.usageMessage().description("Trains CS231n's two-layer network on CIFAR-10 with Apache Spark.")
        .synopsisSubcommandLabel("COMMAND").commandListHeading("%nCommands:%n")
        .footerHeading("%nExit codes:%n").footer("  0  done", "  1  gradcheck: an error above 1e-7",
            "  2  bad input: one line on stderr names it (--verbose: and the stack trace)",
            "  3  training diverged: the loss became NaN or infinite (lower the learning rate)",
            "%n'" + NAME + " COMMAND --help' lists a command's settings with their defaults.");
    CommandLine cl = new CommandLine(top);
    for (Command c : commands) {
      cl.addSubcommand(c.name(), new CommandLine(spec(c)));
    }
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    CommandSpec completion = CommandSpec.create().addOption(helpOption());
    completion.usageMessage().description("Prints a bash completion script for " + NAME + ": "
        + NAME + " completion > twolayer.bash; source twolayer.bash");
    cl.addSubcommand(COMPLETION, new CommandLine(completion));
    CommandSpec warmup = CommandSpec.create();
    warmup.usageMessage().hidden(true);
    cl.addSubcommand(WARMUP, new CommandLine(warmup));
    return configure(cl, out, err);
  }

  /** Settings that apply to the whole tree: call after the subcommands are added. */
  private static CommandLine configure(CommandLine cl, PrintStream out, PrintStream err) {
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cl.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF)); // no escape codes, on a terminal or not
    cl.setOverwrittenOptionsAllowed(true); // a later --KEY VALUE wins, as over --conf FILE
    cl.setExpandAtFiles(false); // an input named @x is a file, not a list of arguments
    cl.setUsageHelpLongOptionsMaxWidth(30);
    return cl;
  }

  /** A command's options: its own, -h, --conf, --verbose, then the training keys it takes, by group. */
  static CommandSpec spec(Command c) {
    CommandSpec spec = CommandSpec.create();
    Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
    List<OptionSpec> own = new ArrayList<>();
    groups.put("", own);
    Set<String> names = new HashSet<>();
    for (Option o : c.options()) {
      own.add(o.isFlag() ? flag(o.name(), o.meaning()) : valued(o.name(), o.defaultValue(), o.meaning()));
      names.add(o.name());
    }
    own.add(helpOption());
    if (!c.trainingKeys().isEmpty()) {
      own.add(OptionSpec.builder("--conf").paramLabel("FILE").type(String.class).description(
          "A properties file of training keys layered over conf/train.properties; --KEY VALUE overrides both.")
          .build());
    }
    own.add(flag("verbose", "Print every setting at the start, and the stack trace of an error."));
    for (Keys.Key k : Keys.shipped()) {
      if (c.trainingKeys().contains(k.name()) && !names.contains(k.name())) {
        groups.computeIfAbsent(k.group(), g -> new ArrayList<>())
            .add(valued(k.name(), k.value(), k.meaning()));
      }
    }
    groups.values().forEach(list -> list.forEach(spec::addOption));
    String[] inputs = c.inputs();
    if (inputs != null) {
      spec.addPositional(CommandLine.Model.PositionalParamSpec.builder().paramLabel(inputs[0]).arity("0..*")
          .type(List.class).auxiliaryTypes(String.class).description(inputs[1]).build());
    }
    UsageMessageSpec usage = spec.usageMessage();
    usage.description(c.summary()).abbreviateSynopsis(true).optionListHeading("%nOptions:%n")
        .parameterListHeading("%nInputs:%n").sortOptions(false);
    if (!c.trainingKeys().isEmpty()) {
      usage.footer("%nThe defaults of the training keys are conf/train.properties'; --conf FILE layers a file over"
          + " them and --KEY VALUE (or --KEY=VALUE) overrides both.");
    }
    usage.sectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> optionList(help, groups));
    return spec;
  }

  /** The options group by group, in one layout so that their columns line up. */
  private static String optionList(Help help, Map<String, List<OptionSpec>> groups) {
    List<OptionSpec> all = groups.values().stream().flatMap(List::stream).toList();
    StringBuilder b = new StringBuilder();
    groups.forEach((heading, options) -> {
      if (!heading.isEmpty()) {
        b.append(String.format("%n%s:%n", heading));
      }
      Help.Layout layout = help.createDefaultLayout(all, List.of(), help.colorScheme());
      b.append(help.optionListExcludingGroups(options, layout, null, help.parameterLabelRenderer()));
    });
    return b.toString();
  }

  private static OptionSpec helpOption() {
    return OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build();
  }

  private static OptionSpec flag(String name, String meaning) {
    return OptionSpec.builder("--" + name).arity("0").type(boolean.class).description(meaning).build();
  }

  private static OptionSpec valued(String name, String defaultValue, String meaning) {
    // a list's commas get a space after them, where a narrow help may wrap it
    String shown = defaultValue.isEmpty() ? "empty" : defaultValue.replace(",", ", ");
    return OptionSpec.builder("--" + name).paramLabel(label(defaultValue)).type(String.class).arity("1")
        .description((meaning.isEmpty() ? "" : meaning + " ") + "(default: " + shown + ")").build();
  }

  /** The value's kind as the help names it: N for a whole number, X for a decimal one. */
  static String label(String defaultValue) {
    if (defaultValue.matches("-?\\d+")) {
      return "N";
    }
    if (defaultValue.matches("-?[\\d.]+([eE]-?\\d+)?")) {
      return "X";
    }
    return defaultValue.equals("true") || defaultValue.equals("false") ? "true|false" : "VALUE";
  }

  /** What the user gave, layered over the defaults and the --conf file. */
  static Settings settings(Command c, ParseResult r) {
    Map<String, String> given = new LinkedHashMap<>();
    Set<String> flags = new HashSet<>();
    String conf = null;
    for (OptionSpec o : r.matchedOptions()) {
      String name = o.longestName().substring(2);
      if (o.arity().max() == 0) {
        flags.add(name);
      } else if (name.equals("conf")) {
        conf = o.getValue();
      } else {
        given.put(name, o.getValue());
      }
    }
    Map<String, String> ownDefaults = new LinkedHashMap<>();
    c.options().stream().filter(o -> !o.isFlag()).forEach(o -> ownDefaults.put(o.name(), o.defaultValue()));
    List<String> inputs = r.matchedPositionalValue(0, List.<String>of());
    return Settings.layered(given, conf, ownDefaults, flags, inputs);
  }

  /** picocli's refusal in the project's words: the setting named, the nearest known one for a typo. */
  static UserError userError(ParameterException e) {
    CommandLine where = e.getCommandLine();
    String command = where.getCommandName();
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      List<String> unmatched = u.getUnmatched();
      if (where.getParent() == null) {
        return unknownCommand(unmatched.get(0), where);
      }
      String option = unmatched.stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
      if (option == null) {
        return new UserError(command + ": unexpected argument '" + unmatched.get(0) + "' (settings are --KEY VALUE; "
            + NAME + " " + command + " --help lists them)");
      }
      String key = option.replaceFirst("^-+", "").split("=", 2)[0];
      List<String> known = where.getCommandSpec().options().stream().map(o -> o.longestName().replaceFirst("^-+", ""))
          .toList();
      return Typos.unknown("--" + key, key, known, " (" + NAME + " " + command + " --help lists the settings)");
    }
    if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
        && m.getMissing().get(0) instanceof OptionSpec o) {
      return new UserError(o.longestName() + ": a value is missing");
    }
    java.util.regex.Matcher unknownCommand = java.util.regex.Pattern.compile("Unknown subcommand '(.*)'\\.")
        .matcher(e.getMessage());
    if (unknownCommand.matches()) { // help COMMAND
      return unknownCommand(unknownCommand.group(1), where.getParent() == null ? where : where.getParent());
    }
    return new UserError(command + ": " + e.getMessage());
  }

  private static UserError unknownCommand(String name, CommandLine top) {
    String near = Typos.nearest(name, top.getSubcommands().keySet());
    return new UserError("unknown command '" + name + "'" + (near != null ? " (did you mean " + near + "?)"
        : " (" + NAME + " --help lists the commands)"));
  }
}
