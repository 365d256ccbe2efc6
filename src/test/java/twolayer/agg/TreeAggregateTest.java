package twolayer.agg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import twolayer.LocalSparkTest;

/** Tier 3: TreeAggregate gives what Spark's treeAggregate gives, in one level and in a deeper tree. */
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

  @Test
  void sameSumAsSparkForOneLevelAndDeeperTrees() {
    List<Long> values = LongStream.rangeClosed(1, 1000).boxed().toList();
    for (int parts : new int[] {1, 2, 3, 5, 6, 16}) {
      JavaRDD<Long> rdd = sc.parallelize(values, parts);
      for (int depth : new int[] {1, 2, 3}) {
        Acc zero = new Acc();
        Acc mine = TreeAggregate.of(rdd, zero, Acc::add, Acc::merge, depth);
        Acc spark = rdd.treeAggregate(new Acc(), Acc::add, Acc::merge, depth);
        String where = parts + " partitions, depth " + depth;
        assertEquals(500_500, mine.sum, where);
        assertEquals(1000, mine.count, where);
        assertEquals(spark.sum, mine.sum, where);
        assertEquals(0, zero.sum, "the caller's zero value is left as it was: " + where);
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
    SparkException e = assertThrows(SparkException.class, () -> TreeAggregate.of(rdd, new Acc(), (a, v) -> {
      if (v == 3L) {
        throw new IllegalArgumentException("row 3 is bad");
      }
      return a.add(v);
    }, Acc::merge, 2));
    assertTrue(e.getMessage().contains("row 3 is bad"), e.getMessage());
  }
}
