package twolayer;

/**
 * A problem with what the user gave us (a file, a setting, a model): its message is one line that
 * names the input, says what is wrong and, where it helps, what to do. The CLI prints it and exits 2.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
