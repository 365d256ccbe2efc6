package twolayer.transport;

import java.nio.ByteBuffer;
import org.apache.spark.SparkEnv;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.apache.spark.util.io.ChunkedByteBufferOutputStream;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Values in Spark's serializer (the one broadcasts use) and back. Written in chunks: a value of
 * megabytes is neither copied as a growing array nor written out twice.
 */
final class Bytes {
  private static final int CHUNK = 1 << 20;

  private Bytes() {}

  /** {@code value} serialised, once. */
  static ChunkedByteBuffer of(Object value) {
    ChunkedByteBufferOutputStream out = new ChunkedByteBufferOutputStream(CHUNK, new Heap());
    SerializationStream s = SparkEnv.get().serializer().newInstance().serializeStream(out);
    s.writeObject(value, ClassTag$.MODULE$.Any());
    s.close();
    return out.toChunkedByteBuffer();
  }

  /** The value {@code bytes} hold, with the task's class loader (the application's jars). */
  static Object read(ByteBuffer bytes) {
    return SparkEnv.get().serializer().newInstance().deserialize(bytes,
        Thread.currentThread().getContextClassLoader(), ClassTag$.MODULE$.Any());
  }

  /** Chunks on the heap. */
  private static final class Heap extends AbstractFunction1<Object, ByteBuffer> {
    @Override
    public ByteBuffer apply(Object size) {
      return ByteBuffer.allocate((Integer) size);
    }
  }
}
