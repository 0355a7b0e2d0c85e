#!/usr/bin/env bash
# Compiles one sparse layer per shape, batch, pattern and --sparse= format
# with ternc, then runs tern_sparse_bench over all of them in one run (with
# Tern's dense kernel, OpenBLAS, Eigen's sparse product and the triad). See
# bench/README.md.
#
#   bench/sparse_kernels.sh [OUT.json]          4096x4096 (batch 1, 32, 128)
#                                               and 4096x11008 (batch 1)
#   QUICK=1 bench/sparse_kernels.sh [OUT.json]  4096x4096 GEMV only
#
# Environment: BUILD_DIR (default build), BENCH_ARGS (extra benchmark flags),
# LAYERS ("M:KxN ...", overrides the shapes), PATTERNS (default "u50 u70 u90
# u95 2:4 b75"), ACT=0 (no activation-sparsity layers), OUT_DIR (where the
# layers are compiled; every layer there is run), FORMATS (instead of
# "auto dense ell bsr", and nm for 2:4).
#
#   LAYERS="1:2560x2560 1:2560x6912 1:6912x2560 1:4096x4096 1:4096x11008 \
#     1:11008x4096" PATTERNS="u90 2:4" FORMATS="auto dense" ACT=0 \
#     OUT_DIR=build/bench/sparse-llm \
#     bench/sparse_kernels.sh bench/results/sparse-llm-gemv.json
#                                 GEMV at every LLM shape of DESIGN.md
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
BUILD=${BUILD_DIR:-build}
OUT=${OUT_DIR:-$BUILD/bench/sparse}
JSON=${1:-$BUILD/bench/sparse-kernels.json}
mkdir -p "$OUT"
cmake --build "$BUILD" --target ternc tern_sparse_bench

if [ "${QUICK:-0}" = 1 ]; then
  LAYERS="${LAYERS:-1:4096x4096}"
else
  LAYERS="${LAYERS:-1:4096x4096 32:4096x4096 128:4096x4096 1:4096x11008}"
fi
PATTERNS="${PATTERNS:-u50 u70 u90 u95 2:4 b75}"

for spec in $LAYERS; do
  m=${spec%%:*}
  shape=${spec#*:}
  k=${shape%x*}
  n=${shape#*x}
  for pattern in $PATTERNS; do
    tag=${pattern/:/_}
    base=$OUT/w_${tag}_${k}x${n}
    src=${base}_m${m}.mlir
    [ -f "$src" ] || python3 bench/gen_matmul.py --m "$m" --k "$k" --n "$n" \
      --kind sparse --pattern "$pattern" --name layer --raw "$base.f32" \
      -o "$src"
    # auto: the cost model's choice; dense: Tern's dense kernel on the same
    # weights; the forced formats that can hold the pattern.
    formats="auto dense ell bsr"
    [ "$pattern" = 2:4 ] && formats="$formats nm"
    formats=${FORMATS:-$formats}
    for format in $formats; do
      name=s_${tag}_${format}_${k}x${n}_m${m}
      [ -f "$OUT/$name.txt" ] && continue
      echo "ternc: $name"
      if ! "$BUILD/bin/ternc" "$src" -o "$OUT" --name "$name" --quiet \
        --tern-report --sparse="$format" >"$OUT/$name.log" 2>&1; then
        echo "  skipped: $(grep -m1 error "$OUT/$name.log")"
        continue
      fi
      bytes=$(weight_bytes "$OUT/$name.log")
      chosen=$format
      if [ "$format" = auto ]; then
        chosen=auto-$(sed -n "s/.*tern-classify-weights:.*, format \([^,]*\), [0-9]* -> .*/\1/p" "$OUT/$name.log" | head -1 | tr -d " ")
        [ "$chosen" = auto- ] && chosen=auto-dense
      fi
      echo "$name $tag $chosen $m $k $n $bytes $base.f32" >"$OUT/$name.txt"
    done
  done
done
# Activation sparsity: a dense and a ternary GEMV after a ReLU, skipping
# zero inputs (default) and not (--activation-sparsity=off).
if [ "${ACT:-1}" = 1 ]; then
  for kind in dense packed; do
    src=$OUT/relu_${kind}_4096x4096_m1.mlir
    [ -f "$src" ] || python3 bench/gen_matmul.py --m 1 --k 4096 --n 4096 \
      --kind "$kind" --relu --name layer -o "$src"
    label=$kind
    [ "$kind" = packed ] && label=ternary
    for mode in relu off; do
      name=r_${label}_${mode}_4096x4096_m1
      [ -f "$OUT/$name.txt" ] && continue
      echo "ternc: $name"
      "$BUILD/bin/ternc" "$src" -o "$OUT" --name "$name" --quiet \
        --tern-report --activation-sparsity="$mode" >"$OUT/$name.log" 2>&1
      bytes=$(weight_bytes "$OUT/$name.log")
      format=$label-skip
      [ "$mode" = off ] && format=$label-noskip
      echo "$name relu $format 1 4096 4096 $bytes -" >"$OUT/$name.txt"
    done
  done
fi
run_benchmark "$BUILD/bench/tern_sparse_bench" "$OUT" "$JSON"
