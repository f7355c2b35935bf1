#!/usr/bin/env python3
"""Where a training step's time goes: sample `fnl train` with Java Flight Recorder and group the
CPU samples by what the code is doing.

    bench/profile_step.py [--model resnet20] [--rank dense|0.111] [--train-limit 6400] [--threads 2] [--top N]

Runs `./fnl train` on the full Fashion-MNIST (one epoch over --train-limit images, dense or
factorized as --rank says) with JFR's execution sampler (`settings=profile`, a sample every 10-20 ms
per running thread), then prints the share of samples per category, for all threads and for the
main thread outside the kernel thread pool (the serial part of a step). A sample is put in the
category of its innermost fnl4j frame. Needs: a JDK with `jfr` (the one ./fnl picks), python3.
Shares, not seconds: JFR samples only threads that are running Java code.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

CATEGORIES = [
    # The conv kernels' data movement (row copies, the dy transpose, gathers) before their arithmetic.
    ('conv buffers: source fill, dy transpose, partial sums',
     r'ConvImplicit|ConvIm2col|ConvDepthwise|ConvKernel\.(copyRows|transpose|gather|addRows)\b'),
    ('conv micro-kernels', r'SimdConvKernel|ScalarConvKernel'),
    ('GEMM (linear layers, strided conv input gradient)', r'Gemm'),
    ('batch norm (+ fused add/ReLU)', r'SimdNorm|ScalarNorm|kernel\.Norm\b|kernel\.Norm\$'),
    ('elementwise, pooling, padding, reductions', r'Elementwise|Padding|Pool|Reduce|Softmax'),
    ('idle pool thread (spinning or parked)', r'Parallel\$Worker'),
    ('waiting for the pool to finish a job', r'Parallel\$Job\.await|Parallel\.forChunks'),
    ('tape, tensors, gradient buffers', r'GradPool|tensor\.Tensor|autograd\.'),
    ('optimizer and decay', r'ParamUpdate|optim\.|regularize\.'),
    ('data loading and augmentation', r'fnl4j\.data\.|Sources'),
    ('loss', r'Losses'),
]


def classify(frames):
    fnl = [f for f in frames if f.startswith('org.fnl4j.')]
    if not fnl:
        return 'JVM (JIT, GC helpers, JDK code)'
    for name, pat in CATEGORIES:
        if re.search(pat, fnl[0]):
            return name
    return 'other fnl4j code'


def find_jfr():
    """The jfr tool of the JDK ./fnl runs: JAVA_HOME's, else the newest under /usr/lib/jvm."""
    if os.environ.get('JAVA_HOME'):
        return os.path.join(os.environ['JAVA_HOME'], 'bin', 'jfr')
    homes = [os.path.join('/usr/lib/jvm', d) for d in os.listdir('/usr/lib/jvm')]
    homes = [h for h in homes if os.path.isfile(os.path.join(h, 'bin', 'jfr')) and not os.path.islink(h)]
    version = lambda h: subprocess.run([os.path.join(h, 'bin', 'java'), '-XshowSettings:properties', '-version'],
                                       capture_output=True, text=True).stderr
    spec = lambda h: int((re.search(r'java\.specification\.version = (\d+)', version(h)) or [0, 0])[1])
    return os.path.join(max(homes, key=spec), 'bin', 'jfr')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', default='resnet20')
    ap.add_argument('--rank', default='dense')
    ap.add_argument('--train-limit', type=int, default=6400)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--top', type=int, default=0, help='also print the N innermost fnl4j methods with most samples')
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp(prefix='fnl-profile-')
    jfr = os.path.join(tmp, 'step.jfr')
    env = dict(os.environ)
    env['FNL_JAVA_OPTS'] = (env.get('FNL_JAVA_OPTS', '') + f' -XX:StartFlightRecording=filename={jfr},settings=profile').strip()
    extra = ['--init', 'default', '--decay', 'weight'] if a.rank == 'dense' else []
    cmd = [os.path.join(root, 'fnl'), 'train', '--data', 'fashion-mnist:full', '--model', a.model, '--rank', a.rank,
           *extra, '--epochs', '1', '--train-limit', str(a.train_limit), '--test-limit', '500', '--no-plots',
           '--threads', str(a.threads), '--out', os.path.join(tmp, 'run')]
    print('running:', ' '.join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    jfr_tool = find_jfr()
    out = subprocess.run([jfr_tool, 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', jfr],
                         capture_output=True, text=True, check=True).stdout
    total, serial, methods = collections.Counter(), collections.Counter(), collections.Counter()
    for ev in out.split('jdk.ExecutionSample')[1:]:
        th = re.search(r'sampledThread = "([^"]+)"', ev)
        thread = th.group(1) if th else '?'
        frames = re.findall(r'^\s+([\w.$<>]+)\(', ev, re.M)
        if not any(f.startswith('org.fnl4j.') for f in frames) and thread != 'main':
            continue  # JVM threads outside the run (compiler, GC) are not the step's time
        cat = classify(frames)
        total[cat] += 1
        methods[next((f for f in frames if f.startswith('org.fnl4j.')), frames[0] if frames else '?')] += 1
        if thread == 'main' and not any('Parallel$Job.work' in f for f in frames):
            serial[cat] += 1
    n = sum(total.values())
    print(f'{n} samples, {a.model} rank {a.rank}, {a.threads} threads, {a.train_limit} images')
    print(f'{"share":>6}  {"serial":>6}  category (serial = main thread outside the pool)')
    for cat, v in total.most_common():
        print(f'{100 * v / n:5.1f}%  {100 * serial[cat] / n:5.1f}%  {cat}')
    if a.top:
        print(f'\n{"share":>6}  innermost fnl4j method')
        for m, v in methods.most_common(a.top):
            print(f'{100 * v / n:5.1f}%  {m}')


if __name__ == '__main__':
    main()
