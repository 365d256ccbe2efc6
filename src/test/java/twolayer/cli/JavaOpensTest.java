package twolayer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** Tier 1: the driver's JVM options are Spark's, without the Vector API module only where native BLAS loads. */
class JavaOpensTest {
  @Test
  void theVectorModuleIsLeftOutOnlyWithNativeBlas() {
    String spark = JavaModuleOptions.defaultModuleOptions();
    assertTrue(spark.contains(JavaOpens.VECTOR_MODULE), "Spark's list still adds the module: " + spark);
    String with = JavaOpens.options(spark, true);
    assertFalse(with.contains("jdk.incubator.vector"), with);
    assertEquals(spark.replace(JavaOpens.VECTOR_MODULE + " ", ""), with, "every other option kept, in order");
    assertEquals(spark, JavaOpens.options(spark, false));
  }
}
