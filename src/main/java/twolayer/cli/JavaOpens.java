package twolayer.cli;

import org.apache.spark.launcher.JavaModuleOptions;

/** Prints the JVM options Spark's driver needs on Java 17 (submit.sh starts Spark's launcher with them). */
public final class JavaOpens {
  private JavaOpens() {}

  public static void main(String[] args) {
    System.out.println(JavaModuleOptions.defaultModuleOptions());
  }
}
