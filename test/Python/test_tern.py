#!/usr/bin/env python3
"""Tests of the `tern` Python package (python/tern/): models compiled with
ternc through tern.compile, run from NumPy and compared with references
computed here or written by the examples' generators, and every error the
package raises.

    PYTHONPATH=python TERN_TERNC=build/bin/ternc python3 test/Python/test_tern.py -v

Standard library and NumPy only. Exits 77 (ctest's SKIP_RETURN_CODE) when
NumPy is not importable.
"""

import os
import re
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not importable (Debian: apt-get install "
          "python3-numpy)")
    sys.exit(77)

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "python"))  # PYTHONPATH takes precedence

import tern  # noqa: E402

MLP = ROOT / "test" / "ternc" / "Inputs" / "mlp.mlir"
MALFORMED = ROOT / "test" / "ternc" / "Inputs" / "malformed.mlir"
EXAMPLE = ROOT / "examples" / "ternary-mlp"
DIGITS = ROOT / "examples" / "digits"

# Two inputs, two outputs: a + b and a * b.
TWO_OUTPUTS_MLIR = """
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @two(%a: tensor<2x3xf32> {tern.name = "a"},
               %b: tensor<2x3xf32> {tern.name = "b"})
    -> (tensor<2x3xf32> {tern.name = "sum"},
        tensor<2x3xf32> {tern.name = "prod"}) {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.generic {indexing_maps = [#map, #map, #map],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>)
      outs(%e : tensor<2x3xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %p = linalg.generic {indexing_maps = [#map, #map, #map],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>)
      outs(%e : tensor<2x3xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.mulf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  return %s, %p : tensor<2x3xf32>, tensor<2x3xf32>
}
"""


def mlp_reference(x):
    """test/ternc/Inputs/mlp.mlir in float64, from the weights written
    there: relu(x W1^T + b1) W2."""
    w1 = np.array([[0.5, -0.5, 0.0, 0.5], [0.0, 0.25, 0.25, -0.25],
                   [-1.0, 0.0, 0.0, 1.0]])
    b1 = np.array([0.125, -0.25, 0.5])
    w2 = np.array([[0.75, 0.0], [-0.75, 0.75], [0.0, -0.75]])
    h = np.maximum(x.astype(np.float64) @ w1.T + b1, 0.0)
    return h @ w2


def c_array(text, name):
    """The numbers of `static const float NAME[..][..] = {...};` in C text."""
    match = re.search(r"\b%s\[(\d+)\]\[(\d+)\]\s*=\s*\{(.*?)\};" % name,
                      text, re.S)
    rows, cols = int(match.group(1)), int(match.group(2))
    values = re.findall(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?=f)",
                        match.group(3))
    return np.array([float(v) for v in values]).reshape(rows, cols)


class Temp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="tern-python-"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


