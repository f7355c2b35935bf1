#!/usr/bin/env python3
"""Re-cuts the small datasets shipped in this folder (run from anywhere; needs only Python 3).

  fashion-mnist/  the first 10,000 training and the first 2,000 test images and labels of
                  Fashion-MNIST, read from Debian's dataset-fashion-mnist package
                  (/usr/share/datasets/fashion-mnist/, or the directory given with --fashion-src).
  text/           King James Bible, Genesis 1:1 through Judges 21:25, from Debian's bible-kjv
                  (the `bible` command), verse references stripped, one verse per line.

The output is byte-for-byte reproducible: gzip headers carry no file name and mtime 0.
"""
import argparse
import gzip
import os
import struct
import subprocess
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def write_gz(path, data):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)


def cut_idx(src, dst, count, magic):
    with gzip.open(src, "rb") as f:
        data = f.read()
    got_magic, n = struct.unpack(">II", data[:8])
    if got_magic != magic:
        raise SystemExit(f"{src}: magic 0x{got_magic:08x}, expected 0x{magic:08x}")
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * (ndims - 1), data[8:8 + 4 * (ndims - 1)]) if ndims > 1 else ()
    if count > n:
        raise SystemExit(f"{src}: has {n} items, cannot cut {count}")
    item = 1
    for d in dims:
        item *= d
    header = struct.pack(">II", magic, count) + b"".join(struct.pack(">I", d) for d in dims)
    body_start = 4 * (ndims + 1)
    write_gz(dst, header + data[body_start:body_start + count * item])
    print(f"{dst}: {count} of {n} items, item shape {dims}")


def cut_fashion(src_dir, train_n, test_n):
    out = os.path.join(HERE, "fashion-mnist")
    os.makedirs(out, exist_ok=True)
    for prefix, n in (("train", train_n), ("t10k", test_n)):
        cut_idx(os.path.join(src_dir, f"{prefix}-images-idx3-ubyte.gz"),
                os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), n, 0x00000803)
        cut_idx(os.path.join(src_dir, f"{prefix}-labels-idx1-ubyte.gz"),
                os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), n, 0x00000801)


def cut_text(verses):
    text = subprocess.run(["bible", "-f", verses], check=True, capture_output=True, text=True).stdout
    # Same as: sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //'
    text = "".join(re.sub(r"^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ ", "", line) for line in text.splitlines(True))
    out = os.path.join(HERE, "text")
    os.makedirs(out, exist_ok=True)
    dst = os.path.join(out, "kjv-sample.txt.gz")
    write_gz(dst, text.encode("ascii"))
    print(f"{dst}: {len(text)} characters ({verses})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fashion-src", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--train", type=int, default=10000)
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--verses", default="gen1:1-jdg21:25")
    ap.add_argument("--skip-text", action="store_true")
    ap.add_argument("--skip-fashion", action="store_true")
    a = ap.parse_args()
    if not a.skip_fashion:
        cut_fashion(a.fashion_src, a.train, a.test)
    if not a.skip_text:
        cut_text(a.verses)
