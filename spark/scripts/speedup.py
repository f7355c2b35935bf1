#!/usr/bin/env python3
"""Speed-up of fnl4j-spark on P servers, on paper, from measured figures.

Model (weak scaling: every server keeps the batch of one process, so the global batch grows with P):
  round time   = K * t_c + t_sync(P)
  t_sync(P)    = t_0 + (P + 1) * S / BW
      t_c  compute time of one step on one server (measured: one process, --threads 2, batch 128)
      t_0  Spark's fixed cost of a round (scheduling P tasks, broadcast set-up, collecting; measured
           as sync ms per round at K = 1 on loopback, where the bytes cost next to nothing)
      S    bytes of the state (parameters + momentum + BatchNorm buffers, float32)
      BW   the driver's network bandwidth: it sends S once (BitTorrent-style broadcast, executors share
           the pieces) and receives P states
  speed-up     = P * K * t_c / (K * t_c + t_sync(P))    (1 = one server training alone)
Usage: speedup.py T_C_SECONDS T0_SECONDS STATE_BYTES
"""
import sys

t_c, t_0, state = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
bandwidths = [("1 Gbit/s", 1e9 / 8), ("10 Gbit/s", 10e9 / 8), ("25 Gbit/s", 25e9 / 8)]
for name, scale in [("ResNet-20 s=0.111", 1), ("100x larger model", 100)]:
    tc, s = t_c * scale, state * scale
    print(f"\n{name}: t_c = {tc * 1e3:.0f} ms/step, state {s / 1e6:.2f} MB, t_0 = {t_0 * 1e3:.0f} ms")
    print("| P | K | " + " | ".join(b for b, _ in bandwidths) + " |")
    print("|---|---|" + "---|" * len(bandwidths))
    for p in (8, 32):
        for k in (1, 10, 100):
            cells = []
            for _, bw in bandwidths:
                sync = t_0 + (p + 1) * s / bw
                cells.append(f"{p * k * tc / (k * tc + sync):.1f}x")
            print(f"| {p} | {k} | " + " | ".join(cells) + " |")
