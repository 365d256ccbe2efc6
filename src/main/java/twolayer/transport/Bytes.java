package twolayer.transport;

import java.nio.ByteBuffer;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.apache.spark.util.io.ChunkedByteBufferOutputStream;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Values in Spark's serializer (the one broadcasts use) and back. Written in chunks: a value of
 * megabytes is neither copied as a growing array nor written out twice. The chunks stay below G1's
 * humongous objects (half a region: 512 KB in heaps under 2 GB), which a young collection frees only
 * while nothing older has pointed at them.
 */
final class Bytes {
  private static final int CHUNK = 256 << 10;

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

  /** The chunks of {@code bytes} as arrays (each chunk's own array where it fills it: no copy). */
  static byte[][] chunks(ChunkedByteBuffer bytes) {
    ByteBuffer[] chunks = bytes.getChunks();
    byte[][] arrays = new byte[chunks.length][];
    for (int i = 0; i < chunks.length; i++) {
      arrays[i] = JavaUtils.bufferToArray(chunks[i]);
    }
    return arrays;
  }

  /** The value that {@link #chunks} hold, with the serializer's class loader (in a task: the application's jars). */
  static Object read(byte[][] chunks) {
    ByteBuffer[] buffers = new ByteBuffer[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      buffers[i] = ByteBuffer.wrap(chunks[i]);
    }
    DeserializationStream in = SparkEnv.get().serializer().newInstance()
        .deserializeStream(new ChunkedByteBuffer(buffers).toInputStream(false));
    try {
      return in.readObject(ClassTag$.MODULE$.Any());
    } finally {
      in.close();
    }
  }

  /** Chunks on the heap. */
  private static final class Heap extends AbstractFunction1<Object, ByteBuffer> {
    @Override
    public ByteBuffer apply(Object size) {
      return ByteBuffer.allocate((Integer) size);
    }
  }
}
