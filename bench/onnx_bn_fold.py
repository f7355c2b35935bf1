#!/usr/bin/env python3
"""BatchNormalization nodes or BatchNorm folded into the convolutions: which runs faster in ONNX Runtime?

Takes an ONNX file fnl4j exported (Conv -> BatchNormalization pairs, e.g. the dense ResNet-20 the tests
leave in target/onnx-exports/resnet20-dense.onnx), writes a copy with every BatchNormalization that
follows a Conv folded into that Conv's weight and bias, checks that both give the same logits, and
times both with ONNX Runtime (Python) on batch 64, alternating the two files, with the default graph
optimizations and with them disabled. Needs the Python packages onnx, onnxruntime and numpy (the
python3 first on PATH here; not Debian's /usr/bin/python3). Usage:
    python3 bench/onnx_bn_fold.py target/onnx-exports/resnet20-dense.onnx --threads 1 --rounds 3
"""
import argparse
import statistics
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def fold(model):
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    producers = {n.output[0]: n for n in g.node}
    drop = []
    for bn in [n for n in g.node if n.op_type == 'BatchNormalization']:
        conv = producers.get(bn.input[0])
        if conv is None or conv.op_type != 'Conv':
            continue
        eps = next((a.f for a in bn.attribute if a.name == 'epsilon'), 1e-5)
        scale, b, mean, var = (numpy_helper.to_array(inits[x]) for x in bn.input[1:5])
        w = numpy_helper.to_array(inits[conv.input[1]])
        bias = numpy_helper.to_array(inits[conv.input[2]]) if len(conv.input) > 2 else np.zeros(w.shape[0], np.float32)
        k = scale / np.sqrt(var + eps)
        inits[conv.input[1]].CopyFrom(numpy_helper.from_array((w * k[:, None, None, None]).astype(np.float32),
                                                               conv.input[1]))
        name = conv.output[0] + '.folded_bias'
        g.initializer.append(numpy_helper.from_array(((bias - mean) * k + b).astype(np.float32), name))
        del conv.input[2:]
        conv.input.append(name)
        conv.output[0] = bn.output[0]
        drop.append(bn)
    for n in drop:
        g.node.remove(n)
    used = {i for n in g.node for i in n.input}
    for t in [t for t in g.initializer if t.name not in used]:
        g.initializer.remove(t)
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument('model')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--calls', type=int, default=30)
    a = p.parse_args()
    bn_bytes = onnx.load(a.model).SerializeToString()
    folded = fold(onnx.load(a.model))
    onnx.checker.check_model(folded)
    folded_bytes = folded.SerializeToString()
    x = np.random.default_rng(0).standard_normal((64, 1, 28, 28)).astype(np.float32)
    for level in [ort.GraphOptimizationLevel.ORT_ENABLE_ALL, ort.GraphOptimizationLevel.ORT_DISABLE_ALL]:
        sessions = {}
        for label, b in [('BatchNormalization', bn_bytes), ('folded', folded_bytes)]:
            o = ort.SessionOptions()
            o.intra_op_num_threads = a.threads
            o.inter_op_num_threads = 1
            o.graph_optimization_level = level
            sessions[label] = ort.InferenceSession(b, o, providers=['CPUExecutionProvider'])
        outs = {k: s.run(None, {'images': x})[0] for k, s in sessions.items()}
        diff = float(np.abs(outs['folded'] - outs['BatchNormalization']).max() / np.abs(outs['BatchNormalization']).max())
        times = {k: [] for k in sessions}
        for _ in range(a.rounds):
            for k, s in sessions.items():
                for _ in range(5):
                    s.run(None, {'images': x})
                t = []
                for _ in range(a.calls):
                    t0 = time.perf_counter()
                    s.run(None, {'images': x})
                    t.append(time.perf_counter() - t0)
                times[k].append(statistics.median(t) * 1000)
        print(f'{level.name}, {a.threads} thread(s), batch 64: relative logit difference {diff:.1e}; median ms per call '
              + '; '.join(f'{k}: ' + ', '.join(f'{v:.1f}' for v in ts) for k, ts in times.items()))


if __name__ == '__main__':
    main()
