#!/usr/bin/env python3
"""The PyTorch peer for fnl4j's training-throughput table (issue 4).

Measures training images/s (tokens/s for the LM) on this CPU for the same models and batch
sizes fnl4j's `fnl bench` measures: ResNet-20 (1x28x28, dense and low-rank s=0.111 paper scheme),
MLP 784-512-512-10, and a 2-layer d=128 pre-LN Transformer LM with context 64.

Run with the Debian torch (the first python3 on PATH may have none):
    /usr/bin/python3 bench/pytorch_peer.py --threads 2
Needs python3-torch and libopenblas0-openmp. Never run in CI.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def conv3x3(cin, cout, stride, rank_ratio):
    if rank_ratio is None:
        return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
    # Paper scheme: 1x3 conv in->r (width stride), then 3x1 conv r->out (height stride).
    r = max(1, round(rank_ratio * cout * 3))
    return nn.Sequential(nn.Conv2d(cin, r, (1, 3), (1, stride), (0, 1), bias=False),
                         nn.Conv2d(r, cout, (3, 1), (stride, 1), (1, 0), bias=False))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, rank_ratio):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride, rank_ratio)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout, 1, rank_ratio)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            pad = (cout - cin) // 2
            self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::stride, ::stride], (0, 0, 0, 0, pad, pad)))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n, in_ch=1, classes=10, rank_ratio=None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                layers.append(BasicBlock(cin, cout, stride if i == 0 else 1, rank_ratio))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate='tanh'), nn.Linear(4 * d, d))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TransformerLM(nn.Module):
    def __init__(self, vocab, d=128, heads=4, layers=2, context=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        self.register_buffer('mask', torch.triu(torch.full((context, context), float('-inf')), 1))

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(t))
        for b in self.blocks:
            x = b(x, self.mask[:t, :t])
        return self.head(self.ln(x))


def bench(model, make_batch, loss_fn, items_per_batch, seconds, warmup=3):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    model.train()
    x, y = make_batch()
    for _ in range(warmup):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t0 = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    # mean (total items / total time, what JMH's average time gives) and median step rate
    return items_per_batch * len(times) / sum(times), items_per_batch / sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--seconds', type=float, default=10)
    ap.add_argument('--only', default='resnet20,resnet20-lowrank,mlp,transformer')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    b = a.batch
    ce = nn.CrossEntropyLoss()
    results = {}
    img = lambda: (torch.randn(b, 1, 28, 28), torch.randint(0, 10, (b,)))
    for name in a.only.split(','):
        if name == 'resnet20':
            results[name] = bench(ResNet(3), img, ce, b, a.seconds)
        elif name == 'resnet20-lowrank':
            results[name] = bench(ResNet(3, rank_ratio=0.111), img, ce, b, a.seconds)
        elif name == 'mlp':
            mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
            results[name] = bench(mlp, img, ce, b, a.seconds)
        elif name == 'transformer':
            vocab, ctx, lm_batch = 80, 64, b
            lm = TransformerLM(vocab, context=ctx)
            tok = lambda: (torch.randint(0, vocab, (lm_batch, ctx)), torch.randint(0, vocab, (lm_batch, ctx)))
            lm_loss = lambda out, y: ce(out.reshape(-1, vocab), y.reshape(-1))
            results[name] = bench(lm, tok, lm_loss, lm_batch * ctx, a.seconds)
    print(json.dumps({'peer': 'pytorch ' + torch.__version__, 'threads': a.threads, 'batch': b,
                      'mean_items_per_second': {k: round(v[0], 1) for k, v in results.items()},
                      'median_items_per_second': {k: round(v[1], 1) for k, v in results.items()}}))


if __name__ == '__main__':
    main()
