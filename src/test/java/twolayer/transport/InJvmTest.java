package twolayer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Tier 3: under a local master values cross Spark's serializer as numbers and read back as the same objects. */
class InJvmTest extends LocalSparkTest {
  @Test
  void aLocalMasterGetsTheInJvmTransport() {
    assertSame(InJvm.INSTANCE, Transport.of(sc));
  }

  @Test
  void aTaskResultReadsBackAsTheSameObjectOnce() {
    long[] value = {1, 2, 3};
    Object sent = InJvm.INSTANCE.send(value, 12345, 0, 0);
    byte[] bytes = SerializationUtils.serialize((java.io.Serializable) sent);
    assertTrue(bytes.length < 200, "a number, not the array: " + bytes.length + " bytes");
    assertSame(value, InJvm.INSTANCE.receive(SerializationUtils.deserialize(bytes)));
    assertThrows(SerializationException.class, () -> SerializationUtils.deserialize(bytes), "read twice");
  }

  @Test
  void tasksReadTheSharedValueItselfAndTheirClosureStaysSmall() {
    long[] value = new long[1_000_000]; // 8 MB: serialised into the closure it would show
    value[3] = 3;
    for (Shared<long[]> shared : List.of(Transport.of(sc).share(sc, value), Transport.of(sc).perJob(sc, value))) {
      byte[] closure = SerializationUtils.serialize(shared);
      assertTrue(closure.length < 1000, closure.length + " bytes");
      JavaRDD<Long> rdd = sc.parallelize(List.of(1L, 2L, 3L, 4L), 2);
      int id = System.identityHashCode(value);
      List<Boolean> same = rdd.map(x -> System.identityHashCode(shared.get()) == id && shared.get()[3] == 3).collect();
      assertEquals(List.of(true, true, true, true), same);
      assertTrue(InJvm.registered(shared), "the tasks found it by its number");
      shared.release();
      assertFalse(InJvm.registered(shared), "released: its entry goes at once, not at the next sweep");
    }
  }

  @Test
  void anObjectsTaskFormReadsBackAsItself() {
    java.util.ArrayList<Integer> big = new java.util.ArrayList<>(java.util.Collections.nCopies(10_000, 7));
    java.io.Serializable form = InJvm.INSTANCE.taskForm(big);
    byte[] bytes = SerializationUtils.serialize(form);
    assertTrue(bytes.length < 400, bytes.length + " bytes");
    assertSame(big, SerializationUtils.deserialize(bytes));
    assertSame(big, SerializationUtils.deserialize(SerializationUtils.serialize(form)), "read as often as tasks need");
  }

  @Test
  void aggregationsLeaveNoResultBehindEvenWhenATaskFails() {
    Transport transport = Transport.of(sc);
    JavaRDD<Long> rdd = sc.parallelize(LongStream.rangeClosed(1, 100).boxed().toList(), 2);
    TreeAggregateTest.Acc sum = transport.aggregate(rdd, new TreeAggregateTest.Acc(), TreeAggregateTest.Acc::add,
        TreeAggregateTest.Acc::merge, 2);
    assertEquals(5050, sum.sum);
    assertEquals(0, InJvm.handoffsHeld());
    JavaRDD<Long> failing = sc.parallelize(List.of(1L, 2L, 3L), 2);
    assertThrows(Exception.class, () -> transport.aggregate(failing, new TreeAggregateTest.Acc(), (a, v) -> {
      if (v == 1L) {
        throw new IllegalStateException("partition 0 fails");
      }
      return a.add(v);
    }, TreeAggregateTest.Acc::merge, 2));
    assertEquals(0, InJvm.handoffsHeld(), "the other partition's result is dropped with its job");
  }
}
