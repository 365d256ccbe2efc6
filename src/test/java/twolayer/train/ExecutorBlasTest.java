package twolayer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tier 1: the warning that names the executors computing with netlib's Java fallback. */
class ExecutorBlasTest {
  static String line(String id, String blas) {
    return id + ": dev.ludovic.netlib.blas." + blas + ", OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=null, JIT C1";
  }

  @Test
  void namesOnlyTheExecutorsWithoutNativeBlas() {
    assertNull(ExecutorBlas.warning(List.of(line("0", "JNIBLAS"), line("1", "JNIBLAS"))));
    assertEquals("warning: executor 2 computes with netlib's Java BLAS, not native: install OpenBLAS there"
        + " (Debian: libopenblas0-pthread): its matrix products are about 10x faster",
        ExecutorBlas.warning(List.of(line("0", "JNIBLAS"), line("2", "Java11BLAS"))));
    assertEquals("warning: executors 1, 3 compute with netlib's Java BLAS, not native: install OpenBLAS there"
        + " (Debian: libopenblas0-pthread): its matrix products are about 10x faster", ExecutorBlas.warning(List.of(line("0", "JNIBLAS"),
            line("1", "Java11BLAS"), line("2", "JNIBLAS"), line("3", "VectorBLAS"))));
  }

  @Test
  void saysThisMachineWhenTheTasksRunInTheDriver() {
    assertNull(ExecutorBlas.warning(List.of(line("driver", "JNIBLAS"))));
    assertEquals("warning: this machine computes with netlib's Java BLAS, not native: install OpenBLAS there"
        + " (Debian: libopenblas0-pthread): its matrix products are about 10x faster", ExecutorBlas.warning(List.of(line("driver", "F2jBLAS"))));
  }
}
