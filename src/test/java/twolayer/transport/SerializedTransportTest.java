package twolayer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 3: the transport of a cluster, forced under local[2] ({@value Transport#KEY}=serialized): values
 * and partial sums are copies that crossed Spark's serializer, as they are between JVMs.
 */
class SerializedTransportTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("SerializedTransportTest")
        .set("spark.ui.enabled", "false").set(Transport.KEY, "serialized");
    Transport.configure(conf);
    sc = new JavaSparkContext(conf);
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  @Test
  void theSettingChoosesTheTransport() {
    assertSame(Serialized.INSTANCE, Transport.of(sc));
    assertSame(Serialized.INSTANCE, Transport.of(new SparkConf().setMaster("spark://127.0.0.1:7077")));
    assertSame(Serialized.INSTANCE, Transport.of(new SparkConf().setMaster("local-cluster[2,1,1024]")));
    assertSame(InJvm.INSTANCE, Transport.of(new SparkConf().setMaster("local[*]")));
    assertSame(InJvm.INSTANCE, Transport.of(new SparkConf().setMaster("local")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Transport.of(new SparkConf().setMaster("local").set(Transport.KEY, "fast")));
    assertEquals(Transport.KEY + ": 'fast' is not one of auto, serialized", e.getMessage());
    assertEquals("false", sc.getConf().get("spark.broadcast.compress"), "configured for the serialised path");
    assertEquals("false", sc.getConf().get("spark.broadcast.checksum"));
  }

  /** A local master's executor is the driver's own: nothing to wait for (on a cluster: StandaloneClusterTest). */
  @Test
  void noWaitForExecutorsUnderALocalMaster() {
    assertEquals(1, Executors.await(sc));
  }

  @Test
  void tasksReadTheValuesAndResultsComeBackThroughTheSerializer() {
    long[] value = {1, 2, 3};
    Transport transport = Transport.of(sc);
    Shared<long[]> shared = transport.share(sc, value);
    JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2, 3, 4), 2);
    assertEquals(List.of(3L, 3L, 3L, 3L), rdd.map(x -> shared.get()[2]).collect());
    shared.release();
    assertSame(value, transport.receive(transport.send(value, 1, 0, 0)), "a result is itself: Spark serialises it");
    java.util.ArrayList<Integer> self = new java.util.ArrayList<>(List.of(1));
    assertSame(self, transport.taskForm(self));
    TreeAggregateTest.Acc sum = transport.aggregate(sc.parallelize(List.of(1L, 2L, 3L), 2),
        new TreeAggregateTest.Acc(), TreeAggregateTest.Acc::add, TreeAggregateTest.Acc::merge, 2);
    assertEquals(6, sum.sum);
  }

  /**
   * A file of the driver's machine reaches the tasks through the driver's file server (the executors'
   * machines may not have it; DataOnTheDriverOnlyTest hides it from them): ranges of it read back exactly,
   * in the tasks as on the driver, with a name that needs escaping; the server gives that file and not the
   * others of its folder; other Hadoop paths are left alone.
   */
  @Test
  void tasksReadTheDriversFilesThroughItsFileServer(@TempDir Path dir) throws IOException {
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    Path file = Files.write(dir.resolve("records #1.bin"), bytes);
    Transport t = Transport.of(sc);
    String source = t.reachable("file:" + file); // Hadoop path strings are not URI-escaped
    assertTrue(source.startsWith("spark://") && source.contains("/files/") && source.endsWith("-records%20%231.bin"),
        source);
    assertEquals(source, t.reachable(file.toString()), "a plain path and a file: path are the same file");
    assertEquals("hdfs://nn:8020/d/data_batch_1.bin", t.reachable("hdfs://nn:8020/d/data_batch_1.bin"));
    assertEquals(file.toString(), InJvm.INSTANCE.reachable(file.toString()), "tasks in the driver's JVM read it there");

    org.apache.hadoop.conf.Configuration conf = sc.hadoopConfiguration();
    List<byte[]> read = sc.parallelize(List.of(0, 123_457, 299_990), 3).map(at -> {
      byte[] b = new byte[10];
      Transport.readFully(source, new org.apache.hadoop.conf.Configuration(false), at, b, 0, 10);
      return b;
    }).collect();
    for (int k = 0; k < 3; k++) {
      int at = List.of(0, 123_457, 299_990).get(k);
      assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(bytes, at, at + 10), read.get(k)), "at " + at);
    }
    byte[] whole = new byte[bytes.length];
    Transport.readFully(source, conf, 0, whole, 0, whole.length);
    assertTrue(java.util.Arrays.equals(bytes, whole));
    IOException past = assertThrows(IOException.class,
        () -> Transport.readFully(source, conf, 299_995, new byte[10], 0, 10));
    assertEquals("the driver's copy has fewer than 300005 bytes", past.getMessage());
    assertEquals("the driver's copy has fewer than 400010 bytes", assertThrows(IOException.class,
        () -> Transport.readFully(source, conf, 400_000, new byte[10], 0, 10)).getMessage());
    // the file alone: not its folder, whose other files the driver has not served
    Files.write(dir.resolve("secret.bin"), new byte[10]);
    String sibling = source.substring(0, source.lastIndexOf('/') + 1) + "secret.bin";
    assertThrows(IOException.class, () -> Transport.readFully(sibling, conf, 0, new byte[1], 0, 1));
    Files.delete(file);
    IOException gone = assertThrows(IOException.class, () -> Transport.readFully(source, conf, 0, new byte[1], 0, 1));
    assertTrue(gone.getMessage().startsWith("from the driver: "), gone.getMessage());
  }

  @Test
  void sameSumAsSparkForOneLevelAndDeeperTrees() {
    TreeAggregateTest.sameSumAsSpark(sc, Transport.of(sc));
  }

  @Test
  void partialSumsAreAddedInPartitionOrderWhateverOrderTheyArriveIn() {
    TreeAggregateTest.partitionOrder(sc, Transport.of(sc));
  }

  /**
   * A small per-job value rides in the tasks, a large one is a block on the driver; either way every task of the job
   * reads the driver's value, in one level and in a tree with a shuffle level (8 partitions, depth 2).
   */
  @Test
  void perJobValuesReachEveryTaskInTheTasksOrByBroadcast() {
    Transport transport = Transport.of(sc);
    long[] small = {7};
    long[] large = new long[Serialized.IN_TASK_BYTES / 8 + 1];
    large[0] = 7;
    JavaRDD<Long> rdd = sc.parallelize(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList(), 8);
    for (long[] value : List.of(small, large)) {
      for (int depth : new int[] {1, 2}) {
        Shared<long[]> shared = transport.perJob(sc, value);
        assertEquals(value == small, shared instanceof InTask<?>, "in the tasks when small");
        assertEquals(value == large, shared instanceof DriverBlock<?>, "a block on the driver when large");
        TreeAggregateTest.Acc sum = transport.aggregate(rdd, shared, new TreeAggregateTest.Acc(),
            (acc, v) -> acc.add(v * shared.get()[0]), TreeAggregateTest.Acc::merge, depth);
        shared.release();
        assertEquals(7 * 820, sum.sum, "depth " + depth);
        assertEquals(40, sum.count);
      }
    }
  }

  /**
   * Copies from the driver (one per task, or one per executor) while they add up to the budget, a
   * broadcast beyond: with the budget at 1 MB, a value of 0.9 MB still goes as one block, and a
   * broadcast when 2 executors would fetch it; with many tasks a small value leaves the tasks.
   */
  @Test
  void copiesFromTheDriverStopAtTheBudget() {
    long mb = 1 << 20, kb = 1 << 10;
    assertEquals(Serialized.Route.IN_TASK, Serialized.route(600 * kb, 2, 2, 16 * mb));
    assertEquals(Serialized.Route.DRIVER_BLOCK, Serialized.route(600 * kb, 32, 2, 16 * mb));
    assertEquals(Serialized.Route.BROADCAST, Serialized.route(600 * kb, 32, 32, 16 * mb));
    assertEquals(Serialized.Route.DRIVER_BLOCK, Serialized.route(6 * mb, 2, 2, 16 * mb));
    assertEquals(Serialized.Route.BROADCAST, Serialized.route(6 * mb, 3, 3, 16 * mb));
    assertEquals(Serialized.Route.DRIVER_BLOCK, Serialized.route(900 * kb, 2, 1, mb));
    assertEquals(Serialized.Route.BROADCAST, Serialized.route(900 * kb, 2, 2, mb));
    // and in a context: the budget below two copies of a small value makes it a broadcast the tasks read
    sc.sc().conf().set(Serialized.COPIES_KEY, "8k");
    try {
      Transport transport = Transport.of(sc);
      long[] value = new long[1000]; // 8 KB: one copy fits, two do not (local[2]: two tasks, one block manager)
      value[0] = 3;
      Shared<long[]> shared = transport.perJob(sc, value);
      assertTrue(shared instanceof DriverBlock<?>, shared.getClass().getSimpleName());
      shared.release();
      sc.sc().conf().set(Serialized.COPIES_KEY, "4k");
      Shared<long[]> broadcast = transport.perJob(sc, value);
      assertTrue(broadcast instanceof BroadcastBytes<?>, broadcast.getClass().getSimpleName());
      TreeAggregateTest.Acc sum = transport.aggregate(sc.parallelize(List.of(1L, 2L, 3L), 2), broadcast,
          new TreeAggregateTest.Acc(), (acc, v) -> acc.add(v * broadcast.get()[0]), TreeAggregateTest.Acc::merge, 1);
      broadcast.release();
      assertEquals(18, sum.sum);
    } finally {
      sc.sc().conf().remove(Serialized.COPIES_KEY);
    }
  }

  /**
   * A value that goes by broadcast is serialised once, on the driver, to choose its route; the broadcast
   * carries those bytes, and the tasks read the value back from them.
   */
  @Test
  void aBroadcastValueIsSerialisedOnce() {
    sc.sc().conf().set(Serialized.COPIES_KEY, "1k");
    try {
      Transport transport = Transport.of(sc);
      Counted.WRITES.set(0);
      Shared<Counted> shared = transport.perJob(sc, new Counted(5));
      assertTrue(shared instanceof BroadcastBytes<?>, shared.getClass().getSimpleName());
      TreeAggregateTest.Acc sum = transport.aggregate(sc.parallelize(List.of(1L, 2L, 3L), 2), shared,
          new TreeAggregateTest.Acc(), (acc, v) -> acc.add(v * shared.get().factor), TreeAggregateTest.Acc::merge, 1);
      shared.release();
      assertEquals(30, sum.sum, "every task read the value");
      assertEquals(1, Counted.WRITES.get(), "serialised once");
    } finally {
      sc.sc().conf().remove(Serialized.COPIES_KEY);
    }
  }

  /** A value that counts how often it is serialised. */
  static final class Counted implements Serializable {
    static final AtomicInteger WRITES = new AtomicInteger();
    final long factor;
    final byte[] padding = new byte[4096]; // above the 1k budget of the test: broadcast

    Counted(long factor) {
      this.factor = factor;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      WRITES.incrementAndGet();
      out.defaultWriteObject();
    }
  }

  /** A value in the tasks of one job is not there for a task of another: it fails and says why. */
  @Test
  void aPerJobValueInTheTasksIsReadOnlyByItsOwnJob() {
    Shared<long[]> shared = Transport.of(sc).perJob(sc, new long[] {1});
    JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2), 2);
    Exception e = assertThrows(Exception.class, () -> rdd.map(x -> shared.get()[0]).collect());
    shared.release();
    assertTrue(e.getMessage().contains("read by a task of another job"), e.getMessage());
  }
}
