#!/usr/bin/env python3
"""The PyTorch side of bench/side_by_side.sh: a plain PyTorch training loop over the real data,
built to do what `fnl train` does with its defaults, so that the two throughputs can be compared.

What it matches (read from fnl4j's sources; see bench/README.md):
  data      Fashion-MNIST from /usr/share/datasets/fashion-mnist (IDX, gzip), the first N training
            examples (`--train-limit N`), pixels/255, normalized (x - 0.2860) / 0.3530; a fresh
            shuffle every epoch; batches of 128, the last partial batch kept (fnl's DataLoader).
            Text: the shipped datasets/text/kjv-sample.txt.gz, character level, vocabulary = the
            sorted distinct code points of the whole text, the first floor(0.9 n) characters train;
            the first N of those (`--train-limit`); floor(N / (B T)) batches per epoch of B windows
            of T+1 characters at uniform random offsets (fnl's TextCorpus / Sources.textTrain).
  augment   random crop after zero padding of 2 px (28 px images) + horizontal flip with p = 1/2,
            per example, in pixel space before normalization (fnl's Augmentation), done here with
            tensor ops inside the loop on each batch.
  models    resnet20 (1x28x28, option-A shortcuts, Kaiming-normal conv/linear weights),
            resnet20 factorized with the paper scheme at rank ratio s (1 x kw conv in->r, then
            kh x 1 conv r->out, r = max(1, round(s out kh)); stem and classifier dense; spectral
            init from a Kaiming sample), mlp 784-512-512-10, transformer = fnl's TransformerLM
            (pre-LN, d 128, 4 heads, 2 layers, MLP 4d with tanh-GELU, bias-free attention
            projections, learned token and position embeddings, final LayerNorm, head with bias).
  recipe    images: SGD, Nesterov momentum 0.9, lr 0.1, cosine over fractional epochs, coupled L2
            weight decay 1e-4 on every parameter; factorized: no decay on the factors and
            Frobenius decay grad_U += wd U (V^T V), grad_Vt += wd (U^T U) Vt after backward.
            transformer: AdamW (0.9, 0.999, 1e-8), lr 1e-3, decoupled decay 1e-4 on every
            parameter, linear warm-up over 100 steps then cosine to 0 at the last step.
  measure   E epochs; each epoch's items/s over the training steps only (batch assembly and
            augmentation included, evaluation excluded), as fnl's metrics.jsonl does; the loss is
            read (.item()) and the correct predictions counted every step, as fnl's Trainer does.

Prints one JSON line on stdout. Run with Debian's torch (the first python3 on PATH may have none):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/pytorch_train.py \
        --model resnet20 --epochs 2 --train-limit 6400 --threads 2
Needs python3-torch, libopenblas0-openmp and dataset-fashion-mnist. Never run in CI.
"""
import argparse
import gzip
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION_DIR = '/usr/share/datasets/fashion-mnist'
MEAN, STD = 0.2860, 0.3530  # fnl4j Normalization.fashionMnist()


# ----------------------------------------------------------------------------------------- data

def read_idx(path, limit=0):
    """An IDX file (gzip) as a numpy uint8 array; only the first `limit` items when limit > 0."""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f'{path}: not an unsigned-byte IDX file')
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    return arr[:limit] if limit > 0 else arr


def fashion(split, limit):
    prefix = 'train' if split == 'train' else 't10k'
    x = read_idx(os.path.join(FASHION_DIR, f'{prefix}-images-idx3-ubyte.gz'), limit)
    y = read_idx(os.path.join(FASHION_DIR, f'{prefix}-labels-idx1-ubyte.gz'), limit)
    # Pixels/255 in [0, 1]; normalization happens per batch after augmentation (as fnl4j).
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1).contiguous()
    return x, torch.from_numpy(y.astype(np.int64))


