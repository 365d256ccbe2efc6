package twolayer.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** JSON output with the Jackson that Spark already ships, written atomically. */
public final class JsonFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonFiles() {}

  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code value} as JSON to a temporary file beside {@code file}, then renames it into place. */
  public static void write(Path file, Object value) {
    writeAtomically(file, toJson(value) + "\n");
  }

  /** Rows of maps as CSV with the given columns (a missing value is an empty cell), written atomically. */
  public static void writeCsv(Path file, java.util.List<java.util.Map<String, Object>> rows, java.util.List<String> columns) {
    StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
    for (java.util.Map<String, Object> r : rows) {
      for (int i = 0; i < columns.size(); i++) {
        Object v = r.get(columns.get(i));
        String cell = v == null ? "" : v.toString();
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
          cell = "\"" + cell.replace("\"", "\"\"") + "\"";
        }
        b.append(i > 0 ? "," : "").append(cell);
      }
      b.append('\n');
    }
    writeAtomically(file, b.toString());
  }

  static void writeAtomically(Path file, String text) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write", e);
    }
  }
}
