#!/usr/bin/env bash
# bench/side_by_side.sh: training throughput of fnl4j (`./fnl train`) and of a plain PyTorch loop
# (bench/pytorch_train.py) on the same real data, model, recipe, batch size and augmentation,
# run back to back and alternating (fnl, torch, fnl, torch, ...). Prints each pair, its ratio
# fnl/torch, the median ratio per model, both parameter counts (it stops if they differ) and each
# side's peak RSS (/usr/bin/time -v). Nothing is hard-coded: every figure is measured by this run.
# See bench/README.md. Run from anywhere; e.g.:
#     bench/side_by_side.sh                       # all four models, 2 threads, 2 rounds
#     bench/side_by_side.sh --only resnet20,mlp --rounds 3
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/side_by_side.sh [--threads N] [--rounds R] [--only MODEL[,MODEL..]] [--java-home DIR]
                             [--train-limit N] [--keep]
  --threads N       threads for both sides (default 2)
  --rounds R        alternations fnl, torch per model (default 2; at least 2 for a quotable median)
  --only LIST       models among: resnet20, resnet20-s0.111, mlp, transformer (default: all four)
  --java-home DIR   JDK for ./fnl (passed as JAVA_HOME; default: what ./fnl picks)
  --train-limit N   override every model's training-set size N (for smoke tests only)
  --keep            keep the work directory (logs, fnl run directories) instead of deleting it
Environment: PYTHON (default /usr/bin/python3, which must have torch).
EOF
}

threads=2
rounds=2
only="resnet20,resnet20-s0.111,mlp,transformer"
java_home=""
limit_override=""
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="${2:?--threads needs a value}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --only) only="${2:?--only needs a value}"; shift 2 ;;
    --java-home) java_home="${2:?--java-home needs a value}"; shift 2 ;;
    --train-limit) limit_override="${2:?--train-limit needs a value}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "side_by_side: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for v in threads rounds; do
  if ! [[ "${!v}" =~ ^[1-9][0-9]*$ ]]; then echo "side_by_side: --$v must be a positive integer, got '${!v}'" >&2; exit 2; fi
done
if [ -n "$limit_override" ] && ! [[ "$limit_override" =~ ^[1-9][0-9]*$ ]]; then
  echo "side_by_side: --train-limit must be a positive integer, got '$limit_override'" >&2; exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PYTHON="${PYTHON:-/usr/bin/python3}"
TIME=/usr/bin/time

# ---- per model: fnl flags | torch flags | training-set size N | epochs | test limit ------------------
# N is chosen for an epoch of roughly 10 s on 2 threads (ResNet-20 runs ~400-900 img/s, the MLP
# ~25k img/s, the transformer ~40k tokens/s). The MLP's whole training set (60k) is only ~2.5 s per
# epoch, so it runs 5 epochs; the figure is always epochs 2..E together (epoch 1 is the warm-up).
declare -A FNL TORCH N EPOCHS TESTLIM
FNL[resnet20]="--data fashion-mnist:full --model resnet20 --rank dense --init default --decay weight"
TORCH[resnet20]="--model resnet20"
N[resnet20]=6400; EPOCHS[resnet20]=2; TESTLIM[resnet20]=256
FNL[resnet20-s0.111]="--data fashion-mnist:full --model resnet20 --rank 0.111 --conv-scheme paper --init spectral --decay frobenius"
TORCH[resnet20-s0.111]="--model resnet20-factorized --rank 0.111"
N[resnet20-s0.111]=6400; EPOCHS[resnet20-s0.111]=2; TESTLIM[resnet20-s0.111]=256
FNL[mlp]="--data fashion-mnist:full --model mlp --rank dense --init default --decay weight"
TORCH[mlp]="--model mlp"
N[mlp]=60000; EPOCHS[mlp]=5; TESTLIM[mlp]=256
FNL[transformer]="--data text --model transformer --rank dense --init default --decay weight"
TORCH[transformer]="--model transformer --text datasets/text/kjv-sample.txt.gz"
N[transformer]=409600; EPOCHS[transformer]=2; TESTLIM[transformer]=2048