def augment(x, pad, flip):
    """fnl4j's Augmentation on a batch (B, C, H, W) in pixel space: each example is shifted by
    (dy, dx) uniform in [-pad, pad] with zero fill (RandomCrop with padding) and mirrored with
    probability 1/2: out[y, x] = in[y + dy, (mirror ? W-1-x : x) + dx], zero outside."""
    b, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(-pad, pad + 1, (b,))
    dx = torch.randint(-pad, pad + 1, (b,))
    ar_h = torch.arange(h)
    ar_w = torch.arange(w)
    cols = ar_w.expand(b, w)
    if flip:
        mirror = torch.randint(0, 2, (b,)).bool()
        cols = torch.where(mirror[:, None], (w - 1 - ar_w).expand(b, w), cols)
    rows = ar_h[None, :] + dy[:, None] + pad          # (B, H)
    cols = cols + dx[:, None] + pad                   # (B, W)
    bi = torch.arange(b)[:, None, None]
    # (B, H, W, C) -> (B, C, H, W)
    return padded.permute(0, 2, 3, 1)[bi, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2).contiguous()


def kjv_corpus(path):
    """fnl4j's TextCorpus.load(path, 0.1): vocabulary and train/test ids."""
    with gzip.open(path, 'rb') as f:
        text = f.read().decode('utf-8')
    cps = np.frombuffer(text.encode('utf-32-le'), dtype=np.uint32)
    vocab, ids = np.unique(cps, return_inverse=True)
    split = math.floor(len(cps) * (1 - 0.1))
    ids = torch.from_numpy(ids.astype(np.int64))
    return len(vocab), ids[:split], ids[split:]


# --------------------------------------------------------------------------------------- models

