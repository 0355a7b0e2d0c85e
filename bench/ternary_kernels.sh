#!/usr/bin/env bash
# Compiles one ternary layer per shape, batch and --ternary-kernel with
# ternc, then runs tern_kernel_bench over all of them in one run (with
# OpenBLAS, an int8 GEMV of our own and the triad). See bench/README.md.
#
#   bench/ternary_kernels.sh [OUT.json]        full set (about 60 minutes)
#   QUICK=1 bench/ternary_kernels.sh [OUT.json] GEMV at 2560x2560 and 4096x11008
#
# Environment: BUILD_DIR (default build), KERNELS (default
# "auto auto8 i2 bitplane base3 lut int8"; auto8 is the cost model's choice
# with --activation-bits=8), BENCH_ARGS (extra benchmark flags).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
BUILD=${BUILD_DIR:-build}
OUT=$BUILD/bench/kernels
JSON=${1:-$BUILD/bench/ternary-kernels.json}
KERNELS=${KERNELS:-auto auto8 i2 bitplane base3 lut int8}
mkdir -p "$OUT"
cmake --build "$BUILD" --target ternc tern_kernel_bench

# BitNet b1.58 2B and Llama-7B projections: K x N.
if [ "${QUICK:-0}" = 1 ]; then
  GEMV="2560x2560 4096x11008"
  GEMM=""
else
  GEMV="2560x2560 2560x6912 6912x2560 4096x4096 4096x11008 11008x4096"
  GEMM=""
  for s in $GEMV; do
    for m in 8 32 128 512; do GEMM="$GEMM $m:$s"; done
  done
fi
layers=()
for s in $GEMV; do layers+=("1:$s"); done
for s in $GEMM; do layers+=("$s"); done

for spec in "${layers[@]}"; do
  m=${spec%%:*}
  shape=${spec#*:}
  k=${shape%x*}
  n=${shape#*x}
  src=$OUT/layer_${k}x${n}_m${m}.mlir
  [ -f "$src" ] || python3 bench/gen_matmul.py --m "$m" --k "$k" --n "$n" \
    --kind packed --name layer -o "$src"
  for kernel in $KERNELS; do
    name=l_${kernel}_${k}x${n}_m${m}
    [ -f "$OUT/$name.txt" ] && continue
    base=$kernel
    [ "$kernel" = auto8 ] && base=auto
    flags=(--ternary-kernel="$base")
    case $kernel in int8 | auto8) flags+=(--activation-bits=8) ;; esac
    echo "ternc: $name"
    if ! "$BUILD/bin/ternc" "$src" -o "$OUT" --name "$name" --quiet \
      --tern-report "${flags[@]}" >"$OUT/$name.log" 2>&1; then
      echo "  skipped: $(grep -m1 error "$OUT/$name.log")"
      continue
    fi
    bytes=$(weight_bytes "$OUT/$name.log")
    chosen=$kernel
    if [ "$base" = auto ]; then
      chosen=$kernel-$(sed -n 's/.*tern-select-ternary-kernel: \([a-z0-9_]*\) kernel, \([a-z0-9]*\) packing.*/\1-\2/p' "$OUT/$name.log" | head -1)
    fi
    echo "$name $chosen $m $k $n $bytes" >"$OUT/$name.txt"
  done
done
run_benchmark "$BUILD/bench/tern_kernel_bench" "$OUT" "$JSON"
