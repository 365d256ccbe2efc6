package twolayer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What {@code --version} prints: the project's version as Maven wrote it into the jar, and the runtime's. */
final class Version {
  private Version() {}

  static String[] lines() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // an unreadable file prints as an unknown version: --version must not fail
    }
    return new String[] {"twolayer-spark " + p.getProperty("version", "(version unknown)"),
        "built for Spark " + p.getProperty("spark", "?") + " (Scala " + p.getProperty("scala", "?") + ")",
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
  }
}
