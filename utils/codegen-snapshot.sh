#!/usr/bin/env bash
# Writes the code ternc generates for a fixed set of models into DIR, for
# refactors that must not change it (issue 20): run it before and after,
# then `diff -r BEFORE AFTER`.
#
#   utils/codegen-snapshot.sh DIR        (BUILD_DIR: default build)
#
# Per model: the assembly of every kernel for two fixed x86 targets (AVX-512
# and AVX2, so the snapshot does not depend on this machine's CPU), Halide's
# statement for a CUDA target (no GPU needed to compile), and the HLS
# project's C++ for the integer-mode models. Models: the benchmark layers
# (bench/gen_matmul.py at small shapes, every ternary kernel, the sparse
# formats, dense, ReLU inputs) and the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: utils/codegen-snapshot.sh DIR}
BUILD=${BUILD_DIR:-build}
TERNC=$BUILD/bin/ternc
mkdir -p "$OUT/models"
M=$OUT/models
AVX512=x86-64-linux-avx512-avx512_skylake-avx2-fma-f16c-sse41
AVX2=x86-64-linux-avx2-fma-f16c-sse41
CUDA=x86-64-linux-avx2-fma-f16c-sse41-cuda-cuda_capability_61

gen() { # name args...
  local name=$1
  shift
  [ -f "$M/$name.mlir" ] || python3 bench/gen_matmul.py "$@" --name layer -o "$M/$name.mlir"
}
for m in 1 8 33; do
  gen packed_m$m --m $m --k 256 --n 200 --kind packed
  gen dense_m$m --m $m --k 256 --n 200 --kind dense
  gen relu_m$m --m $m --k 256 --n 200 --kind dense --relu
  for p in u90 2:4 b75; do
    gen sparse_${p/:/_}_m$m --m $m --k 256 --n 200 --kind sparse --pattern $p
  done
  gen pruned_ternary_m$m --m $m --k 256 --n 200 --kind sparse --pattern u70 --ternary
done

# compile TAG INPUT FLAGS...: asm for both x86 targets, stmt for CUDA.
compile() {
  local tag=$1 input=$2
  shift 2
  "$TERNC" "$input" --quiet --emit=asm --target=$AVX512 "$@" -o "$OUT/$tag.avx512.s"
  "$TERNC" "$input" --quiet --emit=asm --target=$AVX2 "$@" -o "$OUT/$tag.avx2.s"
  "$TERNC" "$input" --quiet --emit=halide-stmt --target=$CUDA "$@" -o "$OUT/$tag.cuda.stmt" 2>/dev/null ||
    echo "(not compiled for CUDA)" >"$OUT/$tag.cuda.stmt"
}
hls() { # TAG INPUT FLAGS...
  local tag=$1 input=$2
  shift 2
  "$TERNC" "$input" --quiet --target=hls "$@" -o "$OUT/hls.$tag" >/dev/null
  rm -f "$OUT/hls.$tag"/report.md "$OUT/hls.$tag"/report.json
}

for m in 1 8 33; do
  for kernel in auto i2 bitplane base3 lut; do
    compile packed_m${m}_$kernel "$M/packed_m$m.mlir" --ternary-kernel=$kernel
  done
  compile packed_m${m}_int8 "$M/packed_m$m.mlir" --ternary-kernel=int8 --activation-bits=8
  compile packed_m${m}_auto8 "$M/packed_m$m.mlir" --activation-bits=8
  compile dense_m$m "$M/dense_m$m.mlir"
  compile relu_m$m "$M/relu_m$m.mlir"
  compile relu_m${m}_off "$M/relu_m$m.mlir" --activation-sparsity=off
  compile dense_m${m}_int "$M/dense_m$m.mlir" --integer
  for p in u90 2_4 b75; do
    for f in auto ell nm bsr dense; do
      [ "$f" = nm ] && [ "$p" != 2_4 ] && continue
      compile sparse_${p}_m${m}_$f "$M/sparse_${p}_m$m.mlir" --sparse=$f
    done
  done
  compile pruned_ternary_m$m "$M/pruned_ternary_m$m.mlir"
done
for model in cnn mlp_float mlp_ternary; do
  compile digits_$model examples/digits/$model.onnx
  hls digits_$model examples/digits/$model.onnx
done
compile digits_mlp_float_2_4 examples/digits/mlp_float.onnx --prune=2:4
compile digits_mlp_float_ternarize examples/digits/mlp_float.onnx --ternarize
compile digits_mlp_float_int examples/digits/mlp_float.onnx --integer
compile digits_mlp_float_int16 examples/digits/mlp_float.onnx --integer --integer-bits=16
compile ternary_mlp examples/ternary-mlp/model.mlir
hls ternary_mlp examples/ternary-mlp/model.mlir
hls ternary_mlp_reuse4 examples/ternary-mlp/model.mlir --hls-reuse=4
echo "snapshot: $OUT ($(find "$OUT" -type f | wc -l) files)"
