"""NumPy reference for issue 3, acceptance 4: conf/tuned.properties (H=500, lr 1e-3, reg 0.25, B=200,
lr decay 0.95 per epoch, init-std 1e-4) in float32, one process. Prints the seconds from its start
(loading included) to each epoch's validation accuracy, and stops at the first one >= 0.50.
Usage, from the repository (./submit.sh train unpacks the data first):
    python3 src/main/resources/twolayer/bench/numpy_tuned.py [EPOCHS] [DATA_FOLDER]
"""
import sys
import time

import numpy as np


def main():
    t0 = time.time()
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    d = sys.argv[2] if len(sys.argv) > 2 else 'data/cifar-10-batches-bin'
    raw = np.concatenate([np.fromfile('%s/data_batch_%d.bin' % (d, i), np.uint8).reshape(-1, 3073)
                          for i in range(1, 6)])
    y, X = raw[:, 0].astype(np.int64), raw[:, 1:].astype(np.float32)
    Xtr, ytr, Xval, yval = X[:49000], y[:49000], X[49000:], y[49000:]  # the CS231n split
    mean = Xtr.mean(axis=0)
    Xtr -= mean
    Xval -= mean
    print('loaded %.1f s' % (time.time() - t0), flush=True)
    rng = np.random.default_rng(1)
    D, H, C, B, lr, reg = 3072, 500, 10, 200, 1e-3, 0.25
    W1 = (1e-4 * rng.standard_normal((D, H))).astype(np.float32)
    b1 = np.zeros(H, np.float32)
    W2 = (1e-4 * rng.standard_normal((H, C))).astype(np.float32)
    b2 = np.zeros(C, np.float32)
    for epoch in range(epochs):
        perm = rng.permutation(49000)
        for t in range(49000 // B):
            idx = perm[t * B:(t + 1) * B]
            xb, yb = Xtr[idx], ytr[idx]
            z1 = xb @ W1 + b1                      # (B, H)
            a1 = np.maximum(z1, 0)
            z2 = a1 @ W2 + b2                      # (B, C)
            z2 -= z2.max(axis=1, keepdims=True)
            p = np.exp(z2)
            p /= p.sum(axis=1, keepdims=True)
            dz2 = p
            dz2[np.arange(B), yb] -= 1
            dz2 /= B
            dW2 = a1.T @ dz2 + 2 * reg * W2        # (H, C)
            db2 = dz2.sum(0)
            dz1 = dz2 @ W2.T                       # (B, H)
            dz1[z1 <= 0] = 0
            dW1 = xb.T @ dz1 + 2 * reg * W1        # (D, H)
            db1 = dz1.sum(0)
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2
        acc = (np.argmax(np.maximum(Xval @ W1 + b1, 0) @ W2 + b2, axis=1) == yval).mean()
        print('%.2f s epoch %d val %.3f' % (time.time() - t0, epoch + 1, acc), flush=True)
        lr *= 0.95
        if acc >= 0.50:
            break


main()
