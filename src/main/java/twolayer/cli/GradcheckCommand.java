package twolayer.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import twolayer.model.GradCheck;
import twolayer.model.Shape;

/** {@code submit.sh gradcheck}: the analytic gradient against centred differences, on a small net. */
final class GradcheckCommand extends Command {
  GradcheckCommand() {
    super("gradcheck", "The analytic gradient against centred differences on a small net (D=7, H=10, C=4) in double"
        + " precision, without and with dropout 0.5 (one fixed mask); exit code 1 when an error is above 1e-7.");
  }

  @Override
  Set<String> trainingKeys() {
    return Set.of();
  }

  @Override
  int run(Settings settings, PrintStream out) {
    Shape s = new Shape(7, 10, 4);
    Map<String, Double> errors = GradCheck.run(s, 6, 0.1, 42), dropped = GradCheck.run(s, 6, 0.1, 42, 0.5);
    double worst = 0;
    for (Map.Entry<String, Double> e : errors.entrySet()) {
      double d = dropped.get(e.getKey());
      out.printf("%-3s max relative error %.3e, with dropout 0.5 %.3e%n", e.getKey(), e.getValue(), d);
      worst = Math.max(worst, Math.max(e.getValue(), d));
    }
    boolean ok = worst < 1e-7;
    out.println(ok ? "gradcheck passed (all below 1e-7)" : "gradcheck FAILED (above 1e-7)");
    return ok ? 0 : 1;
  }
}
