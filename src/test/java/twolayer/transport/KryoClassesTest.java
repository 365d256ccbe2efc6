package twolayer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Tier 1: the Kryo registrator names classes that exist, and is added only where Kryo is on. */
class KryoClassesTest {
  @Test
  void everyListedClassExistsAndIsJavaSerialised() throws Exception {
    Kryo kryo = new Kryo();
    new KryoClasses().registerClasses(kryo);
    for (String name : KryoClasses.NAMES) {
      assertEquals(JavaSerializer.class, kryo.getRegistration(Class.forName(name)).getSerializer().getClass(), name);
    }
  }

  @Test
  void addedOnceBesideTheUsersOwnRegistratorsWhenKryoIsOn() {
    SparkConf plain = new SparkConf(false).setMaster("local[2]");
    Transport.configure(plain);
    assertFalse(plain.contains("spark.kryo.registrator"));
    SparkConf kryo = new SparkConf(false).setMaster("local[2]")
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer").set("spark.kryo.registrator", "my.Own");
    Transport.configure(kryo);
    Transport.configure(kryo);
    assertEquals("my.Own,twolayer.transport.KryoClasses", kryo.get("spark.kryo.registrator"));
  }
}
