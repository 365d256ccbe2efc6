package twolayer.data;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/** Carries the driver's Hadoop configuration (credentials, file systems) to the executors. */
public final class HadoopConf implements Serializable {
  private transient Configuration conf;

  public HadoopConf(Configuration conf) {
    this.conf = conf;
  }

  /**
   * The driver's configuration for the tasks of {@code sc}, shared by its {@link Transport} (with a local
   * master the object itself: its broadcast wrote 240 KB that no one read and took 0.14-0.19 s of every
   * command's start-up here). Held as long as the closures that capture it.
   */
  public static Shared<HadoopConf> share(JavaSparkContext sc) {
    return Transport.of(sc).share(sc, new HadoopConf(sc.hadoopConfiguration()));
  }

  public Configuration get() {
    return conf;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    conf.write(out); // Configuration is a Hadoop Writable
  }

  private void readObject(ObjectInputStream in) throws IOException {
    conf = new Configuration(false);
    conf.readFields(in);
  }
}
