#!/usr/bin/env python3
"""Compiled language models against the PyTorch goldens of examples/tiny-lm.

    check_golden.py LIBRARY_DIR NAME GOLDEN.json [--rtol R] [--atol A] [--onnx]

Runs the library ternc built from a checkpoint (tokens [T] -> logits
[T, vocab], causal) on each golden prompt followed by its 32 greedy tokens,
padded with zeros to T, and requires (1) at every generated step, the argmax
of the logits at the previous position to be the golden token, unless the
golden's own top-2 margin there is below the tolerance (a tie within the
numerics; counted and printed), and (2) the logits at the golden's
positions to match within |got - want| <= atol + rtol * |want|.
Exit 0 on success, 1 on a mismatch, 77 without NumPy.
"""

import argparse
import json
import sys
from pathlib import Path

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not importable")
    sys.exit(77)

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "python"))
import tern  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("name")
    ap.add_argument("golden")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=2e-3)
    ap.add_argument("--onnx", action="store_true",
                    help="the model is the golden's ONNX export: compare "
                    "its last logits for golden['onnx']['input_ids']")
    args = ap.parse_args()
    golden = json.loads(Path(args.golden).read_text())
    model = tern.load(args.library, name=args.name)
    if args.onnx:
        ids = np.array([golden["onnx"]["input_ids"]], dtype=np.int64)
        got = model(ids)[0, -1].astype(np.float64)
        want = np.asarray(golden["onnx"]["logits_last"], dtype=np.float64)
        err = float(np.abs(got - want).max())
        ok = bool(np.all(np.abs(got - want) <=
                         args.atol + args.rtol * np.abs(want)))
        print("%s: ONNX export, last logits, largest difference %.3g"
              % ("ok" if ok else "MISMATCH", err))
        return 0 if ok else 1
    (T,) = model.inputs[0].shape
    ok = True
    worst = 0.0
    ties = 0
    for case in golden["prompts"]:
        prompt, gen = case["prompt_ids"], case["generated_ids"]
        seq = prompt + gen
        if len(seq) > T:
            print("FAIL: prompt %r needs %d positions, the model has %d"
                  % (case["prompt"], len(seq), T))
            return 1
        tokens = np.zeros(T, dtype=np.int32)
        tokens[:len(seq)] = seq
        logits = model(tokens)
        # Greedy tokens: position len(prompt) - 1 + i predicts gen[i].
        for i, want in enumerate(gen):
            row = logits[len(prompt) - 1 + i]
            got = int(np.argmax(row))
            if got != want:
                top = np.sort(row)[-2:]
                if top[1] - top[0] <= args.atol + args.rtol * abs(top[1]):
                    ties += 1
                    continue
                print("FAIL: prompt %r, step %d: token %d, golden %d "
                      "(logits %g vs %g)" % (case["prompt"], i, got, want,
                                            row[got], row[want]))
                ok = False
                break
        # logits[0] at the last prompt token, logits[j] at gen[j - 1].
        positions = [len(prompt) - 1 + j for j in range(len(case["logits"]))]
        for pos, want in zip(positions, case["logits"]):
            want = np.asarray(want, dtype=np.float64)
            got = logits[pos].astype(np.float64)
            err = np.abs(got - want)
            bound = args.atol + args.rtol * np.abs(want)
            worst = max(worst, float(err.max()))
            if np.any(err > bound):
                i = int(np.argmax(err - bound))
                print("FAIL: prompt %r, position %d, logit %d: %g, golden %g"
                      % (case["prompt"], pos, i, got[i], want[i]))
                ok = False
    print("%s: %d prompts, 32 greedy tokens each, largest logit difference "
          "%.3g%s" % ("ok" if ok else "MISMATCH", len(golden["prompts"]),
                      worst, ", %d ties within tolerance" % ties if ties
                      else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
