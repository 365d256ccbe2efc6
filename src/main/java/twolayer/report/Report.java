package twolayer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import twolayer.UserError;
import twolayer.io.ModelFile;
import twolayer.model.Shape;

/**
 * {@code OUT/report.html} and its PNGs, made from a run's results only ({@code metrics.json} and
 * {@code model.npz}): loss, accuracy and learning rate curves, the first-layer weights as colour tiles,
 * the test confusion matrix. Opens from disk: no server, no script, no network.
 */
public final class Report {
  private Report() {}

  /** Writes the report of the run in {@code out}; returns the page's path. */
  public static Path write(Path out) {
    JsonNode m;
    try {
      m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    } catch (IOException e) {
      throw new UserError(out.resolve("metrics.json") + ": cannot be read (" + e.getMessage() + ")");
    }
    ModelFile model = ModelFile.load(out.resolve("model.npz"));
    List<String> images = new ArrayList<>();
    try {
      images.add(save(lossChart(m.get("history")), out, "loss"));
      images.add(save(accuracyChart(m.get("history")), out, "accuracy"));
      images.add(save(learningRateChart(m.get("history")), out, "learning_rate"));
      images.add(weightTiles(model, out));
      if (m.has("test_confusion")) {
        images.add(save(confusionChart(m.get("test_confusion"), m.get("class_names")), out, "confusion"));
      }
      Path page = out.resolve("report.html");
      Files.writeString(page, html(m, images), StandardCharsets.UTF_8);
      return page;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + out, e);
    }
  }

  static XYChart lossChart(JsonNode history) {
    List<Double> it = column(history, "iteration"), loss = column(history, "loss");
    XYChart c = new XYChartBuilder().width(800).height(420).title("Training loss (mini-batch, with regularisation)")
        .xAxisTitle("iteration").yAxisTitle("loss").build();
    XYSeries raw = c.addSeries("loss", it, loss);
    raw.setMarker(SeriesMarkers.NONE);
    if (window(loss.size()) > 1) { // a short run's curve is its own average
      raw.setLineWidth(0.6f);
      raw.setLineColor(new java.awt.Color(70, 110, 200, 110)); // light: the noise of a long run, under its trend
      XYSeries smooth = c.addSeries("smoothed (moving average of " + window(loss.size()) + ")", it, smooth(loss));
      smooth.setMarker(SeriesMarkers.NONE);
      smooth.setLineWidth(2.2f);
    }
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE); // the plot gets the chart's whole width
    iterationAxis(c, it, loss);
    return c;
  }

  /**
   * An iteration axis with ticks at round numbers, at any run length. XChart 3.8.8 puts the ticks of an x
   * axis whose values are all equally spaced (iterations 1..n are; so are epoch ends) on data points only
   * 1.1 label widths apart, so a long run's labels touch ("237296355414473"; knowm/XChart#731). One more x
   * value off that grid, half a step before the first, in a series that is neither drawn nor listed, makes
   * it an ordinary numeric axis, on which XChart picks a round step (1, 2 or 5 times a power of 10).
   */
  static void iterationAxis(XYChart c, List<Double> x, List<Double> y) {
    if (x.isEmpty()) {
      return;
    }
    double off = x.size() > 1 ? x.get(0) - (x.get(1) - x.get(0)) / 2 : 0; // one value: 0 and it make two ticks
    XYSeries grid = c.addSeries(" ", List.of(off), List.of(y.get(0))); // y within the data: the range stays
    grid.setMarker(SeriesMarkers.NONE);
    grid.setLineStyle(SeriesLines.NONE);
    grid.setShowInLegend(false);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisDecimalPattern("#,##0");
    c.getStyler().setXAxisTickMarkSpacingHint(100); // pixels per tick, about: labels up to "50,000" and more
  }

  /** One value of every history entry. */
  static List<Double> column(JsonNode history, String key) {
    List<Double> v = new ArrayList<>();
    for (JsonNode h : history) {
      v.add(h.get(key).asDouble());
    }
    return v;
  }

  static int window(int n) {
    return Math.max(1, n / 50);
  }

  /** Trailing moving average over {@code window(n)} points. */
  static List<Double> smooth(List<Double> v) {
    int w = window(v.size());
    List<Double> s = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < v.size(); i++) {
      sum += v.get(i);
      if (i >= w) {
        sum -= v.get(i - w);
      }
      s.add(sum / Math.min(i + 1, w));
    }
    return s;
  }

  static XYChart accuracyChart(JsonNode history) {
    List<Double> ep = new ArrayList<>(), tr = new ArrayList<>(), va = new ArrayList<>();
    for (JsonNode h : history) {
      if (h.has("val_accuracy")) {
        ep.add(h.get("iteration").asDouble());
        tr.add(h.get("train_accuracy").asDouble());
        va.add(h.get("val_accuracy").asDouble());
      }
    }
    XYChart c = new XYChartBuilder().width(800).height(420).title("Accuracy at each epoch end")
        .xAxisTitle("iteration").yAxisTitle("accuracy").build();
    if (!ep.isEmpty()) {
      XYSeries train = c.addSeries("train (fixed sample)", ep, tr), validation = c.addSeries("validation", ep, va);
      if (ep.size() > 40) { // markers of many epochs would cover the lines
        train.setMarker(SeriesMarkers.NONE);
        validation.setMarker(SeriesMarkers.NONE);
      }
      iterationAxis(c, ep, va);
    }
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    return c;
  }

  static XYChart learningRateChart(JsonNode history) {
    List<Double> it = column(history, "iteration"), lr = column(history, "learning_rate");
    XYChart c = new XYChartBuilder().width(800).height(300).title("Learning rate")
        .xAxisTitle("iteration").yAxisTitle("learning rate").build();
    c.addSeries("learning rate", it, lr).setMarker(SeriesMarkers.NONE);
    c.getStyler().setLegendVisible(false); // one series, named by the title
    iterationAxis(c, it, lr);
    return c;
  }

  /**
   * W1's columns as 32×32 colour images (CIFAR's 1024 R, 1024 G, 1024 B layout), each rescaled to 0-255
   * on its own, in a grid: the templates the hidden units learned, as CS231n shows them.
   */
  static String weightTiles(ModelFile model, Path out) throws IOException {
    Shape s = model.shape();
    int side = (int) Math.round(Math.sqrt(s.d() / 3.0));
    if (side * side * 3 != s.d()) {
      return null; // not square colour images: nothing to draw
    }
    int h = s.h(), cols = (int) Math.ceil(Math.sqrt(h)), rows = (h + cols - 1) / cols;
    int scale = 2, pad = 2, cell = side * scale + pad;
    BufferedImage img = new BufferedImage(cols * cell + pad, rows * cell + pad, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.dispose();
    double[] w = model.weights();
    int plane = side * side;
    for (int u = 0; u < h; u++) {
      double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
      for (int j = 0; j < s.d(); j++) {
        double v = w[s.w1() + j * h + u]; // W1 is D×H row-major: column u
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double range = max > min ? max - min : 1;
      int x0 = pad + (u % cols) * cell, y0 = pad + (u / cols) * cell;
      for (int p = 0; p < plane; p++) {
        int[] rgb = new int[3];
        for (int ch = 0; ch < 3; ch++) {
          rgb[ch] = (int) Math.round(255 * (w[s.w1() + (ch * plane + p) * h + u] - min) / range);
        }
        int color = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            img.setRGB(x0 + (p % side) * scale + dx, y0 + (p / side) * scale + dy, color);
          }
        }
      }
    }
    ImageIO.write(img, "png", out.resolve("weights.png").toFile());
    return "weights.png";
  }

  static HeatMapChart confusionChart(JsonNode confusion, JsonNode names) {
    int c = confusion.size();
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < c; k++) {
      labels.add(names != null && names.size() == c ? names.get(k).asText() : String.valueOf(k));
    }
    List<Number[]> heat = new ArrayList<>();
    for (int t = 0; t < c; t++) {
      for (int p = 0; p < c; p++) {
        heat.add(new Number[] {p, c - 1 - t, confusion.get(t).get(p).asLong()});
      }
    }
    List<String> yLabels = new ArrayList<>(labels);
    java.util.Collections.reverse(yLabels);
    HeatMapChart chart = new HeatMapChartBuilder().width(760).height(680).title("Test confusion matrix")
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setPlotContentSize(1);
    chart.getStyler().setAxisTickPadding(8); // the y names clear of the first column
    chart.addSeries("test", labels, yLabels, heat);
    // names wider than their column (CIFAR-10's are, side by side: "airplaneautomobile") are turned 45°;
    // a column is about 1/c of the chart less the y labels, the axis title and the colour scale (240 px)
    double column = (chart.getWidth() - 240.0) / c;
    java.awt.Font font = chart.getStyler().getAxisTickLabelsFont();
    java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
    double widest = labels.stream().mapToDouble(l -> font.getStringBounds(l, frc).getWidth()).max().orElse(0);
    if (widest > 0.9 * column) {
      chart.getStyler().setXAxisLabelRotation(45);
    }
    return chart;
  }

  private static String save(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path out, String name) throws IOException {
    BitmapEncoder.saveBitmap(c, out.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
    return name + ".png";
  }

  static String html(JsonNode m, List<String> images) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>twolayer-spark run</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td{overflow-wrap:anywhere}")
        .append("img{max-width:100%;display:block;margin:1em 0}</style></head><body>\n");
    b.append("<h1>twolayer-spark: training run</h1>\n");
    b.append("<h2>Result</h2>").append(table(m.get("final")));
    for (String img : images) {
      if (img != null) {
        b.append("<img src=\"").append(img).append("\" alt=\"").append(img.replace(".png", "")).append("\">\n");
        if (img.equals("weights.png")) { // the caption under its picture
          b.append("<p>First-layer weights: one tile per hidden unit, each rescaled to 0-255.</p>\n");
        }
      }
    }
    b.append("<h2>Timing</h2>").append(table(m.get("timing")));
    b.append("<h2>Environment</h2>").append(table(m.get("environment")));
    b.append("<h2>Configuration</h2>").append(table(m.get("config")));
    return b.append("</body></html>\n").toString();
  }

  static String table(JsonNode node) {
    StringBuilder b = new StringBuilder("<table>\n");
    if (node != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String v = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
        b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(v)).append("</td></tr>\n");
      }
    }
    return b.append("</table>\n").toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
