package twolayer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ludovic.netlib.blas.BLAS;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Tier 1: which of netlib's BLAS the products use. */
class GemmTest {
  /** One of netlib's package-private Java BLAS classes, by its simple name; null where it cannot load. */
  static BLAS netlib(String name) {
    try {
      Method m = Class.forName("dev.ludovic.netlib.blas." + name).getDeclaredMethod("getInstance");
      m.setAccessible(true);
      return (BLAS) m.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * Under C1 only, netlib's Vector API fallback gives way to its plain-Java one (10x faster there); with
   * C2, or where netlib chose any other BLAS (native, plain Java), its choice stands.
   */
  @Test
  void theVectorFallbackGivesWayToPlainJavaUnderC1Only() {
    BLAS vector = netlib("VectorBLAS");
    Assumptions.assumeTrue(vector != null, "the JVM lacks the jdk.incubator.vector module");
    BLAS chosen = Gemm.choose(vector, true);
    assertEquals("dev.ludovic.netlib.blas.Java11BLAS", chosen.getClass().getName());
    assertSame(vector, Gemm.choose(vector, false));
    BLAS plain = netlib("Java11BLAS"), system = BLAS.getInstance();
    assertSame(plain, Gemm.choose(plain, true));
    if (!system.getClass().getName().endsWith("VectorBLAS")) {
      assertSame(system, Gemm.choose(system, true));
    }
    // the plain-Java product is a product: small integers, exact in float
    float[] c = new float[4];
    chosen.sgemm("N", "N", 2, 2, 3, 1f, new float[] {1, 2, 3, 4, 5, 6}, 0, 2, new float[] {1, 0, 2, 1, 0, 3}, 0, 3,
        0f, c, 0, 2);
    assertArrayEquals(new float[] {11, 14, 16, 20}, c); // column-major 2x3 times 3x2
  }
}
