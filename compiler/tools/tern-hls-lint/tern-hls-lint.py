#!/usr/bin/env python3
"""tern-hls-lint: checks that HLS C++ written by `ternc --target=hls` stays
inside the subset Vitis HLS synthesizes and Tern promises.

Usage: tern-hls-lint.py FILE.cpp [FILE.cpp ...]

Rules (each violation is printed as FILE:LINE: rule: text; exit status 1):
  alloc      no malloc/calloc/realloc/free/new/delete (no dynamic memory)
  float      no float/double types or floating-point literals (integer mode)
  runtime    no calls into Halide's or any runtime (halide_*, _halide_*,
             std::, printf) and no #include but <stdint.h> and the model's
             own header
  pointer    no pointer declarations, pointer casts, -> or address-of
             arithmetic on ports: arrays are indexed, never walked
  loop       every for loop is `for (int i = A; i < B; i++)` with integer
             literals A and B (static bounds); no while, do or goto
  recursion  no function calls itself
  pragma     every `#pragma HLS` is one Vitis knows (PIPELINE, UNROLL,
             ARRAY_PARTITION, INTERFACE, INLINE, DATAFLOW)
  label      no label is defined twice in one function (a C++ error, and
             Vitis names loops in its reports by their labels)
"""
import re
import sys

TYPE = r"(?:u?int(?:8|16|32|64)_t|bool|void|char|int|unsigned|long|short)"
RULES = [
    ("alloc", re.compile(r"\b(malloc|calloc|realloc|free|new|delete)\b")),
    ("float", re.compile(r"\b(float|double)\b|\b\d+\.\d*(?:[eE][-+]?\d+)?f?\b|\b\d+[eE][-+]?\d+\b")),
    ("runtime", re.compile(r"\b(_?halide_\w*|std::\w+|printf|puts|abort|exit)\b")),
    ("pointer", re.compile(TYPE + r"\s*(?:const\s*)?\*|->|\(\s*" + TYPE + r"\s*\*\s*\)")),
    ("loop", re.compile(r"\b(while|do|goto)\b")),
]
FOR = re.compile(r"\bfor\s*\(")
GOOD_FOR = re.compile(
    r"\bfor \(int (\w+) = -?\d+; \1 < -?\d+; \1\+\+\)")
PRAGMA = re.compile(r"#pragma\s+HLS\s+(\w+)", re.IGNORECASE)
KNOWN_PRAGMAS = {"PIPELINE", "UNROLL", "ARRAY_PARTITION", "INTERFACE",
                 "INLINE", "DATAFLOW"}
INCLUDE = re.compile(r'#include\s*([<"][^>"]+[>"])')
FUNC = re.compile(r"^(?:static\s+)?void\s+(\w+)\s*\(")
LABEL = re.compile(r"^\s*([A-Za-z_]\w*)\s*:(?!:)")
NOT_LABELS = {"default", "public", "private", "protected"}


def strip_comments(line, state):
    """Removes // and /* */ comments and string literals (state: in a block
    comment)."""
    out = []
    i = 0
    while i < len(line):
        if state[0]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state[0] = False
            i = end + 2
            continue
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state[0] = True
            i += 2
            continue
        if line[i] == '"':
            end = line.find('"', i + 1)
            out.append('""')
            i = len(line) if end < 0 else end + 1
            continue
        out.append(line[i])
        i += 1
    return "".join(out)


def lint(path):
    errors = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    state = [False]
    current = None
    labels = {}  # label -> line of its definition in the current function
    header = re.sub(r"\.cpp$", ".h", path.split("/")[-1])
    for n, raw in enumerate(lines, 1):
        code = strip_comments(raw, state)
        if not code.strip():
            continue

        def report(rule, what):
            errors.append("%s:%d: %s: %s" % (path, n, rule, what))

        m = INCLUDE.search(code)
        if m:
            if m.group(1) not in ("<stdint.h>", '"%s"' % header):
                report("runtime", "includes %s" % m.group(1))
            continue
        if code.lstrip().startswith("#"):
            p = PRAGMA.search(code)
            if p and p.group(1).upper() not in KNOWN_PRAGMAS:
                report("pragma", "unknown HLS pragma '%s'" % p.group(1))
            continue
        for rule, rx in RULES:
            hit = rx.search(code)
            if hit:
                report(rule, "'%s' in: %s" % (hit.group(0), raw.strip()))
        for m in FOR.finditer(code):
            if not GOOD_FOR.match(code, m.start()):
                report("loop", "loop without static bounds: %s" % raw.strip())
        label = LABEL.match(code)
        if label and label.group(1) not in NOT_LABELS:
            name = label.group(1)
            if name in labels:
                report("label", "label '%s' is defined twice in the same "
                       "function (first at line %d)" % (name, labels[name]))
            else:
                labels[name] = n
        f = FUNC.match(code)
        if f:
            current = f.group(1)
            labels = {}
        elif current and re.search(r"\b%s\s*\(" % re.escape(current), code):
            report("recursion", "'%s' calls itself" % current)
        if code.startswith("}"):
            current = None
    return errors


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    errors = []
    for path in argv[1:]:
        try:
            errors += lint(path)
        except OSError as e:
            errors.append("%s: cannot read: %s" % (path, e.strerror))
    for e in errors:
        print(e)
    if errors:
        print("tern-hls-lint: %d problem(s)" % len(errors))
        return 1
    print("tern-hls-lint: %s: clean" % ", ".join(argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
