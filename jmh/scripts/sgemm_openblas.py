#!/usr/bin/env python3
"""numpy/OpenBLAS sgemm peer for GemmBench: prints GFLOP/s (median and best of the repeats) for the
same shapes (square n=64..2048, the conv-training GEMMs and the MLP step's GEMMs).

Run with the machine's OpenBLAS core-type override removed, and the thread count fixed:
  OPENBLAS_NUM_THREADS=1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 jmh/scripts/sgemm_openblas.py
  OPENBLAS_NUM_THREADS=2 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 jmh/scripts/sgemm_openblas.py
Options: --square-only, --conv-only, --mlp-only, --seconds S (measuring time per shape, default 1),
--cpu-time (one thread only: time the thread's CPU time instead of wall-clock, which discounts the
time the process waits for a core on a shared machine; GemmTune has the same option).
"""
import os
import sys
import time

# Debian's numpy links the OpenMP build of OpenBLAS, which ignores OPENBLAS_NUM_THREADS and runs on
# OMP_NUM_THREADS (default: all cores). Pin both before numpy loads the library.
if "OPENBLAS_NUM_THREADS" in os.environ:
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"]

import numpy as np  # noqa: E402

CLOCK = time.perf_counter


def measure(fn, flop, seconds):
    fn()  # warm-up (first-call page faults, thread start)
    times = []
    t_end = time.perf_counter() + seconds
    while len(times) < 3 or (time.perf_counter() < t_end and len(times) < 2000):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    times.sort()
    return flop / times[len(times) // 2] / 1e9, flop / times[0] / 1e9


def main():
    global CLOCK
    args = sys.argv[1:]
    if "--cpu-time" in args:
        if os.environ.get("OMP_NUM_THREADS") != "1":
            sys.exit("--cpu-time needs OPENBLAS_NUM_THREADS=1 (other threads' CPU time would not be counted)")
        CLOCK = time.thread_time
    seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 1.0
    rng = np.random.default_rng(1)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "?")
    core = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    clock = "thread CPU time" if CLOCK is time.thread_time else "wall-clock"
    print(f"# numpy {np.__version__}, OPENBLAS_NUM_THREADS={threads} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_CORETYPE={core}, {clock}")
    print(f"{'shape':<14} {'m':>6} {'n':>7} {'k':>7} {'GFLOP/s median':>15} {'best':>8}")
    if "--conv-only" not in args and "--mlp-only" not in args:
        for n in (64, 128, 256, 512, 1024, 2048):
            a = rng.random((n, n), dtype=np.float32) - 0.5
            b = rng.random((n, n), dtype=np.float32) - 0.5
            c = np.empty((n, n), dtype=np.float32)
            med, best = measure(lambda: np.matmul(a, b, out=c), 2.0 * n ** 3, seconds)
            print(f"{'square':<14} {n:>6} {n:>7} {n:>7} {med:>15.1f} {best:>8.1f}", flush=True)
    if "--square-only" not in args and "--conv-only" not in args:
        # The MLP 784-512-512-10 step at batch 128 (GemmBench.product); T = transposed operand view.
        for ta, tb, m, n, k in [(0, 1, 128, 512, 784), (0, 1, 128, 512, 512), (1, 0, 512, 784, 128),
                                (1, 0, 512, 512, 128), (0, 0, 128, 512, 512)]:
            a = rng.random((k, m) if ta else (m, k), dtype=np.float32) - 0.5
            b = rng.random((n, k) if tb else (k, n), dtype=np.float32) - 0.5
            c = np.empty((m, n), dtype=np.float32)
            av, bv = (a.T if ta else a), (b.T if tb else b)
            name = f"{'T' if ta else 'N'}{'T' if tb else 'N'}_{m}x{n}x{k}"
            med, best = measure(lambda: np.matmul(av, bv, out=c), 2.0 * m * n * k, seconds)
            print(f"{name:<14} {m:>6} {n:>7} {k:>7} {med:>15.1f} {best:>8.1f}", flush=True)
    if "--square-only" not in args and "--mlp-only" not in args:
        pixels = 128 * 28 * 28
        for ch in (16, 32, 64):
            kk = 9 * ch
            w = rng.random((ch, kk), dtype=np.float32) - 0.5       # W (M x 9C)
            col = rng.random((kk, pixels), dtype=np.float32) - 0.5  # im2col (9C x N)
            dy = rng.random((ch, pixels), dtype=np.float32) - 0.5   # dY (M x N)
            y = np.empty((ch, pixels), dtype=np.float32)
            dw = np.empty((ch, kk), dtype=np.float32)
            dcol = np.empty((kk, pixels), dtype=np.float32)
            # Transposed operands are passed as .T views, so numpy hands sgemm a transpose flag, not a copy.
            cases = [
                (f"fwd_{ch}", ch, pixels, kk, lambda: np.matmul(w, col, out=y)),
                (f"wgrad_{ch}", ch, kk, pixels, lambda: np.matmul(dy, col.T, out=dw)),
                (f"igrad_{ch}", kk, pixels, ch, lambda: np.matmul(w.T, dy, out=dcol)),
            ]
            for name, m, n, k, fn in cases:
                med, best = measure(fn, 2.0 * m * n * k, seconds)
                print(f"{name:<14} {m:>6} {n:>7} {k:>7} {med:>15.1f} {best:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
