package twolayer.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.serializer.SerializationStream;
import scala.reflect.ClassTag$;

/** A value in Spark's serializer (the one broadcasts use), as bytes, when they fit a limit. */
final class Bytes {
  private Bytes() {}

  /** {@code value}'s bytes, or null as soon as they pass {@code limit} (a large value is not written out whole). */
  static byte[] of(Object value, int limit) {
    Capped out = new Capped(limit);
    try {
      SerializationStream s = SparkEnv.get().serializer().newInstance().serializeStream(out);
      s.writeObject(value, ClassTag$.MODULE$.Any());
      s.close();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof TooLarge) {
          return null; // Kryo wraps what a stream throws
        }
      }
      throw e;
    }
    return out.toByteArray();
  }

  /** Stops the serializer once it has written more than the limit. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private final int limit;

    Capped(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) {
      check(1);
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      check(len);
      bytes.write(b, off, len);
    }

    private void check(int more) {
      if (bytes.size() + (long) more > limit) {
        throw new TooLarge();
      }
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  /** Thrown through the serializer: unchecked, so that Java serialisation passes it on as it is. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }
}
