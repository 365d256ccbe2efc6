package twolayer;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/** Tier 3 tests: one local[2] Spark context (no UI) for all tests of a class. */
public abstract class LocalSparkTest {
  protected static JavaSparkContext sc;

  @BeforeAll
  static void startSpark(TestInfo info) {
    String name = info.getTestClass().map(Class::getSimpleName).orElse("test");
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName(name).set("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stopSpark() {
    sc.close();
  }
}
