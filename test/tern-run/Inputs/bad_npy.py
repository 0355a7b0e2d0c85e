"""Malformed and unusual .npy files for tern-run's error tests.

usage: bad_npy.py OUTDIR
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npylite  # noqa: E402

out = sys.argv[1]
values = [0.0, 0.125, 0.25, 0.375]
npylite.save(out + "/good.npy", "<f4", (1, 4), values)
data = open(out + "/good.npy", "rb").read()
# Cut inside the data, and inside the header.
open(out + "/truncated.npy", "wb").write(data[:-3])
open(out + "/header-cut.npy", "wb").write(data[:40])
open(out + "/not-npy.npy", "wb").write(b"this is not a numpy file\n")
open(out + "/empty.npy", "wb").write(b"")
# A header that is not a dictionary.
header = b"[1, 2, 3]".ljust(117) + b"\n"
open(out + "/bad-header.npy", "wb").write(
    b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
npylite.save(out + "/big-endian.npy", ">f4", (1, 4), values)
npylite.save(out + "/f16.npy", "<f2", (1, 4), values)
open(out + "/complex.npy", "wb").write(
    npylite.header_bytes("<c8", (1, 4)) + b"\0" * 32)
open(out + "/fortran.npy", "wb").write(
    npylite.header_bytes("<f4", (2, 2), fortran=True) + b"\0" * 16)
# Version 2.0 of the format: a 4-byte header length.
npylite.save(out + "/v2.npy", "<f4", (1, 4), values, version=2)
print("ok")
