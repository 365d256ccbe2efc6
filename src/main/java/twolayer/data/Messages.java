package twolayer.data;

import java.io.IOException;

/** Exceptions as the few words that go into a one-line {@link twolayer.UserError}. */
final class Messages {
  private Messages() {}

  /** The message on one line; prefixed with the exception's class unless that is a plain IOException. */
  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").trim();
    boolean plain = e.getClass() == IOException.class || e instanceof TarGz.CorruptArchive;
    return plain && !m.isEmpty() ? m : e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
  }
}
