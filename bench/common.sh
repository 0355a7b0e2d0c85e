# Shared by the bench/*.sh scripts (sourced, not run).

# The weight bytes ternc's --tern-report wrote into LOG ("weights: N bytes").
weight_bytes() {
  sed -n 's/.*weights: \([0-9]*\) bytes.*/\1/p' "$1"
}

# Runs benchmark binary BIN over the layers in MODELS: medians of 3
# repetitions, JSON to OUT, plus $BENCH_ARGS.
run_benchmark() {
  local bin=$1 models=$2 out=$3
  # shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
  "$bin" --models="$models" \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.2 --benchmark_out="$out" \
    --benchmark_out_format=json ${BENCH_ARGS:-}
  echo "results: $out"
}
