#!/bin/sh
# hls-reuse.test's driver: compiles Inputs/hls-reuse.mlir for the HLS target
# at each reuse factor given, lints the C++, builds it with its testbench
# and runs the C simulation (bit-exact against the CPU build). Prints one
# line per factor: "reuse R: <the testbench's verdict>" or what failed.
# Usage: hls-reuse-sweep.sh TERNC LINT MODEL WORKDIR R...
set -u
ternc=$1 lint=$2 model=$3 work=$4
shift 4
for r in "$@"; do
  out=$work/r$r
  if ! "$ternc" "$model" --target=hls --hls-reuse="$r" -o "$out" --name reuse \
      --quiet > "$out.log" 2>&1; then
    echo "reuse $r: ternc failed:"; cat "$out.log"; continue
  fi
  if ! python3 "$lint" "$out/reuse.cpp" > "$out.lint" 2>&1; then
    echo "reuse $r: lint failed:"; cat "$out.lint"; continue
  fi
  if ! g++ -std=c++14 -Wall -Werror -Wno-unknown-pragmas -O1 "$out/reuse.cpp" \
      "$out/reuse_tb.cpp" -o "$out/tb" > "$out.cc" 2>&1; then
    echo "reuse $r: the C++ does not compile:"; head -20 "$out.cc"; continue
  fi
  echo "reuse $r: $("$out/tb" 2>&1 | tail -1)"
done
