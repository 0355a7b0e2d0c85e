#!/usr/bin/env bash
# Issue 19's schedule fix, old against new in one run: the same layers
# compiled by two ternc binaries (OLD_TERNC, e.g. from a worktree of the
# commit before the fix, and this build's), timed by tern_kernel_bench in
# one process, so the ratio is measured on the same machine state.
#
#   OLD_TERNC=/path/to/old/ternc bench/schedule_tails.sh [OUT.json]
#
# Shapes: layers whose width is a whole number of the old schedule's chunks
# and blocks (2560 x 6912), timed old and new: the 2-bit ternary GEMV, the
# dense GEMV (vector blocks) and the ternary many-row schedule at 4 rows.
# Ragged ones (2560 x 2576, 4096 x 4112, 33 rows), which the old code got
# wrong or crashed on, are timed new only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
BUILD=${BUILD_DIR:-build}
OUT=$BUILD/bench/tails
JSON=${1:-$BUILD/bench/schedule-tails.json}
: "${OLD_TERNC:?set OLD_TERNC to the ternc built before the fix}"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt
cmake --build "$BUILD" --target ternc tern_kernel_bench
for spec in packed:1:2560x6912 packed:1:2560x2576 packed:1:4096x4112 \
  dense:1:2560x6912 dense:1:2560x2576 packed:4:2560x6912 packed:33:2560x2576; do
  kind=${spec%%:*}
  rest=${spec#*:}
  m=${rest%%:*}
  shape=${rest#*:}
  k=${shape%x*}
  n=${shape#*x}
  src=$OUT/${kind}_${k}x${n}_m${m}.mlir
  [ -f "$src" ] || python3 bench/gen_matmul.py --m "$m" --k "$k" --n "$n" \
    --kind "$kind" --name layer -o "$src"
  whiches="new"
  [ $((n % 256)) = 0 ] && [ "$m" -le 4 ] && whiches="old new"
  for which in $whiches; do
    name=t_${which}_${kind}_${k}x${n}_m${m}
    ternc=$BUILD/bin/ternc
    [ "$which" = old ] && ternc=$OLD_TERNC
    echo "ternc ($which): $name"
    "$ternc" "$src" -o "$OUT" --name "$name" --quiet --tern-report \
      >"$OUT/$name.log" 2>&1
    echo "$name $which-$kind $m $k $n $(weight_bytes "$OUT/$name.log")" \
      >"$OUT/$name.txt"
  done
done
run_benchmark "$BUILD/bench/tern_kernel_bench" "$OUT" "$JSON"
