"""Compares two files of whitespace-separated numbers: same count, and each
pair within 1e-4 * (1 + |b|). Exits 1 and says where they differ."""
import sys

a = open(sys.argv[1]).read().split()
b = open(sys.argv[2]).read().split()
if len(a) != len(b):
    sys.exit(f"{len(a)} numbers in {sys.argv[1]}, {len(b)} in {sys.argv[2]}")
for i, (x, y) in enumerate(zip(a, b)):
    if not abs(float(x) - float(y)) <= 1e-4 * (1 + abs(float(y))):
        sys.exit(f"number {i}: {x} and {y} differ")
