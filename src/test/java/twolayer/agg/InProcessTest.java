package twolayer.agg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.apache.commons.lang3.SerializationException;
import org.apache.commons.lang3.SerializationUtils;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import twolayer.LocalSparkTest;

/** Tier 2/3: in-process references cross serialisation as the same object, other masters get a copy. */
class InProcessTest extends LocalSparkTest {
  @Test
  void aHandoffReadsBackAsTheSameObjectOnce() {
    long[] value = {1, 2, 3};
    byte[] bytes = SerializationUtils.serialize(InProcess.Ref.handoff(value, true, InProcess.newOwner(), 0, 0));
    assertTrue(bytes.length < 200, "a number, not the array: " + bytes.length + " bytes");
    InProcess.Ref<long[]> back = SerializationUtils.deserialize(bytes);
    assertSame(value, back.get());
    assertThrows(SerializationException.class, () -> SerializationUtils.deserialize(bytes), "read twice");
  }

  @Test
  void aSharedValueReadsBackWhileHeldAndOtherMastersGetACopy() {
    long[] value = new long[100_000];
    value[7] = 7;
    byte[] shared = SerializationUtils.serialize(InProcess.Ref.shared(value, true));
    assertTrue(shared.length < 200, shared.length + " bytes");
    InProcess.Ref<long[]> a = SerializationUtils.deserialize(shared), b = SerializationUtils.deserialize(shared);
    assertSame(value, a.get());
    assertSame(value, b.get(), "a broadcast may be read more than once");

    InProcess.Ref<long[]> copy = SerializationUtils.clone(InProcess.Ref.shared(value, false));
    assertNotSame(value, copy.get());
    assertArrayEquals(value, copy.get());
    InProcess.Ref<long[]> result = SerializationUtils.clone(InProcess.Ref.handoff(value, false, 1, 0, 0));
    assertArrayEquals(value, result.get());
  }

  @Test
  void localAggregationsLeaveNoHandoffBehind() {
    assertTrue(InProcess.local(sc.sc()));
    JavaRDD<Long> rdd = sc.parallelize(LongStream.rangeClosed(1, 100).boxed().toList(), 2);
    TreeAggregateTest.Acc sum = TreeAggregate.of(rdd, new TreeAggregateTest.Acc(), TreeAggregateTest.Acc::add,
        TreeAggregateTest.Acc::merge, 2);
    assertEquals(5050, sum.sum);
    assertEquals(0, InProcess.handoffsHeld());
    JavaRDD<Long> failing = sc.parallelize(List.of(1L, 2L, 3L), 2);
    assertThrows(Exception.class, () -> TreeAggregate.of(failing, new TreeAggregateTest.Acc(), (a, v) -> {
      if (v == 1L) {
        throw new IllegalStateException("partition 0 fails");
      }
      return a.add(v);
    }, TreeAggregateTest.Acc::merge, 2));
    assertEquals(0, InProcess.handoffsHeld(), "the other partition's result is dropped with its job");
  }

  @Test
  void localTasksReadTheSharedValueItselfAndItsClosureStaysSmall() {
    long[] value = new long[1_000_000]; // 8 MB: serialised into the closure it would show
    value[3] = 3;
    InProcess.Shared<long[]> shared = InProcess.share(sc, value);
    byte[] closure = SerializationUtils.serialize(shared);
    assertTrue(closure.length < 1000, closure.length + " bytes");
    JavaRDD<Long> rdd = sc.parallelize(List.of(1L, 2L, 3L, 4L), 2);
    int id = System.identityHashCode(value);
    List<Boolean> same = rdd.map(x -> System.identityHashCode(shared.get()) == id && shared.get()[3] == 3).collect();
    assertEquals(List.of(true, true, true, true), same);
    assertTrue(InProcess.sharedHeld(shared), "the tasks found it by its number");
    shared.release();
    assertFalse(InProcess.sharedHeld(shared), "released: its entry goes at once, not at the next sweep");
  }
}
