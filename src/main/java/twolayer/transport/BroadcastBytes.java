package twolayer.transport;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.io.ChunkedByteBuffer;

/**
 * A job's value broadcast as the bytes that {@link Serialized#perJob} serialised it to when it chose the
 * route: broadcasting the value itself would serialise it a second time (at H=500, 6 MB, about 2 ms
 * of the driver's time per iteration). The bytes go in their chunks: one array of megabytes on every
 * executor, until the broadcast is destroyed, left the old generation full of them (measured: 37 ms of
 * collections per task, four workers, H=500). Each executor decodes the value once for all of its tasks.
 */
final class BroadcastBytes<T> implements Shared<T> {
  private final long id;
  private final Broadcast<byte[][]> bytes;
  private transient T value; // on the driver, until released

  BroadcastBytes(JavaSparkContext sc, T value, ChunkedByteBuffer serialised) {
    this.id = Decoded.nextId();
    this.bytes = sc.broadcast(Bytes.chunks(serialised));
    this.value = value;
  }

  @Override
  public T get() {
    return value != null ? value : Decoded.get(id, () -> Bytes.read(bytes.value()));
  }

  @Override
  public void release() {
    value = null;
    bytes.destroy(); // on the executors without waiting
  }
}
