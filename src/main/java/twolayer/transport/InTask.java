package twolayer.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;

/**
 * A value for the tasks of one job that rides in the tasks themselves: serialised once on the driver,
 * its bytes are part of each task's partition, which Spark sends with the task's launch. A broadcast
 * instead costs each executor, after its task has started, a location lookup, a block fetch and a
 * block report to the driver, and the driver a destroy: messages between JVMs, about 1 ms each on a
 * loaded machine. Every task carries its own copy, though, and each copy crosses Java serialisation
 * several times on its way (task, launch message, task again, value): for a large value one copy per
 * executor wins ({@link DriverBlock}; see {@link Serialized#perJob}). The job must run over
 * {@link #carriedBy}'s RDD; a task of any other job cannot read it.
 */
final class InTask<T> implements Shared<T> {
  private static final AtomicLong NEXT = new AtomicLong();
  // task attempt → the value its partition carried, while the task runs
  private static final ConcurrentHashMap<Long, Arrived> ARRIVED = new ConcurrentHashMap<>();

  private final long id;
  private transient T value; // on the driver
  private transient byte[] bytes; // on the driver: the value serialised, once

  /** {@code value} and its bytes in Spark's serializer. */
  InTask(T value, byte[] bytes) {
    this.id = NEXT.incrementAndGet();
    this.value = value;
    this.bytes = bytes;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get() {
    if (value != null) {
      return value;
    }
    TaskContext context = TaskContext.get();
    Arrived a = context == null ? null : ARRIVED.get(context.taskAttemptId());
    if (a == null || a.id != id) {
      throw new IllegalStateException("a per-job value read by a task of another job (run the job over carriedBy's RDD)");
    }
    return (T) a.value;
  }

  @Override
  public void release() {
    value = null;
    bytes = null;
  }

  /** {@code rdd} with this value in each of its tasks. */
  <R> JavaRDD<R> carriedBy(JavaRDD<R> rdd) {
    if (bytes == null) {
      throw new IllegalStateException("a per-job value used after its release");
    }
    return new JavaRDD<>(new Carrying<>(rdd.rdd(), id, bytes), rdd.classTag());
  }

  private record Arrived(long id, Object value) {}

  /** One partition of the parent, with the value's bytes. */
  private record Carried(int index, Partition parent, long id, byte[] bytes) implements Partition {
    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o == this;
    }
  }

  /**
   * The parent's rows, one task per parent partition (its cached blocks stay where they are: Spark looks
   * through a one-to-one dependency for them), each task with the value.
   */
  private static final class Carrying<R> extends RDD<R> {
    private final long id;
    private final transient byte[] bytes; // in the partitions only: the RDD itself is in every task

    Carrying(RDD<R> parent, long id, byte[] bytes) {
      super(parent, parent.elementClassTag());
      this.id = id;
      this.bytes = bytes;
    }

    @Override
    public Partition[] getPartitions() {
      Partition[] parents = firstParent(elementClassTag()).partitions();
      Partition[] mine = new Partition[parents.length];
      for (int i = 0; i < mine.length; i++) {
        mine[i] = new Carried(i, parents[i], id, bytes);
      }
      return mine;
    }

    @Override
    public Iterator<R> compute(Partition split, TaskContext context) {
      Carried c = (Carried) split;
      Object v = Bytes.read(ByteBuffer.wrap(c.bytes()));
      long attempt = context.taskAttemptId();
      ARRIVED.put(attempt, new Arrived(c.id(), v));
      context.addTaskCompletionListener(new Forget(attempt));
      RDD<R> parent = firstParent(elementClassTag());
      return parent.iterator(c.parent(), context);
    }
  }

  /** A task's value goes when the task ends. */
  private record Forget(long attempt) implements org.apache.spark.util.TaskCompletionListener {
    @Override
    public void onTaskCompletion(TaskContext context) {
      ARRIVED.remove(attempt);
    }
  }
}
