#!/usr/bin/env python3
"""numpy im2col + OpenBLAS sgemm baseline for ConvBench (same layers, batch 128, NCHW float32).

Run (fair OpenBLAS, AVX-512 kernel):
  OPENBLAS_NUM_THREADS=1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 jmh/scripts/conv_im2col_openblas.py
  OPENBLAS_NUM_THREADS=2 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 jmh/scripts/conv_im2col_openblas.py

Per layer: forward = im2col copy of the whole batch + W(O x K) @ col(K x N*P) + NCHW transpose;
input gradient = W^T @ dY + col2im (kh*kw strided adds); weight gradient = im2col + dY @ col^T.
GFLOP/s = 2*MACs / median time (MACs per pass as in ConvShape.macs()). Prints one line per
layer and pass, median of --reps timed repetitions after one warm-up.
"""
import argparse
import os
import time

import numpy as np

LAYERS = ["16x28s1", "32x28s1", "64x28s1", "16to32x28s2", "32to64x14s2"]


def parse(layer):
    cs, rest = layer.split("x")
    h, s = rest.split("s")
    if "to" in cs:
        cin, cout = (int(t) for t in cs.split("to"))
    else:
        cin = cout = int(cs)
    return cin, cout, int(h), int(s)


def im2col(x, k, stride, pad, oh, ow):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    sn, sc, sh, sw = xp.strides
    win = np.lib.stride_tricks.as_strided(
        xp, shape=(c, k, k, n, oh, ow), strides=(sc, sh, sw, sn, sh * stride, sw * stride))
    return np.ascontiguousarray(win).reshape(c * k * k, n * oh * ow)


def col2im(dcol, shape, k, stride, pad, oh, ow):
    n, c, h, w = shape
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=np.float32)
    d = dcol.reshape(c, k, k, n, oh, ow)
    for u in range(k):
        for v in range(k):
            dxp[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride] += d[:, u, v].transpose(1, 0, 2, 3)
    return dxp[:, :, pad:pad + h, pad:pad + w]


def median_time(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--layers", default=",".join(LAYERS))
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    print(f"# numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}")
    for layer in args.layers.split(","):
        cin, cout, h, stride = parse(layer)
        n, k, pad = args.batch, 3, 1
        oh = (h + 2 * pad - k) // stride + 1
        ow = oh
        x = rng.standard_normal((n, cin, h, h), dtype=np.float32)
        wt = rng.standard_normal((cout, cin * k * k), dtype=np.float32)
        dy = rng.standard_normal((n, cout, oh, ow), dtype=np.float32)
        macs = n * cout * oh * ow * cin * k * k

        def forward():
            col = im2col(x, k, stride, pad, oh, ow)
            y = wt @ col
            return np.ascontiguousarray(y.reshape(cout, n, oh * ow).transpose(1, 0, 2))

        def backward_input():
            d2 = dy.transpose(1, 0, 2, 3).reshape(cout, n * oh * ow)
            return col2im(wt.T @ d2, x.shape, k, stride, pad, oh, ow)

        def backward_weight():
            col = im2col(x, k, stride, pad, oh, ow)
            d2 = dy.transpose(1, 0, 2, 3).reshape(cout, n * oh * ow)
            return d2 @ col.T

        total = 0.0
        for name, fn in (("forward", forward), ("backwardInput", backward_input), ("backwardWeight", backward_weight)):
            t = median_time(fn, args.reps)
            total += t
            print(f"{layer:12s} {name:15s} {t * 1e3:9.2f} ms {2 * macs / t / 1e9:8.1f} GFLOP/s")
        print(f"{layer:12s} {'all':15s} {total * 1e3:9.2f} ms {6 * macs / total / 1e9:8.1f} GFLOP/s")


if __name__ == "__main__":
    main()
