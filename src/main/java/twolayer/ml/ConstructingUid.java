package twolayer.ml;

/**
 * The uid of a Spark ML stage while it is being constructed. Spark's Scala parents create their params
 * (featuresCol, ...) in their own constructors and ask the stage for its uid then, before a Java
 * subclass has set any field: the subclass stashes the uid here first and answers from it until then.
 */
final class ConstructingUid {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private ConstructingUid() {}

  /** Call as the argument of {@code this(...)}, so it runs before the parent constructors. */
  static String stash(String uid) {
    CURRENT.set(uid);
    return uid;
  }

  /** {@code uid} once the subclass has set it, the stashed one before. */
  static String or(String uid) {
    return uid != null ? uid : CURRENT.get();
  }

  static void clear() {
    CURRENT.remove();
  }
}