class MlpTest(Temp):
    """mlp.mlir (4 -> 3 -> 2) against its NumPy reference, every way of
    calling it, and the input checks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = cls.tmp / "mlp"
        cls.model = tern.compile(MLP, cls.out)  # name: the stem, "mlp"

    @classmethod
    def tearDownClass(cls):
        cls.model.close()
        super().tearDownClass()

    def inputs(self, n=8):
        rng = np.random.default_rng(2026)
        return rng.uniform(-2, 2, size=(n, 1, 4)).astype(np.float32)

    def check(self, got, x):
        self.assertIsInstance(got, np.ndarray)
        self.assertEqual(got.dtype, np.float32)
        self.assertEqual(got.shape, (1, 2))
        np.testing.assert_allclose(got, mlp_reference(x), rtol=1e-5,
                                   atol=1e-6)

    def test_info(self):
        m = self.model
        self.assertEqual(m.name, "mlp")
        self.assertEqual(m.path, self.out / "libmlp.so")
        self.assertEqual(len(m.inputs), 1)
        self.assertEqual(len(m.outputs), 1)
        self.assertEqual(m.inputs[0], ("pixels", np.dtype(np.float32), (1, 4)))
        self.assertEqual(m.outputs[0].name, "logits")
        self.assertEqual(m.outputs[0].dtype, np.dtype(np.float32))
        self.assertEqual(m.outputs[0].shape, (1, 2))
        self.assertIsInstance(m.target, str)
        self.assertTrue(m.target.startswith("x86-64") or
                        m.target.startswith("arm"), m.target)
        self.assertIn("pixels: f32 [1, 4]", repr(m))
        self.assertIn("ternc:", m.compile_log)

    def test_call_forms(self):
        for x in self.inputs():
            self.check(self.model(x), x)
            self.check(self.model(pixels=x), x)
            self.check(self.model.run({"pixels": x}), x)
            self.check(self.model.run([x]), x)

    def test_reference_values(self):
        # By hand for x = [1, 0, 0, 1]: h = relu(x W1^T + b1) =
        # relu([1 + 0.125, -0.25 - 0.25, 0 + 0.5]) = [1.125, 0, 0.5], then
        # y = h W2; checks mlp_reference as well as the model.
        x = np.array([[1.0, 0.0, 0.0, 1.0]], np.float32)
        h = np.maximum([1.0 + 0.125, -0.25 - 0.25, 0.0 + 0.5], 0)
        y = [h[0] * 0.75 - h[1] * 0.75, h[1] * 0.75 - h[2] * 0.75]
        np.testing.assert_allclose(self.model(x)[0], y, rtol=1e-6)
        np.testing.assert_allclose(mlp_reference(x)[0], y)

    def test_outputs_are_fresh(self):
        x = self.inputs(2)
        a = self.model(x[0])
        b = self.model(x[1])
        self.assertFalse(np.shares_memory(a, b))
        self.check(a, x[0])

    def test_non_contiguous(self):
        x = self.inputs(1)[0]
        # Every other column of a wider array; a Fortran-order copy.
        wide = np.zeros((1, 8), np.float32)
        wide[:, ::2] = x
        strided = wide[:, ::2]
        self.assertFalse(strided.flags.c_contiguous)
        self.check(self.model(strided), x)
        fortran = np.asfortranarray(np.repeat(x, 3, axis=0))[1:2]
        self.check(self.model(fortran), x)
        # The caller's array is neither changed nor kept.
        self.assertTrue(np.array_equal(wide[:, ::2], x))

    def test_lists_are_converted(self):
        x = self.inputs(1)[0]
        self.check(self.model(x.tolist()), x)          # floats (f64) -> f32
        ints = [[1, -2, 0, 2]]                         # ints -> f32
        self.check(self.model(ints), np.array(ints, np.float32))

    def test_load_directory_and_library(self):
        x = self.inputs(1)[0]
        with tern.load(self.out) as a, \
                tern.load(self.out / "libmlp.so", num_threads=1) as b, \
                tern.load(self.out, name="mlp", num_threads=2) as c:
            self.assertEqual(b.num_threads, 1)
            for m in (a, b, c):
                self.check(m(x), x)
        self.assertTrue(a.closed)

    def test_close(self):
        m = tern.load(self.out)
        x = self.inputs(1)[0]
        self.check(m(x), x)
        m.close()
        m.close()  # twice is fine
        with self.assertRaisesRegex(ValueError, "model 'mlp' is closed"):
            m(x)
        del m  # __del__ after close: nothing to free

    def test_del_frees(self):
        for _ in range(50):
            m = tern.load(self.out)
            m(self.inputs(1)[0])
            del m

    # -- errors -------------------------------------------------------------

    def test_wrong_dtype(self):
        x = self.inputs(1)[0]
        with self.assertRaises(TypeError) as e:
            self.model(x.astype(np.float64))
        self.assertEqual(
            str(e.exception),
            "input 0 'pixels': expected dtype f32 (numpy.float32), found f64 "
            "(numpy.float64)")
        with self.assertRaisesRegex(TypeError, r"input 0 'pixels': expected "
                                    r"dtype f32 .*found i32"):
            self.model(pixels=x.astype(np.int32))
        with self.assertRaisesRegex(TypeError, "input 0 'pixels': expected "
                                    "dtype f32.*complex128.*does not convert"):
            self.model([[1j, 0, 0, 0]])

    def test_wrong_shape(self):
        with self.assertRaises(ValueError) as e:
            self.model(np.zeros((1, 5), np.float32))
        # The same words as the C API's tern_tensor_check.
        self.assertEqual(str(e.exception),
                         "input 0 'pixels': expected shape [1, 4] (f32), "
                         "found [1, 5] (f32)")
        with self.assertRaises(ValueError) as e:
            self.model(np.zeros(4, np.float32))
        self.assertEqual(str(e.exception),
                         "input 0 'pixels': expected rank 2 [1, 4] (f32), "
                         "found rank 1 [4] (f32)")
        with self.assertRaisesRegex(ValueError, r"found \[4, 1\]"):
            self.model.run({"pixels": np.zeros((4, 1), np.float32)})

    def test_c_reports_the_same(self):
        # Skip the Python check: the C API's message for the same mistake,
        # raised as RunError with tern_last_error().
        model = tern.load(self.out)
        model._check_input = lambda i, v: v
        with self.assertRaises(tern.RunError) as e:
            model(np.zeros((1, 5), np.float32))
        self.assertEqual(e.exception.status, 2)  # TERN_ERROR_SHAPE_MISMATCH
        self.assertEqual(e.exception.status_string, "shape mismatch")
        self.assertIn("input 0 'pixels': expected shape [1, 4] (f32), found "
                      "[1, 5] (f32)", str(e.exception))
        self.assertIn("mlp_run_tensors failed", str(e.exception))
        model.close()

    def test_unknown_missing_and_extra_inputs(self):
        x = self.inputs(1)[0]
        with self.assertRaisesRegex(TypeError, "model 'mlp' has no input "
                                    "'image'; its inputs are: pixels"):
            self.model(image=x)
        with self.assertRaisesRegex(TypeError, "has no input 'image'"):
            self.model.run({"pixels": x, "image": x})
        with self.assertRaisesRegex(TypeError,
                                    "model 'mlp': missing input 'pixels'"):
            self.model()
        with self.assertRaisesRegex(TypeError, "missing input 'pixels'"):
            self.model.run({})
        with self.assertRaisesRegex(TypeError, r"takes 1 input\(s\) "
                                    r"\(pixels\), 2 given"):
            self.model(x, x)
        with self.assertRaisesRegex(TypeError, "2 given"):
            self.model.run([x, x])
        with self.assertRaisesRegex(TypeError, "'pixels' given twice"):
            self.model(x, pixels=x)

    def test_create_error(self):
        with self.assertRaises(tern.RunError) as e:
            tern.load(self.out, num_threads=-1)
        self.assertEqual(e.exception.status, 1)  # invalid argument
        self.assertIn("mlp_create failed: invalid argument", str(e.exception))
        self.assertIn("num_threads must be >= 0", str(e.exception))
        with self.assertRaises(TypeError):
            tern.load(self.out, num_threads="2")

    def test_load_errors(self):
        with self.assertRaisesRegex(FileNotFoundError, "no such file"):
            tern.load(self.tmp / "nowhere" / "libmlp.so")
        with self.assertRaisesRegex(FileNotFoundError, "no such file"):
            tern.load(self.tmp / "nowhere")
        empty = self.tmp / "empty"
        empty.mkdir()
        (empty / "mlp.h").write_text("/* not a library */\n")
        with self.assertRaisesRegex(FileNotFoundError, r"no lib\*\.so in "
                                    "this directory"):
            tern.load(empty)
        with self.assertRaisesRegex(FileNotFoundError, "no libmlp.so"):
            tern.load(empty, name="mlp")
        # A wrong name for a real library.
        with self.assertRaisesRegex(tern.LoadError, "is not the Tern model "
                                    "'other'"):
            tern.load(self.out / "libmlp.so", name="other")
        # Not a shared library at all.
        junk = empty / "libjunk.so"
        junk.write_text("junk\n")
        with self.assertRaisesRegex(tern.LoadError, "cannot load"):
            tern.load(junk)
        # Two libraries: name= chooses.
        shutil.copy(self.out / "libmlp.so", empty / "libmlp.so")
        with self.assertRaisesRegex(ValueError, "several libraries"):
            tern.load(empty)
        with tern.load(empty, name="mlp") as m:
            x = self.inputs(1)[0]
            self.check(m(x), x)
        # A file not called libNAME.so needs name=.
        odd = empty / "model.so"
        shutil.copy(self.out / "libmlp.so", odd)
        with self.assertRaisesRegex(ValueError, "pass name="):
            tern.load(odd)
        with tern.load(odd, name="mlp") as m:
            self.check(m(x), x)


class CompileTest(Temp):
    def test_malformed(self):
        with self.assertRaises(tern.CompileError) as e:
            tern.compile(MALFORMED, self.tmp / "bad")
        self.assertEqual(e.exception.returncode, 1)
        self.assertIn("use of undeclared SSA value name", str(e.exception))
        self.assertIn("cannot parse", e.exception.stderr)
        self.assertEqual(e.exception.command[0], tern.find_ternc())

    def test_missing_model(self):
        with self.assertRaisesRegex(tern.CompileError, "ternc failed"):
            tern.compile(self.tmp / "nothing.onnx", self.tmp / "none")

    def test_bad_option(self):
        with self.assertRaisesRegex(tern.CompileError, "ternary-kernel"):
            tern.compile(MLP, self.tmp / "opt", ternary_kernel="nonsense")

    def test_options(self):
        x = np.array([[0.5, -1.0, 2.0, 0.25]], np.float32)
        for opts in ({"ternary_kernel": "i2", "sparse": "dense"},
                     {"ternary_kernel": "bitplane", "target": "host"},
                     {"target": ["host", "x86-64-linux"], "quiet": True,
                      "tern_report": False}):
            with self.subTest(**{k: str(v) for k, v in opts.items()}):
                out = self.tmp / ("opt-%d" % len(os.listdir(self.tmp)))
                with tern.compile(MLP, out, name="mlp_opt", **opts) as m:
                    np.testing.assert_allclose(m(x), mlp_reference(x),
                                               rtol=1e-5, atol=1e-6)

    def test_flags(self):
        self.assertEqual(
            tern._flags({"target": "host", "ternary_kernel": "auto",
                         "sparse": "ell", "prune": "2:4", "integer": True,
                         "activation_bits": 8, "keep_temps": False,
                         "calibrate": None,
                         "input_shape": {"pixels": (1, 64), "mask": "1x8"},
                         "ternarize": ["fc1", "fc2"]}),
            ["--target=host", "--ternary-kernel=auto", "--sparse=ell",
             "--prune=2:4", "--integer", "--activation-bits=8",
             "--input-shape=pixels=1x64", "--input-shape=mask=1x8",
             "--ternarize=fc1,fc2"])

    def test_find_ternc(self):
        saved = os.environ.get("TERN_TERNC")
        try:
            os.environ["TERN_TERNC"] = str(self.tmp / "no-ternc")
            with self.assertRaisesRegex(FileNotFoundError, "TERN_TERNC"):
                tern.find_ternc()
        finally:
            if saved is None:
                del os.environ["TERN_TERNC"]
            else:
                os.environ["TERN_TERNC"] = saved

    def test_two_outputs(self):
        src = self.tmp / "two.mlir"
        src.write_text(TWO_OUTPUTS_MLIR)
        with tern.compile(src, self.tmp / "two") as m:
            self.assertEqual([t.name for t in m.inputs], ["a", "b"])
            self.assertEqual([t.name for t in m.outputs], ["sum", "prod"])
            rng = np.random.default_rng(1)
            a = rng.standard_normal((2, 3)).astype(np.float32)
            b = rng.standard_normal((2, 3)).astype(np.float32)
            for got in (m(a, b), m(b=b, a=a), m(a, b=b),
                        m.run({"a": a, "b": b})):
                self.assertIsInstance(got, dict)
                self.assertEqual(list(got), ["sum", "prod"])
                np.testing.assert_array_equal(got["sum"], a + b)
                np.testing.assert_array_equal(got["prod"], a * b)
            with self.assertRaisesRegex(TypeError,
                                        "model 'two': missing input 'b'"):
                m(a)
            with self.assertRaisesRegex(TypeError, "missing inputs 'a', 'b'"):
                m.run({})
            with self.assertRaisesRegex(ValueError, r"input 1 'b': expected "
                                        r"shape \[2, 3\] \(f32\), found "
                                        r"\[3, 2\] \(f32\)"):
                m(a, b.T.copy())


class TernaryMlpExampleTest(Temp):
    """examples/ternary-mlp against the outputs generate.py wrote into
    reference.h, with main.c's tolerance."""

    def test_reference(self):
        text = (EXAMPLE / "reference.h").read_text()
        inputs = c_array(text, "tern_example_inputs")
        expected = c_array(text, "tern_example_expected")
        self.assertEqual(inputs.shape, (4, 64))
        self.assertEqual(expected.shape, (4, 10))
        with tern.compile(EXAMPLE / "model.mlir", self.tmp / "out",
                          name="ternary_mlp") as m:
            self.assertEqual(m.inputs[0].shape, (1, 64))
            # What ternc's progress line says: weights 24.7 KiB (the 2-bit
            # codes and scales of 64x128, 128x64 and 64x10 layers, biases,
            # 64-byte aligned), an activation arena of 2.0 KiB.
            self.assertEqual(m.weight_bytes, 25320)
            self.assertEqual(m.arena_bytes, 2048)
            for x, want in zip(inputs, expected):
                got = m(x.astype(np.float32).reshape(1, 64))[0]
                tol = 1e-4 + 1e-4 * np.abs(want)
                self.assertTrue(np.all(np.abs(got - want) <= tol),
                                (got, want))


