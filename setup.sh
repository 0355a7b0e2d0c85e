#!/usr/bin/env bash
# Tern's one entry point for newcomers and CI. Idempotent: installs only the
# Debian packages that are missing, reuses the build directory, and rebuilds
# only what changed.
#
#   ./setup.sh example   install, build, compile the ternary MLP example with
#                        ternc, link it into a C program and run it
#   ./setup.sh test      install, build, run the whole test suite (ctest)
#   ./setup.sh build     install and build only
#   ./setup.sh deps      install the packages only
#   ./setup.sh fuzz [S]  install clang, fuzz the ONNX importer for S s (120)
#   ./setup.sh sanitize  build with ASan + UBSan into build-asan/ and run the
#                        unit, end-to-end and fuzz-regression tests there
#
# Environment: BUILD_DIR (default: build), JOBS (default: number of cores),
# CTEST_ARGS (extra ctest arguments, e.g. "-L lit").
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

# Compiler, MLIR/LLVM 22 (with lit, FileCheck), Halide 14, GoogleTest,
# Google Benchmark, ccache, ONNX (with protobuf) and its backend test data;
# pkg-config for the install test; the aarch64 cross toolchain and
# qemu-user for the cross-compiling tests; SentencePiece for tern-run's
# --prompt; NumPy for the Python package
# (python/tern/) and its test; jsonschema for the efficiency report's
# schema test.
PACKAGES=(
  cmake ninja-build g++ gcc binutils ccache python3 python3-numpy python3-jsonschema pkgconf
  g++-aarch64-linux-gnu qemu-user
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libhalide14-0-dev
  libgtest-dev googletest libbenchmark-dev libopenblas-dev libeigen3-dev
  libonnx-dev libprotobuf-dev libonnx-testdata
  libsentencepiece-dev
)

say() { printf '\n==> %s\n' "$*"; }

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    say "all packages present"
    return
  fi
  say "installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y \
    --no-install-recommends "${missing[@]}"
}

build() {
  install_deps
  say "configuring ($BUILD_DIR)"
  export CCACHE_BASEDIR="$PWD"
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
  say "building with $JOBS jobs"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

example() {
  build
  local out="$BUILD_DIR/examples/ternary-mlp"
  say "compiling examples/ternary-mlp/model.mlir with ternc"
  "$BUILD_DIR/bin/ternc" examples/ternary-mlp/model.mlir -o "$out" \
    --name ternary_mlp --tern-report
  say "linking examples/ternary-mlp/main.c against $out/libternary_mlp.a"
  cc -std=c99 -O2 -Wall examples/ternary-mlp/main.c -I"$out" -L"$out" \
    -l:libternary_mlp.a -lpthread -ldl -lm -o "$out/demo"
  say "running $out/demo"
  "$out/demo"
}

run_tests() {
  build
  say "running the test suite"
  # shellcheck disable=SC2086
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" ${CTEST_ARGS:-}
}

# ASan + UBSan over the compiler, runtime, tests and generated libraries
# (README "Sanitizers"); any report fails the test that made it.
sanitize() {
  install_deps
  local dir=${SANITIZE_BUILD_DIR:-build-asan}
  say "configuring $dir with -DTERN_SANITIZE=ON"
  export CCACHE_BASEDIR="$PWD"
  cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTERN_SANITIZE=ON
  say "building with $JOBS jobs"
  cmake --build "$dir" -j "$JOBS"
  say "running ctest -L sanitize"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    ctest --test-dir "$dir" -L sanitize -j "$JOBS" --output-on-failure
}

case "${1:-}" in
example) example ;;
sanitize) sanitize ;;
test) run_tests ;;
build) build ;;
deps) install_deps ;;
fuzz)
  # libFuzzer needs clang; only this command installs it (fuzz/README.md).
  PACKAGES+=(clang-14 libclang-rt-14-dev)
  install_deps
  shift
  exec fuzz/run.sh "$@"
  ;;
*)
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
