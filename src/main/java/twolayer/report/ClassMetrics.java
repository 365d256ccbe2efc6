package twolayer.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-class figures from a confusion matrix (row = true class, column = predicted). */
public final class ClassMetrics {
  private ClassMetrics() {}

  /** Precision, recall and per-class accuracy (= recall: right among that class's examples), per class. */
  public static List<Map<String, Object>> of(long[] confusion, List<String> names) {
    int c = names.size();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int k = 0; k < c; k++) {
      long tp = confusion[k * c + k], predicted = 0, actual = 0;
      for (int j = 0; j < c; j++) {
        predicted += confusion[j * c + k];
        actual += confusion[k * c + j];
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class", names.get(k));
      m.put("examples", actual);
      m.put("precision", predicted == 0 ? 0.0 : (double) tp / predicted);
      m.put("recall", actual == 0 ? 0.0 : (double) tp / actual);
      m.put("accuracy", actual == 0 ? 0.0 : (double) tp / actual);
      out.add(m);
    }
    return out;
  }

  /** The confusion matrix as rows of counts. */
  public static List<List<Long>> rows(long[] confusion, int c) {
    List<List<Long>> rows = new ArrayList<>();
    for (int t = 0; t < c; t++) {
      List<Long> r = new ArrayList<>();
      for (int p = 0; p < c; p++) {
        r.add(confusion[t * c + p]);
      }
      rows.add(r);
    }
    return rows;
  }

  /** A text table of per-class figures and the confusion matrix. */
  public static String text(long[] confusion, List<String> names) {
    int c = names.size();
    StringBuilder b = new StringBuilder(String.format("%-12s %8s %9s %7s %8s%n", "class", "examples", "precision", "recall", "accuracy"));
    for (Map<String, Object> m : of(confusion, names)) {
      b.append(String.format("%-12s %8d %9.4f %7.4f %8.4f%n", m.get("class"), m.get("examples"), m.get("precision"),
          m.get("recall"), m.get("accuracy")));
    }
    b.append("confusion (rows: true class, columns: predicted)\n").append(String.format("%-12s", ""));
    for (int p = 0; p < c; p++) {
      b.append(String.format(" %6.6s", names.get(p)));
    }
    b.append('\n');
    for (int t = 0; t < c; t++) {
      b.append(String.format("%-12s", names.get(t)));
      for (int p = 0; p < c; p++) {
        b.append(String.format(" %6d", confusion[t * c + p]));
      }
      b.append('\n');
    }
    return b.toString();
  }
}
