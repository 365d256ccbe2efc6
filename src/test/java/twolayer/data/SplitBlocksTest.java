package twolayer.data;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;
import twolayer.LocalSparkTest;

/** Tier 3: what every task deserialises of the cached blocks' RDD. */
class SplitBlocksTest extends LocalSparkTest {
  @Test
  void underALocalMasterTheRddTravelsAsANumberAndReadsBackAsItself() {
    List<RecordSplit> splits = List.of(
        new RecordSplit(0, 0, 10, List.of(new RecordSplit.Slice("file:/nowhere/data_batch_1.bin", 0, 10))),
        new RecordSplit(1, 10, 10, List.of(new RecordSplit.Slice("file:/nowhere/data_batch_1.bin", 10, 10))));
    SplitBlocks rdd = new SplitBlocks(sc, splits, new double[3072], null, 10, HadoopConf.share(sc));
    byte[] bytes = SerializationUtils.serialize(rdd);
    assertTrue(bytes.length < 400, "a number, not the RDD with its 24 KB mean: " + bytes.length + " bytes");
    assertSame(rdd, SerializationUtils.deserialize(bytes));
    assertSame(rdd, SerializationUtils.deserialize(SerializationUtils.serialize(rdd)), "the same number every time");
  }
}
