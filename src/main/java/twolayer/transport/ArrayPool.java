package twolayer.transport;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Float arrays of partial sums that the driver is done with, for the next iteration's tasks in the same
 * JVM ({@link InJvm#done}: a local master's executors are its threads). A 6 MB sum at H=500
 * allocated fresh in every task is a humongous object for G1, zeroed before the kernel overwrites it
 * anyway (measured at 1000 rows: 0.6-4 ms of the task). An array is here only while no one holds it:
 * a task takes it out, the driver gives it back once the update has read it. Bounded, and emptied when
 * a training loop ends ({@link #clear}).
 */
public final class ArrayPool {
  static final int MAX = 16;
  private static final ArrayDeque<float[]> FREE = new ArrayDeque<>();

  private ArrayPool() {}

  /** An array of {@code min} to {@code max} floats (contents arbitrary), or a new zeroed one of {@code min}. */
  public static float[] take(int min, int max) {
    synchronized (FREE) {
      for (Iterator<float[]> it = FREE.iterator(); it.hasNext(); ) {
        float[] a = it.next();
        if (a.length >= min && a.length <= max) {
          it.remove();
          return a;
        }
      }
    }
    return new float[min];
  }

  public static void give(float[] a) {
    synchronized (FREE) {
      if (a != null && a.length > 0 && FREE.size() < MAX) {
        FREE.push(a);
      }
    }
  }

  /** Drops the arrays waiting: a training loop that ends leaves no megabytes behind in a long-lived JVM. */
  public static void clear() {
    synchronized (FREE) {
      FREE.clear();
    }
  }

  /** Arrays waiting (tests). */
  public static int free() {
    synchronized (FREE) {
      return FREE.size();
    }
  }
}
