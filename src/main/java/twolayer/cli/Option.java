package twolayer.cli;

/**
 * An option a command takes besides the training keys: a flag, or a key with its default and meaning.
 * A command's own option of the same name as a training key stands for it in that command's help.
 *
 * @param defaultValue what the command uses when the key is not given ("" for nothing; null for a flag)
 */
record Option(String name, String defaultValue, String meaning) {
  static Option flag(String name, String meaning) {
    return new Option(name, null, meaning);
  }

  static Option value(String name, String defaultValue, String meaning) {
    return new Option(name, defaultValue, meaning);
  }

  boolean isFlag() {
    return defaultValue == null;
  }
}
