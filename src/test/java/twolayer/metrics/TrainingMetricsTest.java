package twolayer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.TestData;
import twolayer.cli.Main;
import twolayer.data.CifarDataset;

/**
 * Tier 3: a real training run (the train command, local[2], generated data) shows in Spark's own metrics
 * sinks through the TrainingMetrics plugin: the Prometheus servlet on the driver's UI (loopback), read
 * while the application runs, has the gauges from the start and then the run's figures; the CSV sink's
 * last rows hold the run's final iteration, epoch, loss, accuracy and learning rate.
 */
class TrainingMetricsTest {
  @TempDir Path tmp;

  static final String PREFIX = "plugin.twolayer.metrics.TrainingMetrics.";
  static final int ITERATIONS = 60, PER_EPOCH = 10; // train-size 500, batch 50

  @Test
  void trainingGaugesReachSparksPrometheusServletAndCsvSink() throws Exception {
    assertEquals("127.0.0.1", System.getenv("SPARK_LOCAL_IP"), "the UI must listen on loopback only (the pom sets it)");
    Path data = TestData.tinyCifar(tmp.resolve("data"), 120, CifarDataset.CIFAR_D, 9);
    Path csv = Files.createDirectories(tmp.resolve("csv")), out = tmp.resolve("run");
    int port = freeLoopbackPort();
    Map<String, String> spark = new LinkedHashMap<>();
    spark.put("spark.plugins", TrainingMetrics.class.getName());
    spark.put("spark.ui.enabled", "true");
    spark.put("spark.ui.port", String.valueOf(port));
    spark.put("spark.port.maxRetries", "0"); // that port or fail: the poller below reads it
    spark.put("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet");
    spark.put("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus");
    spark.put("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink");
    spark.put("spark.metrics.conf.*.sink.csv.period", "1");
    spark.put("spark.metrics.conf.*.sink.csv.unit", "seconds");
    spark.put("spark.metrics.conf.*.sink.csv.directory", csv.toString());

    List<Map<String, Double>> scrapes = Collections.synchronizedList(new ArrayList<>());
    Poller poller = new Poller(URI.create("http://127.0.0.1:" + port + "/metrics/prometheus"), scrapes);
    spark.forEach(System::setProperty);
    try {
      poller.start();
      int code = Main.run(new String[] {"train", "--master", "local[2]", "--data", data.toString(), "--out",
          out.toString(), "--train-size", "500", "--val-size", "50", "--test-size", "60", "--hidden-size", "20",
          "--batch-size", "50", "--iterations", String.valueOf(ITERATIONS), "--learning-rate", "1e-3",
          "--init-std", "1e-2", "--log-every", "100", "--train-eval-size", "50"},
          new PrintStream(OutputStream.nullOutputStream()), System.err);
      assertEquals(0, code);
    } finally {
      poller.stop = true;
      poller.join();
      spark.keySet().forEach(System::clearProperty);
    }
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    double loss = m.at("/final/loss").asDouble(), val = m.at("/final/val_accuracy").asDouble();
    double train = m.at("/final/train_accuracy").asDouble();
    double lr = m.at("/history/" + (ITERATIONS - 1) + "/learning_rate").asDouble();

    // Prometheus: every gauge from the first scrape on, and the run's figures while it ran. The first
    // scrape may already show iteration 1: the servlet comes up with the context, and the tiny run's
    // first iteration can end before the poller's next 50 ms tick (seen once in CI)
    assertFalse(scrapes.isEmpty(), "no scrape of the driver's /metrics/prometheus succeeded");
    assertEquals(TrainingMetrics.GAUGES.keySet(), scrapes.get(0).keySet(), "the first scrape: " + scrapes.get(0));
    assertTrue(scrapes.stream().anyMatch(s -> s.get("iteration") > 0 && s.get("iteration") < ITERATIONS),
        "no scrape while training: " + scrapes.size() + " scrapes");
    assertTrue(scrapes.stream().anyMatch(s -> s.get("iteration") == ITERATIONS && s.get("loss") == loss
        && s.get("valAccuracy") == val && s.get("learningRate") == lr
        && s.get("epoch") == ITERATIONS / PER_EPOCH && s.get("iterations") == ITERATIONS
        && s.get("examplesPerSecond") > 0), "no scrape shows the finished run (loss " + loss + "): " + last(scrapes));

    // CSV: a file per gauge, its last row the run's end (the sink reports once more when Spark stops)
    Map<String, Double> rows = lastCsvRows(csv);
    assertEquals(TrainingMetrics.GAUGES.keySet(), rows.keySet());
    assertEquals(ITERATIONS, rows.get("iteration"));
    assertEquals(ITERATIONS / PER_EPOCH, rows.get("epoch"));
    assertEquals(loss, rows.get("loss"));
    assertEquals(train, rows.get("trainAccuracy"));
    assertEquals(val, rows.get("valAccuracy"));
    assertEquals(lr, rows.get("learningRate"));
    assertTrue(rows.get("examplesPerSecond") > 0);
  }

  /** Scrapes the endpoint every 50 ms while training runs, keeping this plugin's gauges of each scrape. */
  static final class Poller extends Thread {
    static final Pattern GAUGE = Pattern.compile(
        "^\\S*" + Pattern.quote(PREFIX.replaceAll("[^a-zA-Z0-9]", "_")) + "([A-Za-z]+)_\\w*\\{type=\"gauges\"\\} (\\S+)$",
        Pattern.MULTILINE);
    final URI uri;
    final List<Map<String, Double>> scrapes;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NORMAL).build(); // Spark's UI adds the path's trailing slash
    volatile boolean stop;

    Poller(URI uri, List<Map<String, Double>> scrapes) {
      this.uri = uri;
      this.scrapes = scrapes;
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stop) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
          Map<String, Double> gauges = new LinkedHashMap<>();
          Matcher g = GAUGE.matcher(r.body());
          while (g.find()) {
            gauges.put(g.group(1), Double.parseDouble(g.group(2)));
          }
          if (r.statusCode() == 200 && !gauges.isEmpty()) {
            scrapes.add(gauges);
          }
        } catch (IOException e) {
          // not up yet, or gone
        } catch (InterruptedException e) {
          return;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Gauge name → value of the last row of its CSV file ({@code <app id>.driver.<prefix><gauge>.csv}). */
  static Map<String, Double> lastCsvRows(Path dir) throws IOException {
    Map<String, Double> rows = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        int at = name.indexOf(PREFIX);
        if (at >= 0 && name.endsWith(".csv")) {
          List<String> lines = Files.readAllLines(f);
          assertEquals("t,value", lines.get(0), name);
          assertTrue(lines.size() >= 2, name + " has no row");
          String last = lines.get(lines.size() - 1);
          rows.put(name.substring(at + PREFIX.length(), name.length() - 4),
              Double.parseDouble(last.substring(last.indexOf(',') + 1)));
        }
      }
    }
    return rows;
  }

  static Map<String, Double> last(List<Map<String, Double>> scrapes) {
    return scrapes.isEmpty() ? Map.of() : scrapes.get(scrapes.size() - 1);
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
