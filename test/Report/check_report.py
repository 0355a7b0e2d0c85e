#!/usr/bin/env python3
"""The efficiency report (ternc --tern-report=json|md) and the per-layer
profile (tern-run --profile, --svg), end to end on the digits models.

    TERN_TERNC=build/bin/ternc TERN_RUN=build/bin/tern-run \\
        python3 test/Report/check_report.py -v

Checks every report against docs/tern-report.schema.json (Debian's
python3-jsonschema; exits 77, ctest's skip code, without it), then what the
figures must satisfy whatever the machine: totals are the sums of the
layers; a dense model's kernels multiply exactly as often as its fp32 twin;
a ternary model's multiply only per output; 2:4 pruned layers keep half
their weights; the parameter counts are the digits models' (their
architectures in examples/digits/README.md). The profile's layers are the
report's, in the same order, with shares that add up to one.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.dom.minidom
from pathlib import Path

try:
    import jsonschema
except ImportError:
    print("SKIP: jsonschema is not importable (Debian: apt-get install "
          "python3-jsonschema)")
    sys.exit(77)

ROOT = Path(__file__).resolve().parent.parent.parent
DIGITS = ROOT / "examples" / "digits"
SCHEMA = json.loads((ROOT / "docs" / "tern-report.schema.json").read_text())
TERNC = os.environ.get("TERN_TERNC", str(ROOT / "build" / "bin" / "ternc"))
TERN_RUN = os.environ.get("TERN_RUN", str(ROOT / "build" / "bin" / "tern-run"))

# Parameters (weights and biases) of the digits models' layers.
MLP_PARAMS = {"/fc1/Gemm": 64 * 128 + 128, "/fc2/Gemm": 128 * 64 + 64,
              "/fc3/Gemm": 64 * 10 + 10}
CNN_PARAMS = {"/conv1/Conv": 8 * 9 + 8, "/conv2/Conv": 16 * 72 + 16,
              "/fc/Gemm": 64 * 10 + 10}
# Multiply-accumulates of the fp32 models at batch 1: a Conv does
# out-channels x taps x output pixels (8x8 input, same padding, pools of 2).
CNN_MACS = {"/conv1/Conv": 8 * 9 * 64, "/conv2/Conv": 16 * 72 * 16,
            "/fc/Gemm": 64 * 10}

COUNTS = ["params", "stored_bytes", "dense_fp32_bytes", "weight_elements",
          "weight_nonzeros", "weight_zeros_skipped", "dense_fp32_macs",
          "other_ops", "multiplications_replaced", "bytes_moved",
          "kernel_calls"]


def ternc(*args, cwd):
    result = subprocess.run([TERNC, "--quiet", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError("ternc %s failed:\n%s" % (args, result.stderr))
    return result


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="tern-report-")
        cls.dir = Path(cls.tmp.name)
        cls.reports = {}
        for name, model, flags in [
                ("ternary", DIGITS / "mlp_ternary.onnx", []),
                ("dense", DIGITS / "cnn.onnx", []),
                ("pruned", DIGITS / "cnn.onnx", ["--prune=2:4"])]:
            ternc(model, "-o", cls.dir / name, "--name", name,
                  "--tern-report=json", *flags, cwd=cls.dir)
            path = cls.dir / name / (name + ".report.json")
            cls.reports[name] = json.loads(path.read_text())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def layers(self, name):
        return {l["name"]: l for l in self.reports[name]["layers"]}

    def test_schema(self):
        for name, report in self.reports.items():
            with self.subTest(model=name):
                jsonschema.validate(report, SCHEMA)

    def test_totals_are_sums(self):
        for name, report in self.reports.items():
            totals = report["totals"]
            for key in COUNTS:
                self.assertEqual(
                    totals[key], sum(l[key] for l in report["layers"]),
                    "%s: %s" % (name, key))
            for group in ["multiplications", "additions"]:
                for cls in ["f32", "f16", "i8", "i16", "i32", "total"]:
                    self.assertEqual(
                        totals[group][cls],
                        sum(l[group][cls] for l in report["layers"]))
            for l in report["layers"] + [totals]:
                for group in ["multiplications", "additions"]:
                    self.assertEqual(l[group]["total"], sum(
                        v for k, v in l[group].items() if k != "total"))
                self.assertLessEqual(l["weight_nonzeros"],
                                     l["weight_elements"])
                self.assertEqual(l["dense_fp32_bytes"], 4 * l["params"])
            for l in report["layers"]:
                self.assertEqual(l["multiplications_replaced"], max(
                    0, l["dense_fp32_macs"] - l["multiplications"]["total"]))

    def test_ternary(self):
        layers = self.layers("ternary")
        self.assertEqual(sorted(layers), sorted(MLP_PARAMS))
        outputs = {"/fc1/Gemm": 128, "/fc2/Gemm": 64, "/fc3/Gemm": 10}
        for name, l in layers.items():
            self.assertEqual(l["params"], MLP_PARAMS[name])
            self.assertTrue(l["format"].startswith("ternary "), l["format"])
            self.assertEqual(l["dense_fp32_macs"], MLP_PARAMS[name] -
                             outputs[name])
            # The accumulation adds and subtracts; only the per-output
            # scale multiplies.
            self.assertEqual(l["multiplications"]["total"], outputs[name])
            self.assertGreater(l["weight_zeros_skipped"], 0)
            self.assertEqual(l["weight_zeros_skipped"],
                             l["weight_elements"] - l["weight_nonzeros"])
            self.assertEqual(l["weight_elements"],
                             MLP_PARAMS[name] - outputs[name])
        totals = self.reports["ternary"]["totals"]
        self.assertLess(totals["bytes_ratio"], 0.1)
        self.assertLess(totals["multiplications_ratio"], 0.02)
        self.assertLess(totals["energy_ratio"], 0.2)

    def test_dense(self):
        layers = self.layers("dense")
        for name, macs in CNN_MACS.items():
            l = layers[name]
            self.assertEqual(l["params"], CNN_PARAMS[name])
            self.assertEqual(l["format"], "dense f32")
            self.assertEqual(l["dense_fp32_macs"], macs)
            # Counted from the compiled kernels: every product is made.
            self.assertEqual(l["multiplications"]["f32"], macs)
            self.assertEqual(l["multiplications_replaced"], 0)
            self.assertEqual(l["weight_zeros_skipped"], 0)
        totals = self.reports["dense"]["totals"]
        self.assertAlmostEqual(totals["bytes_ratio"], 1.0, places=6)
        # The twin is charged an fp32 multiply and add per multiply-
        # accumulate; the bias additions are the difference.
        self.assertAlmostEqual(totals["energy_ratio"], 1.0, delta=0.01)

    def test_pruned(self):
        layers = self.layers("pruned")
        for name in CNN_MACS:
            l = layers[name]
            self.assertTrue(l["format"].startswith("sparse "), l["format"])
            self.assertEqual(l["params"], CNN_PARAMS[name])
            self.assertGreater(l["weight_zeros_skipped"], 0)
        fc = layers["/fc/Gemm"]
        self.assertEqual(fc["weight_elements"], 640)
        self.assertEqual(fc["weight_nonzeros"], 320)  # 2 of every 4
        self.assertEqual(fc["multiplications"]["f32"], 320)
        self.assertEqual(fc["multiplications_replaced"], 320)

    def test_markdown(self):
        out = ternc(DIGITS / "mlp_ternary.onnx", "-o", self.dir / "md",
                    "--name", "md", "--tern-report=md",
                    "--tern-report-file=-", "--emit=obj", cwd=self.dir).stdout
        self.assertIn("# Efficiency report: md", out)
        self.assertIn("| /fc2/Gemm | Gemm | ternary ", out)
        self.assertIn("| **total** |", out)
        self.assertIn("Horowitz", out)

    def test_bad_report_option(self):
        result = subprocess.run(
            [TERNC, str(DIGITS / "mlp_ternary.onnx"), "--tern-report=xml"],
            capture_output=True, text=True, cwd=self.dir, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown --tern-report='xml': expected text, json or md",
                      result.stderr)

    def test_profile(self):
        report = self.reports["dense"]
        svg = self.dir / "dense.svg"
        result = subprocess.run(
            [TERN_RUN, str(self.dir / "dense"), "--profile", "-r", "30",
             "--bandwidth", "20", "--format", "json", "--svg", str(svg)],
            capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        profile = json.loads(result.stdout)["profile"]
        self.assertEqual(profile["runs"], 30)
        self.assertEqual(profile["read_gb_per_s"], 20)
        names = [l["name"] for l in profile["layers"]]
        self.assertEqual(names, [l["name"] for l in report["layers"]])
        self.assertAlmostEqual(sum(l["share"] for l in profile["layers"]),
                               1.0, places=6)
        for p, r in zip(profile["layers"], report["layers"]):
            self.assertEqual(p["bytes"], r["bytes_moved"])
            self.assertEqual(p["ops"], r["multiplications"]["total"] +
                             r["additions"]["total"])
            self.assertEqual(p["kernel_calls"], r["kernel_calls"])
            self.assertGreater(p["seconds"], 0)
            self.assertAlmostEqual(p["gb_per_s"],
                                   p["bytes"] / p["seconds"] / 1e9, places=3)
            self.assertAlmostEqual(p["roofline_s"], p["bytes"] / 20e9)
        doc = xml.dom.minidom.parse(str(svg))
        bars = [r for r in doc.getElementsByTagName("rect")
                if r.getElementsByTagName("title")]
        self.assertEqual(len(bars), 3 * len(names))  # bytes, ops, time
        labels = [t.firstChild.data for t in doc.getElementsByTagName("text")]
        for name in names:
            self.assertIn(name, labels)

    def test_profile_needs_profile(self):
        result = subprocess.run(
            [TERN_RUN, str(self.dir / "dense"), "--svg", "x.svg"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--svg draws the profile: add --profile", result.stderr)


if __name__ == "__main__":
    unittest.main()
