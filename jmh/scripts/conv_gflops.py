#!/usr/bin/env python3
"""Converts ConvBench's JMH table (ms/op) into GFLOP/s.

Usage: java ... -jar jmh/target/benchmarks.jar ConvBench ... | python3 jmh/scripts/conv_gflops.py
GFLOP/s = 2*MACs / time per pass (3 passes for the `all` benchmark), MACs as ConvShape.macs():
batch * out * outH * outW * in * 3 * 3 for a 3x3, pad-1 layer.
"""
import re
import sys


def macs(layer, batch):
    cs, rest = layer.split("x")
    h, s = (int(t) for t in rest.split("s"))
    cin, cout = (int(t) for t in cs.split("to")) if "to" in cs else (int(cs), int(cs))
    oh = (h + 2 - 3) // s + 1
    return batch * cout * oh * oh * cin * 9


ROW = re.compile(r"^ConvBench\.(\w+)\s+(\d+)\s+(\w+)\s+(\S+)\s+(\d+)\s+avgt\s+\d+\s+([\d.]+)\s+±\s+([\d.]+)\s+ms/op")
for line in sys.stdin:
    m = ROW.match(line.strip())
    if not m:
        continue
    bench, batch, impl, layer, threads, score, err = m.groups()
    passes = 3 if bench == "all" else 1
    gf = 2 * passes * macs(layer, int(batch)) / (float(score) * 1e-3) / 1e9
    print(f"{layer:12s} {bench:15s} impl={impl:7s} threads={threads}  {float(score):9.2f} ms  {gf:7.1f} GFLOP/s")
