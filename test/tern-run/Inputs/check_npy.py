"""Checks a .npy file tern-run wrote: its type and shape, and optionally that
it equals another .npy file exactly.

usage: check_npy.py FILE DESCR SHAPE [OTHER.npy]    (SHAPE like 1x10)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npylite  # noqa: E402

descr, shape, values = npylite.load(sys.argv[1])
want = tuple(int(d) for d in sys.argv[3].split("x")) if sys.argv[3] else ()
assert descr == sys.argv[2], (descr, sys.argv[2])
assert shape == want, (shape, want)
if len(sys.argv) > 4:
    assert values == npylite.load(sys.argv[4])[2]
print("npy ok", descr, list(shape))
