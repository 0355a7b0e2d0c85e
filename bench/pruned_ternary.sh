#!/usr/bin/env bash
# Pruned-ternary layers: the same weights (one magnitude per row, zeros at
# several densities or in an N:M pattern) compiled with ternc on the 2-bit
# kernel (--sparse=dense), as index lists (--sparse=ell), as ternary N:M
# (--sparse=nm, N:M patterns only) and as the cost model's choice (auto),
# then run in one tern_sparse_bench run with OpenBLAS on the dense f32
# matrix and the triad. See bench/README.md.
#
#   bench/pruned_ternary.sh [OUT.json]
#
# Environment: BUILD_DIR (default build), LAYERS (default "1:4096x4096
# 32:4096x4096"), PATTERNS (default "u50 u70 u90 u95 1:4 2:4"), FORMATS
# (default "dense ell auto", and nm for N:M patterns).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
BUILD=${BUILD_DIR:-build}
OUT=$BUILD/bench/pruned-ternary
JSON=${1:-$BUILD/bench/pruned-ternary.json}
mkdir -p "$OUT"
cmake --build "$BUILD" --target ternc tern_sparse_bench

for spec in ${LAYERS:-1:4096x4096 32:4096x4096}; do
  m=${spec%%:*}
  shape=${spec#*:}
  k=${shape%x*}
  n=${shape#*x}
  for pattern in ${PATTERNS:-u50 u70 u90 u95 1:4 2:4}; do
    tag=${pattern/:/_}
    base=$OUT/t_${tag}_${k}x${n}
    src=${base}_m${m}.mlir
    [ -f "$src" ] || python3 bench/gen_matmul.py --m "$m" --k "$k" --n "$n" \
      --kind sparse --ternary --pattern "$pattern" --name layer \
      --raw "$base.f32" -o "$src"
    formats="dense ell auto"
    case $pattern in *:*) formats="$formats nm" ;; esac
    for format in ${FORMATS:-$formats}; do
      name=t_${tag}_${format}_${k}x${n}_m${m}
      [ -f "$OUT/$name.txt" ] && continue
      echo "ternc: $name"
      "$BUILD/bin/ternc" "$src" -o "$OUT" --name "$name" --quiet \
        --tern-report --sparse="$format" >"$OUT/$name.log" 2>&1
      bytes=$(weight_bytes "$OUT/$name.log")
      label=$format
      [ "$format" = dense ] && label=i2
      [ "$format" = ell ] && label=index-lists
      [ "$format" = nm ] && label=ternary-nm
      if [ "$format" = auto ]; then
        label=auto-i2
        grep -q "format index lists" "$OUT/$name.log" && label=auto-index-lists
        grep -q "format ternary [0-9]" "$OUT/$name.log" && label=auto-ternary-nm
      fi
      echo "$name t$tag $label $m $k $n $bytes $base.f32" >"$OUT/$name.txt"
    done
  done
done
run_benchmark "$BUILD/bench/tern_sparse_bench" "$OUT" "$JSON"
