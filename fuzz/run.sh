#!/usr/bin/env bash
# Builds tern-onnx-fuzz with clang (libFuzzer, ASan, UBSan) and fuzzes the
# ONNX importer for a bounded time; with FUZZ_TARGET=checkpoint, the same for
# tern-checkpoint-fuzz and the GGUF/safetensors readers. See fuzz/README.md.
#
#   fuzz/run.sh [SECONDS] [LIBFUZZER_ARGS...]   fuzz for SECONDS (default 120);
#                                  exits nonzero if it found a crash, a
#                                  hang (over 10 s), a leak or a sanitizer
#                                  report
#   fuzz/run.sh --build-only       configure and build only
#   fuzz/run.sh --regressions      replay fuzz/regressions/ one by one;
#                                  nonzero if any still crashes
#   fuzz/run.sh --repro FILE...    replay FILEs with the diagnostics printed
#
# Environment: FUZZ_TARGET (onnx, the default, or checkpoint),
# FUZZ_BUILD_DIR (default: build-fuzz), JOBS (default 2),
# FUZZ_CXX / FUZZ_CC (default clang++-14 / clang-14, else clang++ / clang),
# FUZZ_KEEP_GOING=1 (fork mode: record every crash under
# FUZZ_BUILD_DIR/artifacts and keep fuzzing), and the harness's TERN_FUZZ_*
# variables (fuzz/tern-onnx-fuzz.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
JOBS=${JOBS:-2}
TARGET=${FUZZ_TARGET:-onnx}
case "$TARGET" in
onnx | checkpoint) ;;
*)
  echo "fuzz/run.sh: FUZZ_TARGET is onnx or checkpoint, not '$TARGET'" >&2
  exit 2
  ;;
esac

say() { printf '\n==> %s\n' "$*"; }

pick() {
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return
    fi
  done
}

build() {
  local cxx cc runtime
  cxx=${FUZZ_CXX:-$(pick clang++-14 clang++)}
  cc=${FUZZ_CC:-$(pick clang-14 clang)}
  if [ -z "$cxx" ] || [ -z "$cc" ]; then
    echo "fuzz/run.sh: no clang found; install clang-14 and libclang-rt-14-dev" >&2
    exit 2
  fi
  runtime=$("$cxx" -print-file-name=libclang_rt.fuzzer-x86_64.a)
  if [ ! -f "$runtime" ]; then
    echo "fuzz/run.sh: $cxx has no libFuzzer runtime; install libclang-rt-14-dev" >&2
    exit 2
  fi
  if [ ! -f "$BUILD/build.ninja" ]; then
    say "configuring $BUILD with $cxx"
    local launcher=()
    if command -v ccache >/dev/null 2>&1; then
      launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
                -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    fi
    cmake -G Ninja -S "$ROOT/fuzz" -B "$BUILD" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}"
  fi
  say "building tern-$TARGET-fuzz with $JOBS jobs"
  CCACHE_BASEDIR="$ROOT" cmake --build "$BUILD" -j "$JOBS" \
    --target "tern-$TARGET-fuzz"
}

FUZZER=$BUILD/bin/tern-$TARGET-fuzz
# Leaks: LeakSanitizer at exit; the MLIRContext kept between inputs is
# reachable, not a leak. A fatal MLIR error aborts, which libFuzzer reports.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

replay() {
  local files=("$@")
  mkdir -p "$BUILD/work"
  cd "$BUILD/work"
  "$FUZZER" -rss_limit_mb=4096 -timeout=10 "${files[@]}"
}

case "${1:-}" in
--build-only)
  build
  exit 0
  ;;
--regressions)
  # Each input alone, as ternc runs it; skip-checker/ with the checker
  # skipped, strict/ in strict mode.
  build
  mkdir -p "$BUILD/work"
  cd "$BUILD/work"
  failed=0 total=0
  while IFS= read -r f; do
    total=$((total + 1))
    envs=()
    case "$f" in
    */skip-checker/*) envs=(TERN_FUZZ_SKIP_CHECKER=1) ;;
    */strict/*) envs=(TERN_FUZZ_STRICT=1) ;;
    esac
    if out=$(env "${envs[@]}" "$FUZZER" -rss_limit_mb=4096 -timeout=10 "$f" 2>&1); then
      echo "ok    ${f#"$ROOT"/}"
    else
      failed=$((failed + 1))
      why=$(printf '%s\n' "$out" | grep -m1 -E 'runtime error|AddressSanitizer: [A-Za-z-]+|Assertion|LLVM ERROR|CHECK failed|libFuzzer: (timeout|out-of-memory|deadly)|strict mode' | sed -E 's/^==[0-9]+==//' | cut -c1-160 || true)
      echo "FAIL  ${f#"$ROOT"/}: $why"
    fi
  done < <(find "$ROOT/fuzz/regressions" -type f -name '*.onnx' | sort)
  say "$failed of $total regression inputs still crash"
  [ "$failed" -eq 0 ]
  exit
  ;;
--repro)
  shift
  build
  files=()
  for f in "$@"; do files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
  TERN_FUZZ_VERBOSE=1 replay "${files[@]}"
  exit 0
  ;;
esac

SECONDS_TO_RUN=${1:-120}
if [ $# -gt 0 ]; then shift; fi
case "$SECONDS_TO_RUN" in
'' | *[!0-9]*)
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac

build

CORPUS=$BUILD/corpus      # grows across runs
SEEDS=$BUILD/seeds        # regenerated each run
DICT=$ROOT/fuzz/onnx.dict
SEED_SCRIPT=$ROOT/fuzz/seeds.py
EXTRA_CORPORA=("$ROOT/fuzz/regressions")
if [ "$TARGET" = checkpoint ]; then
  CORPUS=$BUILD/corpus-checkpoint
  SEEDS=$BUILD/seeds-checkpoint
  DICT=$ROOT/fuzz/checkpoint.dict
  SEED_SCRIPT=$ROOT/fuzz/checkpoint_seeds.py
  EXTRA_CORPORA=()
fi
ARTIFACTS=$BUILD/artifacts
WORK=$BUILD/work          # cwd: external data paths resolve here
mkdir -p "$CORPUS" "$ARTIFACTS" "$WORK"
say "seed corpus"
python3 "$SEED_SCRIPT" "$SEEDS"
# A small file external-data initializers can point to.
head -c 4096 /dev/zero >"$WORK/data.bin"

before=$(find "$ARTIFACTS" -type f | wc -l)
args=(-max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=4096 -timeout=10
      -dict="$DICT" -artifact_prefix="$ARTIFACTS/"
      -print_final_stats=1 -print_funcs=0)
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
  args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
say "fuzzing for ${SECONDS_TO_RUN}s: $FUZZER (corpus $CORPUS)"
cd "$WORK"
set +e
"$FUZZER" "${args[@]}" "$@" "$CORPUS" "$SEEDS" "${EXTRA_CORPORA[@]}"
rc=$?
set -e
after=$(find "$ARTIFACTS" -type f | wc -l)
if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
  say "FOUND $((after - before)) new crash/hang/leak input(s) in $ARTIFACTS (libFuzzer exit $rc)"
  find "$ARTIFACTS" -type f -newer "$WORK/data.bin" | sed 's/^/  /'
  echo "replay one with: FUZZ_TARGET=$TARGET fuzz/run.sh --repro FILE"
  exit 1
fi
say "no crash in ${SECONDS_TO_RUN}s"
