package twolayer.transport;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.io.ChunkedByteBuffer;

/**
 * A job's value broadcast as the bytes that {@link Serialized#perJob} serialised it to when it chose the
 * route, where broadcasting the value itself serialised it a second time (at H=500 on four one-core
 * workers on one machine, not a measurable cost; a copy that nobody reads). The bytes travel as their
 * chunks from {@link Bytes}: as one array of megabytes, every executor kept one per iteration until the
 * broadcast's destroy, and they filled the old generation (measured there: 37 ms of collections per
 * task). Each executor decodes the value once for all of its tasks.
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
