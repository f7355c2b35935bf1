#!/usr/bin/env python3
"""InferenceBench results (JMH JSON, one file per run: -rf json -rff runN.json) as the markdown table of
docs/onnx.md: per model and thread count, fnl4j and ONNX Runtime batch-1 latency (median and p99 of
the per-call time) and batch-64 throughput (64 / median call time), each the median over the runs,
and the ratios fnl4j / ONNX Runtime as the median over the runs of each run's ratio (the two
runtimes of a setting run back to back, so each run's ratio compares the same minutes; > 1 means
fnl4j is faster). Also prints every run's pair. Usage: python3 jmh/scripts/inference_table.py run1.json run2.json ..."""
import json
import statistics
import sys
from collections import defaultdict

runs = [json.load(open(p)) for p in sys.argv[1:]]
# (model, threads, batch, runtime) -> list over runs of (p50 us, p99 us)
cells = defaultdict(list)
for run in runs:
    for b in run:
        p = b['params']
        threads = int(p.get('nThreads', p.get('threads')))
        pct = b['primaryMetric']['scorePercentiles']
        unit = b['primaryMetric']['scoreUnit']
        scale = {'us/op': 1.0, 'ms/op': 1000.0, 'ns/op': 0.001}[unit]
        cells[(p['model'], threads, int(p['batch']), p['runtime'])].append((pct['50.0'] * scale, pct['99.0'] * scale))

names = {'resnet20': 'ResNet-20 dense', 'resnet20-s0.111': 'ResNet-20 factorized s = 0.111', 'mlp': 'MLP 784-512-512-10'}
print('| model | threads | batch 1 median / p99, fnl4j | batch 1 median / p99, ONNX Runtime | batch 1 speed fnl4j / ORT | '
      'batch 64, fnl4j | batch 64, ONNX Runtime | batch 64 throughput fnl4j / ORT (median of per-run ratios) |')
print('|---|---|---|---|---|---|---|---|')


def pair_ratio(model, threads, batch):
    """Median over the runs of (ORT call time / fnl4j call time) within each run: > 1 means fnl4j is faster."""
    f, o = cells.get((model, threads, batch, 'fnl4j'), []), cells.get((model, threads, batch, 'onnxruntime'), [])
    if not f or not o:
        return '–'
    return f'{statistics.median(b[0] / a[0] for a, b in zip(f, o)):.2f}'


def fmt_us(v):
    return f'{v / 1000:.2f} ms' if v >= 1000 else f'{v:.0f} µs'


for model in ['resnet20', 'resnet20-s0.111', 'mlp']:
    for threads in [1, 2]:
        row = [names[model], str(threads)]
        lat = {}
        for rt in ['fnl4j', 'onnxruntime']:
            v = cells.get((model, threads, 1, rt))
            if not v:
                row.append('–')
                continue
            p50 = statistics.median(x[0] for x in v)
            p99 = statistics.median(x[1] for x in v)
            lat[rt] = p50
            row.append(f'{fmt_us(p50)} / {fmt_us(p99)}')
        row.append(pair_ratio(model, threads, 1))
        thr = {}
        for rt in ['fnl4j', 'onnxruntime']:
            v = cells.get((model, threads, 64, rt))
            if not v:
                row.append('–')
                continue
            ips = statistics.median(64 / (x[0] / 1e6) for x in v)
            thr[rt] = ips
            row.append(f'{ips:,.0f} img/s')
        row.append(pair_ratio(model, threads, 64))
        print('| ' + ' | '.join(row) + ' |')

print()
print('Every run (median call time, µs; ratio = ORT time / fnl4j time):')
for key in sorted({k[:3] for k in cells}):
    f, o = cells.get(key + ('fnl4j',), []), cells.get(key + ('onnxruntime',), [])
    pairs = ', '.join(f'{a[0]:.0f} vs {b[0]:.0f} ({b[0] / a[0]:.2f})' for a, b in zip(f, o))
    print(f'  {key[0]} threads {key[1]} batch {key[2]}: {pairs}')
