package twolayer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import twolayer.LocalSparkTest;

/**
 * Tier 3: the transport's aggregation gives what Spark's treeAggregate gives, in one level and in deeper
 * trees, and adds the partial sums in partition order whatever order the tasks finish in. Run under the
 * in-JVM transport here and under the serialised one by {@link SerializedTransportTest}.
 */
class TreeAggregateTest extends LocalSparkTest {
  /** A mutable sum, as the gradient sums are: merges change the left side. */
  static final class Acc implements Serializable {
    long sum;
    long count;

    Acc add(long v) {
      sum += v;
      count++;
      return this;
    }

    Acc merge(Acc o) {
      sum += o.sum;
      count += o.count;
      return this;
    }
  }

  /** The values folded in, in the order they were added: a merge that is not commutative. */
  static final class Trace implements Serializable {
    final List<Integer> order = new ArrayList<>();

    Trace add(int v) {
      order.add(v);
      return this;
    }

    Trace merge(Trace o) {
      order.addAll(o.order);
      return this;
    }
  }

  @Test
  void sameSumAsSparkForOneLevelAndDeeperTrees() {
    sameSumAsSpark(sc, Transport.of(sc));
  }

  @Test
  void partialSumsAreAddedInPartitionOrderWhateverOrderTheyArriveIn() {
    partitionOrder(sc, Transport.of(sc));
  }

  static void sameSumAsSpark(JavaSparkContext sc, Transport transport) {
    List<Long> values = LongStream.rangeClosed(1, 1000).boxed().toList();
    for (int parts : new int[] {1, 2, 3, 5, 6, 16}) {
      JavaRDD<Long> rdd = sc.parallelize(values, parts);
      for (int depth : new int[] {1, 2, 3}) {
        Acc zero = new Acc();
        Acc mine = transport.aggregate(rdd, zero, Acc::add, Acc::merge, depth);
        Acc spark = rdd.treeAggregate(new Acc(), Acc::add, Acc::merge, depth);
        String where = parts + " partitions, depth " + depth;
        assertEquals(500_500, mine.sum, where);
        assertEquals(1000, mine.count, where);
        assertEquals(spark.sum, mine.sum, where);
        assertEquals(0, zero.sum, "the caller's zero value is left as it was: " + where);
      }
    }
  }

  /** Partition p holds p; the lower partitions sleep longest, so they finish last. */
  static void partitionOrder(JavaSparkContext sc, Transport transport) {
    for (int parts : new int[] {2, 3, 4, 8, 16}) {
      JavaRDD<Integer> rdd = sc.parallelize(IntStream.range(0, parts).boxed().toList(), parts);
      for (int depth : new int[] {1, 2}) {
        Trace t = transport.aggregate(rdd, new Trace(), (acc, v) -> {
          Thread.sleep(3L * (parts - v));
          return acc.add(v);
        }, Trace::merge, depth);
        assertEquals(IntStream.range(0, parts).boxed().toList(), t.order, parts + " partitions, depth " + depth);
      }
    }
  }

  @Test
  void oneLevelFollowsSparksRule() {
    // Spark's treeAggregate adds a level while n > scale + ceil(n / scale), scale = max(ceil(n^(1/depth)), 2)
    assertTrue(TreeAggregate.oneLevel(2, 2));
    assertTrue(TreeAggregate.oneLevel(5, 2)); // scale 3: 5 <= 3 + 2
    assertFalse(TreeAggregate.oneLevel(6, 2)); // scale 3: 6 > 3 + 2
    assertTrue(TreeAggregate.oneLevel(100, 1)); // depth 1: the driver merges all
    assertFalse(TreeAggregate.oneLevel(16, 2));
  }

  @Test
  void aFailingTaskFailsTheJobWithItsMessage() {
    JavaRDD<Long> rdd = sc.parallelize(List.of(1L, 2L, 3L), 2);
    SparkException e = assertThrows(SparkException.class, () -> Transport.of(sc).aggregate(rdd, new Acc(), (a, v) -> {
      if (v == 3L) {
        throw new IllegalArgumentException("row 3 is bad");
      }
      return a.add(v);
    }, Acc::merge, 2));
    assertTrue(e.getMessage().contains("row 3 is bad"), e.getMessage());
  }

  @Test
  void theTimelineRecordsEachJob() {
    Timeline timeline = new Timeline();
    JavaRDD<Long> rdd = sc.parallelize(LongStream.rangeClosed(1, 10).boxed().toList(), 2);
    for (int i = 0; i < 3; i++) {
      Transport.of(sc).aggregate(rdd, null, new Acc(), Acc::add, Acc::merge, 2, timeline);
    }
    assertEquals(3, timeline.jobs());
    var ms = timeline.millisPer(3);
    assertTrue(ms.get("total") > 0 && ms.get("total") >= ms.get("slowest_task"), ms.toString());
  }
}
