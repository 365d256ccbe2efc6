package twolayer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.chartpart.XAxisTicks;
import org.knowm.xchart.style.AxesChartStyler;

/**
 * Tier 1: the report's charts read well at any run length. Their x-axis labels, as XChart placed them,
 * leave a gap between neighbours (side by side, or along the slant when turned), for runs of 5 to
 * 50,000 iterations; and the report of a 50,000-iteration history is written.
 */
class ReportTest {
  @TempDir Path tmp;

  /** Gap in pixels the labels must leave between them. */
  static final double GAP = 4;

  @Test
  void iterationAxesHaveRoundTicksWhoseLabelsDoNotTouchAtAnyRunLength() throws Exception {
    for (int n : new int[] {5, 50, 1000, 7_350, 50_000}) {
      Path dir = Files.createDirectories(tmp.resolve("run" + n));
      SyntheticRun.write(dir, n, Math.max(1, n / 20), n);
      JsonNode history = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile()).get("history");
      for (Chart<?, ?> c : List.<Chart<?, ?>>of(Report.lossChart(history), Report.accuracyChart(history),
          Report.learningRateChart(history))) {
        List<String> labels = assertLabelsApart(c, n + " iterations, " + c.getTitle());
        assertTrue(labels.size() >= 2 && labels.size() <= 12, n + ": " + labels);
        for (String l : labels) {
          assertTrue(l.matches("[0-9]{1,3}(,[0-9]{3})*"), n + ": '" + l + "' is not a round whole number");
        }
      }
    }
  }

  @Test
  void classNamesOfTheConfusionMatrixFitTheirColumns() throws Exception {
    SyntheticRun.write(tmp, 50, 10, 3);
    JsonNode m = new ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
    Chart<?, ?> named = Report.confusionChart(m.get("test_confusion"), m.get("class_names"));
    assertEquals(SyntheticRun.CIFAR_NAMES, assertLabelsApart(named, "CIFAR-10 names"));
    Chart<?, ?> numbered = Report.confusionChart(m.get("test_confusion"), null);
    assertEquals(0, ((AxesChartStyler) numbered.getStyler()).getXAxisLabelRotation(), "digits fit unturned");
    assertLabelsApart(numbered, "class numbers");
  }

  @Test
  void aFiftyThousandIterationRunGetsItsReport() throws Exception {
    SyntheticRun.write(tmp, 50_000, 245, 5);
    Path page = Report.write(tmp);
    String html = Files.readString(page);
    for (String png : List.of("loss.png", "accuracy.png", "learning_rate.png", "weights.png", "confusion.png")) {
      assertTrue(html.contains("<img src=\"" + png + "\""), png);
      assertTrue(javax.imageio.ImageIO.read(tmp.resolve(png).toFile()).getWidth() > 100, png);
    }
    assertFalse(html.contains("<script"), "opens offline");
  }

  /**
   * Paints {@code c} and checks that neighbouring x labels leave {@link #GAP} pixels: side by side their
   * half widths, turned by θ the distance between their slanted baselines (spacing·sin θ) their height.
   */
  static List<String> assertLabelsApart(Chart<?, ?> c, String what) {
    BitmapEncoder.getBufferedImage(c);
    AxesChartStyler st = (AxesChartStyler) c.getStyler();
    List<XAxisTicks.Tick> ticks = XAxisTicks.of(c);
    Font font = st.getAxisTickLabelsFont();
    FontRenderContext frc = new FontRenderContext(null, true, true);
    double theta = Math.toRadians(st.getXAxisLabelRotation());
    for (int i = 1; i < ticks.size(); i++) {
      XAxisTicks.Tick left = ticks.get(i - 1), right = ticks.get(i);
      Rectangle2D a = font.getStringBounds(left.label(), frc), b = font.getStringBounds(right.label(), frc);
      double spacing = right.at() - left.at();
      double needed = theta == 0 ? (a.getWidth() + b.getWidth()) / 2 : a.getHeight() / Math.sin(theta);
      assertTrue(spacing >= needed + GAP, what + ": '" + left.label() + "' and '" + right.label() + "' are "
          + spacing + " px apart, need " + (needed + GAP) + " (" + ticks + ")");
    }
    return ticks.stream().map(XAxisTicks.Tick::label).toList();
  }
}
