"""NumPy reference for ./submit.sh bench: the same two-layer net, loss and plain SGD step, one process.

Prints one JSON object: examples/s for each (hidden, batch) given on the command line, and the
OpenBLAS kernel NumPy's own library chose for this CPU (OPENBLAS_CORETYPE steers it).
Usage: python3 numpy_bench.py SECONDS H:B [H:B ...]
"""
import ctypes
import glob
import json
import os
import sys
import time

import numpy as np


def kernel():
    """The core name of NumPy's bundled OpenBLAS (None when NumPy uses another BLAS)."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "lib*openblas*.so*"))
    for lib in libs:
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_",
                     "openblas_get_corename"):
            f = getattr(ctypes.CDLL(lib), name, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                return f().decode()
    return None


def step(X, y, W1, b1, W2, b2, reg, lr):
    n = X.shape[0]
    z1 = X @ W1 + b1                      # (n, H)
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2                     # (n, C)
    z2 = z2 - z2.max(axis=1, keepdims=True)
    p = np.exp(z2)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean() + reg * ((W1 * W1).sum() + (W2 * W2).sum())
    dz2 = p
    dz2[np.arange(n), y] -= 1
    dz2 /= n
    dW2 = a1.T @ dz2 + 2 * reg * W2       # (H, C)
    db2 = dz2.sum(axis=0)
    dz1 = (dz2 @ W2.T) * (z1 > 0)         # (n, H)
    dW1 = X.T @ dz1 + 2 * reg * W1        # (D, H)
    db1 = dz1.sum(axis=0)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
    return loss


def main():
    seconds = float(sys.argv[1])
    rng = np.random.default_rng(0)
    D, C, N = 3072, 10, 49000
    Xall = rng.integers(0, 256, size=(N, D), dtype=np.uint8).astype(np.float32) - 128  # bytes: quick to draw
    yall = rng.integers(0, C, size=N)
    out = {"numpy": np.__version__, "kernel": kernel()}
    for spec in sys.argv[2:]:
        H, B = (int(v) for v in spec.split(":"))
        W1 = (1e-4 * rng.standard_normal((D, H))).astype(np.float32)
        W2 = (1e-4 * rng.standard_normal((H, C))).astype(np.float32)
        b1 = np.zeros(H, np.float32)
        b2 = np.zeros(C, np.float32)
        its, start = 0, None
        while True:
            idx = rng.choice(N, B, replace=False)   # a mini-batch gathered from the data, as CS231n does
            step(Xall[idx], yall[idx], W1, b1, W2, b2, np.float32(0.25), np.float32(1e-4))
            its += 1
            if its == 3:
                start = time.perf_counter()          # after warm-up
            elif start is not None and time.perf_counter() - start > seconds:
                break
        el = time.perf_counter() - start
        out[f"H{H}_B{B}"] = {"examples_per_second": (its - 3) * B / el, "ms_per_iteration": el * 1e3 / (its - 3)}
    print(json.dumps(out))


main()
