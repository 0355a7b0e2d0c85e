#!/bin/sh
# Compiles a checkpoint with ternc and checks it against a golden file.
#   run_golden.sh TERNC PYTHON CHECKPOINT GOLDEN OUT [ternc flags...]
# The model is built for 42 positions (the longest golden prompt and its 32
# tokens); an .onnx checkpoint keeps its own input shape and is checked
# with check_golden.py --onnx. Exit status: check_golden.py's (77: skipped).
set -e
ternc=$1 python=$2 checkpoint=$3 golden=$4 out=$5
shift 5
here=$(dirname "$0")
rm -rf "$out"
case "$checkpoint" in
  *.onnx)
    "$ternc" "$checkpoint" -o "$out" --name lm --quiet "$@"
    exec "$python" "$here/check_golden.py" "$out" lm "$golden" --onnx ;;
  *)
    "$ternc" "$checkpoint" -o "$out" --name lm --seq-len=42 --quiet "$@"
    exec "$python" "$here/check_golden.py" "$out" lm "$golden" ;;
esac
