package twolayer.cli;

import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints the JVM options Spark's driver needs on Java 17 (submit.sh starts Spark's launcher with them).
 * Spark's list adds the incubating Vector API module, which serves only netlib's VectorBLAS, its
 * fallback when native BLAS is missing (no other class among Spark's jars or this project's uses it),
 * and with it the JVM prints "WARNING: Using incubator modules" at every start. Where netlib's native
 * BLAS loads the module is left out; without native BLAS it stays: VectorBLAS is netlib's faster fallback
 * once C2 compiles it (under {@code submit.sh}'s C1 only, {@code Gemm} takes the plain-Java one instead).
 */
public final class JavaOpens {
  static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  private JavaOpens() {}

  public static void main(String[] args) {
    System.out.println(options(JavaModuleOptions.defaultModuleOptions(), nativeBlas()));
  }

  static String options(String spark, boolean nativeBlas) {
    return nativeBlas ? spark.replace(VECTOR_MODULE, "").replaceAll(" +", " ").trim() : spark;
  }

  /** True when netlib's JNI BLAS (the system's libblas.so.3, e.g. OpenBLAS) loads in this JVM. */
  static boolean nativeBlas() {
    // netlib logs each implementation it cannot load (here also VectorBLAS, whose module is missing)
    java.util.logging.Logger netlib = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
    netlib.setLevel(java.util.logging.Level.OFF);
    try {
      dev.ludovic.netlib.blas.NativeBLAS.getInstance();
      return true;
    } catch (RuntimeException | LinkageError e) { // netlib's "Unable to load native implementation"
      return false;
    }
  }
}
