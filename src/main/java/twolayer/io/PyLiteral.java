package twolayer.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for the Python literal subset of .npy headers: dicts, tuples, lists, strings, ints,
 * True/False/None. Depth is capped so a hostile header cannot overflow the stack.
 */
final class PyLiteral {
  private final String s;
  private int p;

  private PyLiteral(String s) {
    this.s = s;
  }

  /**
   * The one value {@code s} holds: a Map for a dict, a List for a tuple or list, a String ("None" for
   * None), a Long or a Boolean.
   *
   * @throws IllegalArgumentException or IndexOutOfBoundsException if {@code s} is not one such literal
   */
  static Object parse(String s) {
    PyLiteral lit = new PyLiteral(s);
    Object v = lit.value(0);
    if (!lit.s.substring(lit.p).isBlank()) throw new IllegalArgumentException("trailing text");
    return v;
  }

  private Object value(int depth) {
    if (depth > 8) throw new IllegalArgumentException("nested too deeply");
    skip();
    char c = s.charAt(p);
    if (c == '{' || c == '(' || c == '[') return container(c, depth);
    if (c == '\'' || c == '"') {
      StringBuilder b = new StringBuilder();
      for (p++; s.charAt(p) != c; p++) b.append(s.charAt(p) == '\\' ? s.charAt(++p) : s.charAt(p));
      p++;
      return b.toString();
    }
    int start = p;
    while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '-')) p++;
    String w = s.substring(start, p);
    switch (w) {
      case "True": return Boolean.TRUE;
      case "False": return Boolean.FALSE;
      case "None": return "None";
      default: // ints, with the 'L' suffix of headers written by Python 2
        return Long.parseLong(w.endsWith("L") ? w.substring(0, w.length() - 1) : w);
    }
  }

  /** A dict, tuple or list opened by {@code c} at {@code p}. */
  private Object container(char c, int depth) {
    char close = c == '{' ? '}' : c == '(' ? ')' : ']';
    Map<Object, Object> map = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    p++;
    while (true) {
      skip();
      if (s.charAt(p) == close) break;
      Object v = value(depth + 1);
      if (c == '{') {
        skip();
        if (s.charAt(p++) != ':') throw new IllegalArgumentException("':' expected");
        if (map.put(v, value(depth + 1)) != null) throw new IllegalArgumentException("dup");
      } else {
        list.add(v);
      }
      skip();
      if (s.charAt(p) == ',') p++;
      else if (s.charAt(p) != close) throw new IllegalArgumentException("',' expected");
    }
    p++;
    return c == '{' ? map : list;
  }

  private void skip() {
    while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
  }
}