class DigitsTest(Temp):
    """examples/digits/mlp_ternary.onnx on the 450 test samples: the same
    predictions as PyTorch on every sample that is not a tie (NAME.pred),
    and the accuracy the README reports (what accuracy.c checks)."""

    def test_mlp_ternary(self):
        x = np.fromfile(DIGITS / "test_x.f32", dtype="<f4").reshape(-1, 64)
        y = np.fromfile(DIGITS / "test_y.u8", dtype=np.uint8)
        pred = np.loadtxt(DIGITS / "mlp_ternary.pred", dtype=np.int64)
        self.assertEqual(x.shape, (450, 64))
        self.assertEqual(pred.shape, (450, 2))
        with tern.compile(DIGITS / "mlp_ternary.onnx", self.tmp / "digits",
                          name="mlp_ternary") as m:
            self.assertEqual(m.inputs[0], ("pixels", np.dtype(np.float32),
                                           (1, 64)))
            self.assertEqual(m.outputs[0].name, "logits")
            got = np.array([np.argmax(m(x[i:i + 1])) for i in range(len(x))])
        not_tie = pred[:, 1] == 0
        mismatches = np.nonzero((got != pred[:, 0]) & not_tie)[0]
        self.assertEqual(mismatches.tolist(), [])
        self.assertEqual(int((got == y).sum()), 438)

    def test_layers_and_profile(self):
        x = np.fromfile(DIGITS / "test_x.f32", dtype="<f4").reshape(-1, 64)
        with tern.compile(DIGITS / "mlp_ternary.onnx", self.tmp / "prof",
                          name="prof", tern_report="json") as m:
            report = tern.report(self.tmp / "prof", "prof")
            self.assertEqual([l["name"] for l in report["layers"]],
                             [l["name"] for l in m.layers])
            self.assertLess(report["totals"]["bytes_ratio"], 0.1)
            # The ONNX nodes, in order, with what their kernels do.
            self.assertEqual([l["name"] for l in m.layers],
                             ["/fc1/Gemm", "/fc2/Gemm", "/fc3/Gemm"])
            for l in m.layers:
                self.assertEqual(l["op"], "Gemm")
                self.assertTrue(l["format"].startswith("ternary "), l)
                self.assertGreater(l["bytes"], l["weight_bytes"])
                self.assertGreater(l["ops"], 0)
            # The blob also holds the padding that aligns each entry.
            stored = sum(l["weight_bytes"] for l in m.layers)
            self.assertLessEqual(stored, m.weight_bytes)
            self.assertGreater(stored, m.weight_bytes - 64 * 6)
            profile = m.profile(x[:1], runs=20)
            self.assertEqual([p["name"] for p in profile],
                             [l["name"] for l in m.layers])
            self.assertAlmostEqual(sum(p["share"] for p in profile), 1.0)
            self.assertTrue(all(p["seconds"] > 0 for p in profile), profile)
            # Profiling is off again: the results do not change.
            np.testing.assert_array_equal(m(x[:1]), m(x[:1]))
            with self.assertRaises(ValueError):
                m.profile(x[:1], runs=0)
        with self.assertRaises(ValueError):
            m.profile(x[:1])  # closed
        with self.assertRaisesRegex(FileNotFoundError, "no efficiency report"):
            tern.report(self.tmp / "prof", "other")


if __name__ == "__main__":
    unittest.main()