class OptionA(nn.Module):
    """Option-A shortcut: every stride-th pixel, zero-pad (out - in)/2 channels on each side."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride, self.pad = stride, (cout - cin) // 2

    def forward(self, x):
        s = self.stride
        return F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, self.pad, self.pad))


class PaperConv(nn.Module):
    """fnl4j's FactorizedConv2d, paper scheme: the (out*kh) x (in*kw) kernel matrix = U Vt, run as a
    1 x kw conv in->r (weight Vt, width stride/padding) then a kh x 1 conv r->out (weight U viewed
    as (out, r, kh, 1), height stride/padding). U is (out*kh, r), Vt is (r, in, 1, kw)."""

    def __init__(self, cin, cout, k, stride, pad, ratio):
        super().__init__()
        self.cin, self.cout, self.k, self.stride, self.padding = cin, cout, k, stride, pad
        self.rank = max(1, round(ratio * cout * k))  # Python's round = half to even, as fnl4j's rint
        self.u = nn.Parameter(torch.empty(cout * k, self.rank))
        self.vt = nn.Parameter(torch.empty(self.rank, cin, 1, k))

    def spectral_init(self, kernel):
        """SI: truncated SVD of a dense kernel sample laid out as (out,kh) x (in,kw); U = A sqrt(S),
        Vt = sqrt(S) B^T (columns beyond min(rows, cols) stay zero)."""
        o, c, kh, kw = kernel.shape
        mat = kernel.permute(0, 2, 1, 3).reshape(o * kh, c * kw)
        a, s, bt = torch.linalg.svd(mat, full_matrices=False)
        p = min(self.rank, s.numel())
        root = s[:p].sqrt()
        with torch.no_grad():
            self.u.zero_()
            self.vt.zero_()
            self.u[:, :p] = a[:, :p] * root
            self.vt.view(self.rank, -1)[:p] = root[:, None] * bt[:p]

    def forward(self, x):
        r, k = self.rank, self.k
        w2 = self.u.view(self.cout, k, r).permute(0, 2, 1).reshape(self.cout, r, k, 1)
        h = F.conv2d(x, self.vt, None, (1, self.stride), (0, self.padding))
        return F.conv2d(h, w2, None, (self.stride, 1), (self.padding, 0))

    def frobenius_decay(self, wd):
        """grad_U += wd U (Vt Vt^T), grad_Vt += wd (U^T U) Vt: the gradient of (wd/2)||U Vt||_F^2."""
        u = self.u.detach()
        vt = self.vt.detach().view(self.rank, -1)
        self.u.grad.add_(u @ (vt @ vt.t()), alpha=wd)
        self.vt.grad.view(self.rank, -1).add_((u.t() @ u) @ vt, alpha=wd)


def conv3x3(cin, cout, stride, ratio):
    if ratio is None:
        return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
    return PaperConv(cin, cout, 3, stride, 1, ratio)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, ratio):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride, ratio)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout, 1, ratio)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = OptionA(cin, cout, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet(nn.Module):
    """fnl4j's ResNet (6n+2, width 16/32/64), global average pool, linear with bias."""

    def __init__(self, n=3, in_ch=1, classes=10, ratio=None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        cin, stages = 16, []
        for stage in range(3):
            cout = 16 << stage
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(cin, cout, 2 if b == 0 and stage > 0 else 1, ratio))
                cin = cout
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.linear = nn.Linear(cin, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
            elif isinstance(m, PaperConv):
                # SI from a sample of the dense layer's own init (Kaiming normal, fan_in = in*kh*kw).
                dense = torch.empty(m.cout, m.cin, m.k, m.k)
                nn.init.kaiming_normal_(dense, mode='fan_in', nonlinearity='relu')
                m.spectral_init(dense)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.linear(x.mean((2, 3)))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


class Block(nn.Module):
    """fnl4j's TransformerBlock: pre-LN, causal multi-head attention with bias-free projections, MLP
    Linear(d, 4d) -> tanh-GELU -> Linear(4d, d). PyTorch's nn.MultiheadAttention packs W_Q, W_K, W_V
    into one (3d, d) in-projection: the same parameters and function as fnl4j's three projections."""

    def __init__(self, d, heads, ratio=4):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
        nn.init.xavier_uniform_(self.attn.out_proj.weight)  # fnl4j: W_O Xavier-uniform, gain 1
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, ratio * d), nn.GELU(approximate='tanh'), nn.Linear(ratio * d, d))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TransformerLM(nn.Module):
    def __init__(self, vocab, context=64, d=128, heads=4, layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)   # N(0, 1), as fnl4j
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        self.register_buffer('mask', torch.triu(torch.full((context, context), float('-inf')), 1), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos.weight[:t]
        mask = self.mask[:t, :t]
        for b in self.blocks:
            x = b(x, mask)
        return self.head(self.ln(x))


# ------------------------------------------------------------------------------------- training

def cosine(t, total, warmup=0.0):
    """fnl4j's LrSchedule.cosine(total, warmup, 0) factor at position t."""
    if t < warmup:
        return min(1.0, (max(0.0, t) + 1) / warmup)
    p = min(1.0, (t - warmup) / (total - warmup))
    return 0.5 * (1 + math.cos(math.pi * p))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', required=True, choices=['resnet20', 'resnet20-factorized', 'mlp', 'transformer'])
    ap.add_argument('--rank', type=float, default=0.111, help='rank ratio s of resnet20-factorized')
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--train-limit', type=int, default=0, help='first N training examples (tokens for text); 0 = all')
    ap.add_argument('--test-limit', type=int, default=256, help='first N test examples (tokens) evaluated after each epoch')
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--context', type=int, default=64)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--text', default=None, help='text corpus (default: datasets/text/kjv-sample.txt.gz of this checkout)')
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    wd = 1e-4
    b = a.batch
    text = a.model == 'transformer'
    frob = []
    if text:
        path = a.text or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'datasets', 'text',
                                      'kjv-sample.txt.gz')
        vocab, train_ids, test_ids = kjv_corpus(path)
        if 0 < a.train_limit < len(train_ids):
            train_ids = train_ids[:a.train_limit]
        if 0 < a.test_limit < len(test_ids):
            test_ids = test_ids[:a.test_limit]
        model = TransformerLM(vocab, a.context)
        nb = max(1, len(train_ids) // (b * a.context))
        n_items = nb * b * a.context
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
        lr0, total, warmup = 1e-3, max(a.epochs * nb, 101), 100
        schedule = lambda epoch, i, step: cosine(step, total, warmup)
        unit = 'tok'
    else:
        train_x, train_y = fashion('train', a.train_limit)
        test_x, test_y = fashion('test', a.test_limit)
        if a.model == 'mlp':
            model = mlp()
        else:
            model = ResNet(3, ratio=a.rank if a.model == 'resnet20-factorized' else None)
        frob = [m for m in model.modules() if isinstance(m, PaperConv)]
        factors = {id(p) for m in frob for p in (m.u, m.vt)}
        rest = [p for p in model.parameters() if id(p) not in factors]
        groups = [{'params': rest, 'weight_decay': wd}]
        if frob:
            groups.append({'params': [p for m in frob for p in (m.u, m.vt)], 'weight_decay': 0.0})
        opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9, nesterov=True, weight_decay=wd)
        lr0 = 0.1
        n = train_x.shape[0]
        nb = (n + b - 1) // b
        n_items = n
        schedule = lambda epoch, i, step: cosine(epoch + i / nb, a.epochs)
        unit = 'img'
    params = sum(p.numel() for p in model.parameters())

    def image_batch(order, i):
        idx = order[i * b:(i + 1) * b]
        x = augment(train_x[idx], 2, True)
        return (x - MEAN) / STD, train_y[idx]

    span = len(train_ids) - a.context if text else 0
    ar_t = torch.arange(a.context) if text else None

    def text_batch():
        offs = torch.randint(0, span, (b,))
        idx = offs[:, None] + ar_t
        return train_ids[idx], train_ids[idx + 1]

    def evaluate():
        model.eval()
        correct = seen = 0
        loss_sum = 0.0
        with torch.no_grad():
            if text:
                streams = len(test_ids) // b
                if streams >= 2:
                    s = test_ids[:streams * b].view(b, streams)
                    for start in range(0, streams - 1, a.context):
                        t = min(a.context, streams - 1 - start)
                        x, y = s[:, start:start + t], s[:, start + 1:start + 1 + t]
                        out = model(x)
                        loss_sum += F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1), reduction='sum').item()
                        correct += (out.argmax(-1) == y).sum().item()
                        seen += y.numel()
            else:
                for i in range(0, test_x.shape[0], max(b, 256)):
                    x, y = (test_x[i:i + max(b, 256)] - MEAN) / STD, test_y[i:i + max(b, 256)]
                    out = model(x)
                    loss_sum += F.cross_entropy(out, y, reduction='sum').item()
                    correct += (out.argmax(-1) == y).sum().item()
                    seen += y.numel()
        model.train()
        return (correct / seen, loss_sum / seen) if seen else (float('nan'), float('nan'))

    history = []
    step = 0
    model.train()
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n_items) if not text else None
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(nb):
            x, y = text_batch() if text else image_batch(order, i)
            f = schedule(epoch, i, step)
            for g in opt.param_groups:
                g['lr'] = lr0 * f
            opt.zero_grad(set_to_none=True)
            out = model(x)
            if text:
                loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
            else:
                loss = F.cross_entropy(out, y)
            lv = loss.item()
            if not math.isfinite(lv):
                raise SystemExit(f'pytorch_train: training loss is {lv} at epoch {epoch + 1}, batch {i + 1}')
            loss.backward()
            for m in frob:
                m.frobenius_decay(wd)
            opt.step()
            step += 1
            k = y.numel()
            loss_sum += lv * k
            correct += (out.detach().argmax(-1) == y).sum().item()
            seen += k
        seconds = time.perf_counter() - t0
        acc, test_loss = evaluate()
        history.append({'epoch': epoch + 1, 'items': seen, 'seconds': seconds, 'items_per_second': round(seen / seconds, 1),
                        'epoch_seconds': round(seconds, 3), 'train_loss': round(loss_sum / seen, 4),
                        'train_accuracy': round(correct / seen, 4), 'test_accuracy': round(acc, 4),
                        'test_loss': round(test_loss, 4)})
        print(f'pytorch_train: epoch {epoch + 1}/{a.epochs}: {seen / seconds:.0f} {unit}/s, {seconds:.1f} s, '
              f'train loss {loss_sum / seen:.4f}, test accuracy {acc:.4f}', file=sys.stderr)

    after = history[1:] or history
    print(json.dumps({
        'peer': 'pytorch ' + torch.__version__, 'model': a.model,
        'rank': a.rank if a.model == 'resnet20-factorized' else None,
        'ranks': sorted({m.rank for m in frob}) or None,
        'params': params, 'threads': a.threads, 'batch': b, 'train_limit': a.train_limit,
        'items_per_epoch': seen, 'batches_per_epoch': nb, 'unit': unit,
        'items_per_second': history[-1]['items_per_second'],
        # Epochs 2..E together (epoch 1 is the warm-up): total items / total training seconds.
        'items_per_second_after_warmup': round(sum(h['items'] for h in after)
                                               / sum(h['seconds'] for h in after), 1),
        'epochs': [{k: v for k, v in h.items() if k != 'seconds'} for h in history],
        'max_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == '__main__':
    main()
