package twolayer.transport;

import java.io.Serializable;

/**
 * A value that tasks read, made by a {@link Transport}: the driver keeps it until {@link #release}, after
 * the jobs that read it. Tasks capture the handle in their closure and call {@link #get}.
 */
public interface Shared<T> extends Serializable {
  /** The value: on the driver, and in a task. */
  T get();

  /** Lets the value go (a broadcast is destroyed); no task may read it afterwards. */
  void release();
}