IFS=',' read -r -a models <<< "$only"
for m in "${models[@]}"; do
  if [ -z "${FNL[$m]:-}" ]; then
    echo "side_by_side: unknown model '$m' (known: resnet20, resnet20-s0.111, mlp, transformer)" >&2; exit 2
  fi
done

# ---- prerequisites -------------------------------------------------------------------------------------
fail() { echo "side_by_side: $*" >&2; exit 1; }
[ -x "$TIME" ] || fail "$TIME not found (apt-get install time)"
"$PYTHON" -c 'import torch, numpy' 2>/dev/null \
  || fail "$PYTHON cannot import torch and numpy (apt-get install python3-torch libopenblas0-openmp; set PYTHON)"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] \
  || fail "/usr/share/datasets/fashion-mnist not found (apt-get install dataset-fashion-mnist)"
[ -f datasets/text/kjv-sample.txt.gz ] || fail "datasets/text/kjv-sample.txt.gz not found (run from an fnl4j checkout)"

fnl_env=()
if [ -n "$java_home" ]; then
  [ -x "$java_home/bin/java" ] || fail "--java-home $java_home has no bin/java"
  fnl_env=(JAVA_HOME="$java_home")
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/side_by_side.XXXXXX")"
if [ -z "$keep" ]; then trap 'rm -rf "$work"' EXIT; fi

# Build the jar now (./fnl does it on first use) so that no build lands inside a measurement.
env "${fnl_env[@]}" ./fnl --help > "$work/fnl-build.log" 2>&1 || { cat "$work/fnl-build.log" >&2; fail "./fnl failed to start"; }
java_line="$(env "${fnl_env[@]}" ./fnl --help 2>&1 >/dev/null | sed -n 's/^fnl: using //p' | head -1)"
torch_line="$("$PYTHON" -c 'import torch; print("torch", torch.__version__)')"
echo "side_by_side: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, threads $threads, rounds $rounds"
echo "side_by_side: fnl: ${java_line:-?}; peer: $torch_line ($PYTHON, OpenBLAS without OPENBLAS_CORETYPE/L2_SIZE)"
echo "side_by_side: logs in $work${keep:+ (kept)}"

# peak RSS in MB from a /usr/bin/time -v report
rss_mb() { awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); printf "%.0f", $2 / 1024}' "$1"; }

# json FILE EXPR: evaluates a python expression on the last JSON line of FILE (as `j`)
json() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.lstrip().startswith('{')]
j = json.loads(lines[-1])
print(eval(sys.argv[2]))
EOF
}

# items/s over epochs 2..E of an fnl run directory (sum of items / sum of training seconds)
fnl_rate() {
  python3 - "$1/metrics.jsonl" <<'EOF'
import json, sys
ep = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
after = ep[1:] or ep
items = sum(e['items_per_second'] * e['epoch_seconds'] for e in after)
print(f"{items / sum(e['epoch_seconds'] for e in after):.1f} {round(ep[-1]['items_per_second'] * ep[-1]['epoch_seconds'])}")
EOF
}

# CPU cores busy with other work, sampled over 1 s from /proc/stat while none of our runs is active.
# The machine may be shared: under contention PyTorch's OpenMP threads (which wait for each other
# at every parallel region) lose far more than the JVM's, so busy rounds are flagged.
others_busy() {
  local a b
  a=($(sed -n 's/^cpu  //p' /proc/stat)); sleep 1; b=($(sed -n 's/^cpu  //p' /proc/stat))
  local total=0 idle i
  for i in "${!a[@]}"; do total=$((total + b[i] - a[i])); done
  idle=$(( (b[3] - a[3]) + (b[4] - a[4]) ))
  python3 -c "print(f'{$(nproc) * ($total - $idle) / max($total, 1):.2f}')"
}
busy_rounds=0

