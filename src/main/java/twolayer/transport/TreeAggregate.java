package twolayer.transport;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.lang3.SerializationUtils;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.Range$;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Spark's {@code treeAggregate} with the partial sums added in partition order, whatever order the tasks
 * finish in, so that the result does not depend on timing or on the master (float addition is not
 * associative). With few partitions (at depth 2: up to 5; Spark's own rule) the tree has one level: a
 * single job whose tasks fold their rows and whose partial sums the driver merges as they arrive, each
 * as soon as those of the partitions before it are in. The job is run through
 * {@code SparkContext.runJob} with named functions: {@code RDD.treeAggregate} builds a new RDD per call
 * and cleans four Scala closures, whose cleaner parses {@code RDD.class} with ASM each time (measured
 * in local[2] over two cached partitions: 12 ms per call against 4.7 ms). Deeper trees add a shuffle
 * level per extra level, each group of partial sums merged in partition order.
 */
final class TreeAggregate {
  private static final AtomicLong JOBS = new AtomicLong();

  private TreeAggregate() {}

  static <T, U extends Serializable> U of(Transport transport, JavaRDD<T> rdd, Shared<?> value, U zero,
      Function2<U, T, U> seqOp, Function2<U, U, U> combOp, int depth, Timeline timeline) {
    if (value instanceof InTask<?> carried) {
      rdd = carried.carriedBy(rdd);
    }
    int n = rdd.getNumPartitions();
    if (n == 0) {
      return SerializationUtils.clone(zero);
    }
    if (oneLevel(n, depth)) {
      return lastLevel(transport, rdd, new Fold<>(zero, seqOp), combOp, zero, timeline);
    }
    // levels of shuffles, as Spark's treeAggregate, down to a number of partial sums the driver merges
    int scale = scale(n, depth);
    JavaRDD<U> partial = rdd.mapPartitions(new FoldPartition<>(zero, seqOp));
    int parts = n;
    while (parts > scale + (parts + scale - 1) / scale) {
      int groups = (parts + scale - 1) / scale;
      final int per = scale;
      partial = partial.mapPartitionsWithIndex((i, it) -> it.hasNext()
              ? java.util.List.of(new Tuple2<>(i / per, new Tuple2<>(i, it.next()))).iterator()
              : java.util.Collections.<Tuple2<Integer, Tuple2<Integer, U>>>emptyIterator(), true)
          .mapToPair(t -> t)
          .groupByKey(new HashPartitioner(groups)) // key g < groups goes to partition g
          .map(new MergeGroup<>(combOp));
      parts = groups;
    }
    return lastLevel(transport, partial, new Fold<>(zero, combOp), combOp, zero, timeline);
  }

  /** One job over {@code rdd}: each task folds its partition, the driver merges the results in partition order. */
  private static <T, U extends Serializable> U lastLevel(Transport transport, JavaRDD<T> rdd, Fold<T, U> fold,
      Function2<U, U, U> combOp, U zero, Timeline timeline) {
    int n = rdd.getNumPartitions();
    long job = JOBS.incrementAndGet() & 0x7FFFFFFFL;
    fold.transport = transport;
    fold.job = job;
    // the driver's sum starts from its own copy: the zero in the task function must stay as it was
    Merge<U> merge = new Merge<>(transport, combOp, SerializationUtils.clone(zero), n);
    long submitted = System.nanoTime();
    try {
      rdd.context().runJob(rdd.rdd(), fold, Range$.MODULE$.apply(0, n), merge, ClassTag$.MODULE$.apply(Object.class));
    } finally {
      transport.forget(job);
    }
    if (timeline != null) {
      timeline.add(submitted, merge.foldStart, merge.foldEnd, merge.received, merge.mergeNanos, System.nanoTime());
    }
    return merge.result;
  }

  /** Spark's treeAggregate merges n partial sums on the driver in one level when this holds (its own rule). */
  static boolean oneLevel(int n, int depth) {
    int scale = scale(n, depth);
    return n <= scale + (n + scale - 1) / scale;
  }

  private static int scale(int n, int depth) {
    return Math.max((int) Math.ceil(Math.pow(n, 1.0 / depth)), 2);
  }

  /** What a task sends back: its partial sum as the transport sends it, and when its fold began and ended. */
  record Partial(Object sent, long start, long end) implements Serializable {}

  /** One partition's partial sum: its rows folded into the zero value (each task deserialises its own copy). */
  private static final class Fold<T, U> extends AbstractFunction2<TaskContext, Iterator<T>, Partial>
      implements Serializable {
    private final U zero;
    private final Function2<U, T, U> seqOp;
    Transport transport;
    long job;

    Fold(U zero, Function2<U, T, U> seqOp) {
      this.zero = zero;
      this.seqOp = seqOp;
    }

    @Override
    public Partial apply(TaskContext context, Iterator<T> rows) {
      long start = System.nanoTime();
      U acc = fold(zero, seqOp, rows);
      return new Partial(transport.send(acc, job, context.partitionId(), context.attemptNumber()), start,
          System.nanoTime());
    }
  }

  static <T, U> U fold(U zero, Function2<U, T, U> seqOp, Iterator<T> rows) {
    U acc = zero;
    try {
      while (rows.hasNext()) {
        acc = seqOp.call(acc, rows.next());
      }
    } catch (Exception e) {
      throw unchecked(e);
    }
    return acc;
  }

  /** A deeper tree's first level: each partition becomes its partial sum. */
  private static final class FoldPartition<T, U>
      implements org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<T>, U> {
    private final U zero;
    private final Function2<U, T, U> seqOp;

    FoldPartition(U zero, Function2<U, T, U> seqOp) {
      this.zero = zero;
      this.seqOp = seqOp;
    }

    @Override
    public java.util.Iterator<U> call(java.util.Iterator<T> rows) throws Exception {
      U acc = zero;
      while (rows.hasNext()) {
        acc = seqOp.call(acc, rows.next());
      }
      return List.of(acc).iterator();
    }
  }

  /** A group of partial sums, merged in the order of the partitions they came from. */
  private static final class MergeGroup<U>
      implements org.apache.spark.api.java.function.Function<Tuple2<Integer, Iterable<Tuple2<Integer, U>>>, U> {
    private final Function2<U, U, U> combOp;

    MergeGroup(Function2<U, U, U> combOp) {
      this.combOp = combOp;
    }

    @Override
    public U call(Tuple2<Integer, Iterable<Tuple2<Integer, U>>> group) throws Exception {
      List<Tuple2<Integer, U>> parts = new ArrayList<>();
      group._2().forEach(parts::add);
      parts.sort(Comparator.comparing(Tuple2::_1));
      U acc = parts.get(0)._2();
      for (int k = 1; k < parts.size(); k++) {
        acc = combOp.call(acc, parts.get(k)._2());
      }
      return acc;
    }
  }

  /**
   * Merges the partial sums on the driver (Spark calls it from one thread as tasks finish): each in
   * partition order, as soon as the partitions before it are in.
   */
  private static final class Merge<U> extends AbstractFunction2<Object, Partial, BoxedUnit> {
    private final Transport transport;
    private final Function2<U, U, U> combOp;
    private final Object[] waiting;
    private int next;
    final long[] foldStart, foldEnd, received;
    long mergeNanos;
    U result;

    Merge(Transport transport, Function2<U, U, U> combOp, U zero, int n) {
      this.transport = transport;
      this.combOp = combOp;
      this.result = zero;
      this.waiting = new Object[n];
      this.foldStart = new long[n];
      this.foldEnd = new long[n];
      this.received = new long[n];
    }

    @Override
    @SuppressWarnings("unchecked")
    public BoxedUnit apply(Object index, Partial partial) {
      int p = (Integer) index;
      long t0 = System.nanoTime();
      received[p] = t0;
      foldStart[p] = partial.start();
      foldEnd[p] = partial.end();
      waiting[p] = transport.receive(partial.sent());
      try {
        for (; next < waiting.length && waiting[next] != null; next++) {
          result = combOp.call(result, (U) waiting[next]);
          waiting[next] = null;
        }
      } catch (Exception e) {
        throw unchecked(e); // Spark fails the job with it, as it does when fold's merge throws
      }
      mergeNanos += System.nanoTime() - t0;
      return BoxedUnit.UNIT;
    }
  }

  private static RuntimeException unchecked(Exception e) {
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }
}
