#!/usr/bin/env python3
"""Runs the ONNX checker (onnx.checker.check_model, full_check: type and shape inference) on every
.onnx file given, e.g. the exports the ONNX tests leave in target/onnx-exports/. Prints one line per
file and exits 1 if any file fails."""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f'onnx checker: {path}: ok')
    except Exception as e:  # the checker raises several exception types
        failed += 1
        print(f'onnx checker: {path}: FAILED: {e}')
sys.exit(1 if failed else 0)
