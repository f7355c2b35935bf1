#!/usr/bin/env python3
"""Writes the PyTorch-exported ResNet-20 that fnl4j's ONNX import is tested on.

The network is bench/pytorch_train.py's dense ResNet-20 for 1x28x28 images (option-A shortcuts,
global average pool, linear with bias), trained for one epoch (SGD, Nesterov momentum 0.9, lr 0.05,
batch 128, no augmentation) on the Fashion-MNIST subset shipped in datasets/fashion-mnist, so that
its weights and BatchNorm statistics are real. In eval mode it is exported with
torch.onnx.export at opset 13 (which folds BatchNorm into the convolutions and computes the
shortcut's channel padding with a small constant subgraph), and its logits for the first 16 test
images of the subset are written next to it:

  src/test/resources/onnx/resnet20-pytorch.onnx          the exported model (input "input", output "logits")
  src/test/resources/onnx/resnet20-pytorch-logits.txt    16 lines of 10 logits (first 16 test images)

Images are pixels/255 normalized (x - 0.2860) / 0.3530 (fnl4j's Normalization.fashionMnist()).
Run with Debian's torch 1.13 (the first python3 on PATH may have none), from the project root:
    /usr/bin/python3 bench/onnx_fixture.py
Seeded, but the float result depends on the machine's BLAS; the test compares against the
logits written here, not against a fixed value.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_train import MEAN, STD, ResNet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'datasets', 'fashion-mnist')
OUT = os.path.join(ROOT, 'src', 'test', 'resources', 'onnx')


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    _, _, ndim = struct.unpack('>HBB', data[:4])
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def images(prefix):
    x = read_idx(os.path.join(DATA, f'{prefix}-images-idx3-ubyte.gz')).astype(np.float32) / 255.0
    y = read_idx(os.path.join(DATA, f'{prefix}-labels-idx1-ubyte.gz')).astype(np.int64)
    return (torch.from_numpy(x).unsqueeze(1) - MEAN) / STD, torch.from_numpy(y)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x, y = images('train')
    model = ResNet(n=3, in_ch=1, classes=10)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    model.train()
    order = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        idx = order[i:i + 128]
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    tx, ty = images('t10k')
    with torch.no_grad():
        acc = (model(tx).argmax(1) == ty).float().mean().item()
        logits = model(tx[:16])
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'resnet20-pytorch.onnx')
    torch.onnx.export(model, tx[:1], path, opset_version=13, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, do_constant_folding=True)
    with open(os.path.join(OUT, 'resnet20-pytorch-logits.txt'), 'w') as f:
        for row in logits.numpy():
            f.write(' '.join(repr(float(v)) for v in row) + '\n')
    print(f'{path}: {os.path.getsize(path)} bytes; test accuracy of the trained model {acc:.4f}')


if __name__ == '__main__':
    main()