summary="$work/summary.tsv"
: > "$summary"
for m in "${models[@]}"; do
  n="${limit_override:-${N[$m]}}"
  e="${EPOCHS[$m]}"
  unit=img; [ "$m" = transformer ] && unit=tok
  echo
  echo "== $m: N=$n, $e epochs (figure: epochs 2..$e), batch 128, $threads threads"
  fnl_params=""; torch_params=""; ratios=(); fnl_rss=(); torch_rss=()
  for r in $(seq 1 "$rounds"); do
    busy="$(others_busy)"
    flag=""
    if python3 -c "import sys; sys.exit(0 if $busy > 0.25 else 1)"; then flag="  (!) machine busy"; busy_rounds=$((busy_rounds + 1)); fi
    # fnl side
    out="$work/$m-fnl-$r"; mkdir -p "$out"
    log="$work/$m-fnl-$r.log"
    # shellcheck disable=SC2086
    if ! env "${fnl_env[@]}" FNL_QUIET=1 "$TIME" -v -o "$out.time" ./fnl train ${FNL[$m]} --epochs "$e" \
        --train-limit "$n" --test-limit "${TESTLIM[$m]}" --threads "$threads" --no-plots --out "$out/run" \
        > "$log" 2> "$log.err"; then
      tail -20 "$log.err" >&2; fail "$m: ./fnl train failed (log: $log.err)"
    fi
    read -r fnl_ips fnl_items < <(fnl_rate "$out/run")
    p="$(json "$log" "j['params']")"
    fnl_rss+=("$(rss_mb "$out.time")")
    # torch side
    tlog="$work/$m-torch-$r.log"
    # shellcheck disable=SC2086
    if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$TIME" -v -o "$tlog.time" "$PYTHON" bench/pytorch_train.py \
        ${TORCH[$m]} --epochs "$e" --train-limit "$n" --test-limit "${TESTLIM[$m]}" --threads "$threads" \
        > "$tlog" 2>&1; then
      tail -20 "$tlog" >&2; fail "$m: bench/pytorch_train.py failed (log: $tlog)"
    fi
    torch_ips="$(json "$tlog" "j['items_per_second_after_warmup']")"
    tp="$(json "$tlog" "j['params']")"
    t_items="$(json "$tlog" "j['items_per_epoch']")"
    torch_rss+=("$(rss_mb "$tlog.time")")
    # The two sides must train the same model on the same amount of data.
    if [ "$p" != "$tp" ]; then
      fail "$m: PARAMETER COUNTS DIFFER: fnl $p, torch $tp -- the two sides do not train the same model"
    fi
    if [ "$fnl_items" != "$t_items" ]; then
      fail "$m: ITEMS PER EPOCH DIFFER: fnl $fnl_items, torch $t_items -- the two sides do not see the same data"
    fi
    fnl_params="$p"; torch_params="$tp"
    ratio="$(python3 -c "print(f'{$fnl_ips / $torch_ips:.3f}')")"
    ratios+=("$ratio")
    printf '  round %d: fnl %9.1f %s/s   torch %9.1f %s/s   fnl/torch %s   (other load before: %s cores)%s\n' \
      "$r" "$fnl_ips" "$unit" "$torch_ips" "$unit" "$ratio" "$busy" "$flag"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$r" "$fnl_ips" "$torch_ips" "$ratio" "${fnl_rss[-1]}" "${torch_rss[-1]}" >> "$summary"
  done
  med="$(python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "${ratios[@]}")"
  max() { printf '%s\n' "$@" | sort -n | tail -1; }
  echo "  median fnl/torch $med over $rounds round(s); params fnl $fnl_params = torch $torch_params;" \
       "peak RSS fnl $(max "${fnl_rss[@]}") MB, torch $(max "${torch_rss[@]}") MB"
done

echo
echo "== summary (median over $rounds round(s), items/s over epochs 2..E, $threads threads)"
python3 - "$summary" <<'EOF'
import statistics, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
models = list(dict.fromkeys(r[0] for r in rows))
print(f"  {'model':<17}{'fnl':>11}{'torch':>11}{'fnl/torch':>11}{'RSS fnl MB':>12}{'RSS torch MB':>14}")
for m in models:
    rs = [r for r in rows if r[0] == m]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"  {m:<17}{med(2):>11.1f}{med(3):>11.1f}{med(4):>11.3f}"
          f"{max(int(r[5]) for r in rs):>12}{max(int(r[6]) for r in rs):>14}")
EOF
if [ "$busy_rounds" -gt 0 ]; then
  echo "side_by_side: WARNING: $busy_rounds round(s) started while other processes kept > 0.25 cores busy;" \
       "those figures (PyTorch's especially) are not the machine's speed -- rerun when it is quiet" >&2
fi
