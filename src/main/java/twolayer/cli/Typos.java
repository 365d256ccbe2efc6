package twolayer.cli;

import java.util.Collection;
import twolayer.UserError;

/** Unknown names and the known name a typo most likely meant (by edit distance). */
final class Typos {
  private Typos() {}

  /** What an unknown key's error adds when no known key is near it. */
  static final String KNOWN_KEYS = " (known keys: see conf/train.properties)";

  /** An unknown key named where it was found, with the nearest known key when it looks like a typo of it. */
  static UserError unknown(String where, String key, Collection<String> known, String otherwise) {
    String best = nearest(key, known);
    return new UserError(where + ": unknown setting" + (best != null ? " (did you mean --" + best + "?)" : otherwise));
  }

  /** The name in {@code known} nearest to {@code name} when it is near enough to be a typo of it, else null. */
  static String nearest(String name, Collection<String> known) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String k : known) {
      int dist = editDistance(name, k);
      if (dist < bestDist) {
        best = k;
        bestDist = dist;
      }
    }
    return best != null && bestDist <= Math.max(2, name.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
