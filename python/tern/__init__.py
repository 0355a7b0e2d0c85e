"""Tern from Python: compile a model with ternc, load the library, run it.

    import numpy as np
    import tern

    model = tern.compile("model.onnx", "out", name="digits")  # runs ternc
    model = tern.load("out")            # or out/libdigits.so: the same model
    logits = model(np.zeros((1, 64), np.float32))

Pure Python over ctypes and NumPy; nothing to build. It binds the C API of
the shared library ternc writes (libNAME.so: NAME_info, NAME_create,
NAME_run_tensors, NAME_target, NAME_destroy, and the runtime's
tern_last_error / tern_status_string), described in
runtime/include/tern/runtime.h and the generated NAME.h.

Errors:
  CompileError  ternc failed (its exit status and stderr are in the message)
  LoadError     a library could not be loaded or is not a Tern model of
                this runtime ABI (FileNotFoundError: no such file, or no
                lib*.so in the directory)
  RunError      a C call returned a status other than TERN_OK (creating the
                instance or running it); the message is tern_last_error()
  TypeError     a call with the wrong inputs (missing, unknown, too many) or
                an input of the wrong dtype
  ValueError    an input of the wrong shape; a closed model
All three Tern errors derive from tern.Error.
"""

import os
import re
import shutil
import subprocess
import threading
from collections import namedtuple
from pathlib import Path

import ctypes

import numpy as np

from . import _capi

__all__ = [
    "Error", "CompileError", "LoadError", "RunError", "TensorInfo", "Model",
    "compile", "load", "find_ternc",
]


class Error(Exception):
    """Base of the errors this package raises for Tern failures."""


class CompileError(Error):
    """ternc failed. `returncode`, `stderr` and `command` say how."""

    def __init__(self, message, returncode=None, stderr="", command=None):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
        self.command = command


class LoadError(Error, OSError):
    """A library could not be loaded, or is not a Tern model library."""


class RunError(Error):
    """A C call failed. `status` is the tern_status value, `status_string`
    tern_status_string(status), the message tern_last_error()."""

    def __init__(self, message, status=None, status_string=None):
        super().__init__(message)
        self.status = status
        self.status_string = status_string


# One input or output: name (str), dtype (numpy.dtype), shape (tuple of int).
TensorInfo = namedtuple("TensorInfo", ["name", "dtype", "shape"])


# --------------------------------------------------------------------------
# Finding and running ternc
# --------------------------------------------------------------------------

def find_ternc():
    """The ternc executable compile() runs, searched in this order:

    1. the environment variable TERN_TERNC (a path);
    2. `ternc` on PATH;
    3. ../../build/bin/ternc relative to this package (python/tern/ in a
       source tree built into build/).

    Raises FileNotFoundError if none of them exists.
    """
    env = os.environ.get("TERN_TERNC")
    if env:
        if not os.path.isfile(env):
            raise FileNotFoundError(
                "TERN_TERNC=%s: no such file" % env)
        return env
    on_path = shutil.which("ternc")
    if on_path:
        return on_path
    in_tree = Path(__file__).resolve().parent.parent.parent / "build" / \
        "bin" / "ternc"
    if in_tree.is_file():
        return str(in_tree)
    raise FileNotFoundError(
        "cannot find ternc: set TERN_TERNC, put ternc on PATH, or build "
        "Tern into %s" % in_tree.parent.parent)


def _flag_value(value):
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _flags(options):
    """Keyword options -> ternc flags: key_name=value -> --key-name=value;
    True -> a bare --key-name; False or None -> nothing; a list or tuple ->
    its items joined by commas (target=["host", "x86-64-linux"]); a dict ->
    the flag repeated, once per item, as --key=K=V, a tuple V joined by 'x'
    (input_shape={"pixels": (1, 64)} -> --input-shape=pixels=1x64)."""
    flags = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            flags.append(flag)
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, (list, tuple)):
                    v = "x".join(str(d) for d in v)
                flags.append("%s=%s=%s" % (flag, k, v))
        else:
            flags.append("%s=%s" % (flag, _flag_value(value)))
    return flags


def _default_name(model_path):
    # ternc's default is the input's stem; it must be a C identifier.
    name = re.sub(r"[^A-Za-z0-9_]", "_", Path(model_path).stem)
    if not name or name[0].isdigit():
        name = "m_" + name
    return name


def compile(model, out_dir, name=None, num_threads=0, **options):
    """Compiles `model` (.onnx or .mlir) with ternc into `out_dir` and
    returns the loaded Model.

    name: the C prefix (libNAME.so, NAME.h); default the file's stem with
        every character that is not a letter, digit or '_' replaced by '_'.
    num_threads: passed to load() (not a ternc flag).
    options: ternc flags, e.g. target="host", ternary_kernel="auto",
        sparse="ell", prune="2:4", integer=True, activation_bits=8,
        ternarize=True, tern_report=True. Any keyword becomes
        --key-with-dashes=value (True: a bare flag; False/None: left out;
        a list: comma-joined; a dict: the flag once per item as K=V).

    Raises CompileError (with ternc's stderr) if ternc fails. ternc's
    progress log is kept as the model's `compile_log`.
    """
    ternc = find_ternc()
    if name is None:
        name = _default_name(model)
    command = [ternc, os.fspath(model), "-o", os.fspath(out_dir),
               "--name=" + name] + _flags(options)
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        stderr = result.stderr.strip()
        raise CompileError(
            "ternc failed (exit status %d) compiling %s:\n%s"
            % (result.returncode, os.fspath(model), stderr),
            returncode=result.returncode, stderr=result.stderr,
            command=command)
    loaded = load(Path(out_dir) / ("lib%s.so" % name), name=name,
                  num_threads=num_threads)
    loaded.compile_log = result.stderr + result.stdout
    return loaded


def report(out_dir, name):
    """The efficiency report that `ternc --tern-report=json` wrote into
    `out_dir` (tern.compile(..., tern_report="json")) as a dict: "layers"
    and "totals" with parameters, stored bytes, dense fp32 MACs,
    multiplications replaced, zero weights skipped, estimated time and
    energy (docs/tern-report.schema.json). FileNotFoundError if there is
    none."""
    path = Path(out_dir) / ("%s.report.json" % name)
    if not path.is_file():
        raise FileNotFoundError(
            "%s: no efficiency report (compile with tern_report=\"json\")"
            % path)
    import json
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def _find_library(path, name):
    """(library path, model name) for load()."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError("%s: no such file or directory" % path)
    if path.is_dir():
        if name is not None:
            lib = path / ("lib%s.so" % name)
            if not lib.is_file():
                raise FileNotFoundError(
                    "%s: no lib%s.so in this directory" % (path, name))
            return lib, name
        libs = sorted(p for p in path.glob("lib*.so") if p.is_file())
        if not libs:
            raise FileNotFoundError(
                "%s: no lib*.so in this directory (is it the directory "
                "ternc -o wrote?)" % path)
        if len(libs) > 1:
            raise ValueError(
                "%s holds several libraries (%s): pass name= to choose one"
                % (path, ", ".join(p.name for p in libs)))
        path = libs[0]
    if name is None:
        match = re.fullmatch(r"lib(.+)\.so", path.name)
        if not match:
            raise ValueError(
                "%s: cannot tell the model's name from the file name (not "
                "libNAME.so): pass name=" % path)
        name = match.group(1)
    return path, name


def load(path, name=None, num_threads=0):
    """Loads a library ternc wrote and creates one instance of its model.

    path: libNAME.so, or the directory ternc -o wrote (the one lib*.so in
        it; name= chooses among several).
    name: the model's name (the --name given to ternc); default from the
        file name libNAME.so.
    num_threads: the most threads this instance's kernels may use
        (tern_create_options.num_threads); 0, the default, is no limit of
        its own.
    """
    lib_path, name = _find_library(path, name)
    return Model(lib_path, name, num_threads=num_threads)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

def _text(c_string):
    """A C string of an info table as str ("" for NULL)."""
    return c_string.decode("utf-8", "replace") if c_string else ""


def _shape_text(shape):
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def _dtype_text(dtype):
    """The runtime's name for a NumPy dtype ("f32"), else NumPy's."""
    code = _capi.DTYPE_CODES.get(dtype)
    if code is None:
        return str(dtype)
    return _capi.DTYPES[code][0]


def _tensor_infos(array, count):
    infos = []
    for i in range(count):
        t = array[i]
        if t.dtype not in _capi.DTYPES:
            raise LoadError("tensor %d has an unknown dtype %d" % (i, t.dtype))
        if not 0 <= t.rank <= _capi.TERN_MAX_RANK:
            raise LoadError("tensor %d has rank %d" % (i, t.rank))
        infos.append(TensorInfo(
            name=(t.name or b"").decode("utf-8", "replace"),
            dtype=_capi.DTYPES[t.dtype][1],
            shape=tuple(int(t.shape[d]) for d in range(t.rank))))
    return tuple(infos)


class Model:
    """One instance of a compiled model (NAME_create), freed by close(), by
    leaving a `with` block, or when garbage collected.

    Attributes: name, path, inputs and outputs (tuples of TensorInfo:
    name, numpy dtype, shape), target (the Halide target its kernels run
    as, NAME_target), num_threads.

    Running (each returns new arrays):
        model(x)                 inputs by position, in `inputs` order
        model(pixels=x)          or by name
        model.run({"pixels": x}) or as a dict
    With one output the result is that array; with several, a dict from
    output name to array, in `outputs` order.

    Every input is checked before the C call. A NumPy array must have the
    input's dtype exactly (TypeError otherwise); anything else (a list, a
    scalar) is converted with numpy.asarray and cast to the input's dtype
    when NumPy calls that a same-kind cast (floats to float32, not floats
    to int8). Its shape must be the input's (ValueError otherwise; no
    broadcasting, no reshaping). Arrays that are not C-contiguous or not
    aligned are copied. A missing, unknown or repeated input, or too many
    positional ones, is a TypeError, as for a Python function.

    One instance runs on one thread at a time (calls from several threads
    take turns); load the model again for parallel instances.
    """

    def __init__(self, path, name, num_threads=0):
        self._handle = None
        self._lock = threading.Lock()
        self.compile_log = ""
        self.path = Path(path)
        self.name = name
        try:
            self._lib = ctypes.CDLL(str(self.path))
        except OSError as e:
            raise LoadError("cannot load %s: %s" % (self.path, e)) from None
        try:
            self._f = _capi.bind(self._lib, name)
        except AttributeError as e:
            raise LoadError(
                "%s is not the Tern model '%s' (%s); is name= the --name "
                "given to ternc?" % (self.path, name, e)) from None
        abi = self._f["abi_version"]()
        if abi != _capi.TERN_RUNTIME_ABI_VERSION:
            raise LoadError(
                "%s was built for Tern runtime ABI %d; this package speaks "
                "ABI %d" % (self.path, abi, _capi.TERN_RUNTIME_ABI_VERSION))

        info = self._f["info"]()
        if not info:
            raise LoadError("%s: %s_info() returned NULL" % (self.path, name))
        info = info.contents
        self.inputs = _tensor_infos(info.inputs, info.num_inputs)
        self.outputs = _tensor_infos(info.outputs, info.num_outputs)
        #: Bytes of the weights (shared by every instance) and of this
        #: instance's activation arena.
        self.weight_bytes = int(info.weight_bytes)
        self.arena_bytes = int(info.arena_bytes)
        #: The layers, as the model's source names them, in the order they
        #: first run: dicts with name, op, format, weight_bytes, bytes (read
        #: and written in one run) and ops (additions and multiplications).
        self.layers = [{
            "name": _text(l.name), "op": _text(l.op),
            "format": _text(l.format), "weight_bytes": int(l.weight_bytes),
            "bytes": int(l.bytes), "ops": int(l.ops),
            "kernel_calls": int(l.kernel_calls),
        } for l in (info.layers[i] for i in range(info.num_layers))]
        self._input_index = {t.name: i for i, t in enumerate(self.inputs)}

        if isinstance(num_threads, bool) or not isinstance(
                num_threads, (int, np.integer)):
            raise TypeError("num_threads must be an int, not %s"
                            % type(num_threads).__name__)
        self.num_threads = int(num_threads)
        options = _capi.CreateOptions()
        self._f["create_options_init"](ctypes.byref(options))
        options.num_threads = self.num_threads
        handle = ctypes.c_void_p()
        status = self._f["create"](ctypes.byref(handle), ctypes.byref(options))
        if status != _capi.TERN_OK:
            raise self._error(status, "%s_create" % name)
        self._handle = handle
        target = self._f["target"](handle)
        self.target = target.decode() if target is not None else None

    # -- profiling --------------------------------------------------------

    def profile(self, *args, runs=10, warmup=1, **kwargs):
        """Runs the model `warmup` times, then `runs` times with per-layer
        timing on (NAME_set_profiling), and returns self.layers with each
        layer's mean "seconds" per run and its "share" of their total.
        Takes the inputs as __call__ does."""
        if runs < 1 or warmup < 0:
            raise ValueError("runs must be at least 1 and warmup at least 0")
        for _ in range(warmup):
            self(*args, **kwargs)
        self._profiling(True)
        try:
            for _ in range(runs):
                self(*args, **kwargs)
            ns = (ctypes.c_uint64 * max(1, len(self.layers)))()
            done = ctypes.c_int64()
            with self._lock:
                if self._handle is None:
                    raise ValueError("model '%s' is closed" % self.name)
                status = self._f["profile"](self._handle, ns,
                                            len(self.layers),
                                            ctypes.byref(done))
                if status != _capi.TERN_OK:
                    raise self._error(status, "%s_profile" % self.name)
        finally:
            self._profiling(False)
        total = sum(ns[i] for i in range(len(self.layers))) or 1
        result = []
        for i, layer in enumerate(self.layers):
            entry = dict(layer)
            entry["seconds"] = ns[i] * 1e-9 / max(1, done.value)
            entry["share"] = ns[i] / total
            result.append(entry)
        return result

    def _profiling(self, enabled):
        with self._lock:
            if self._handle is None:
                if enabled:
                    raise ValueError("model '%s' is closed" % self.name)
                return
            status = self._f["set_profiling"](self._handle, int(enabled))
            if status != _capi.TERN_OK:
                raise self._error(status, "%s_set_profiling" % self.name)

    # -- lifetime ----------------------------------------------------------

    def close(self):
        """Destroys the instance (NAME_destroy). Calling it again does
        nothing; running a closed model raises ValueError."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is not None:
                self._f["destroy"](handle)

    @property
    def closed(self):
        return self._handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            try:
                self.close()
            except Exception:
                pass

    def __repr__(self):
        def fmt(ts):
            return ", ".join("%s: %s %s" % (t.name, _dtype_text(t.dtype),
                                            _shape_text(t.shape)) for t in ts)
        return "<tern.Model %s (%s) -> (%s), %s%s>" % (
            self.name, fmt(self.inputs), fmt(self.outputs), self.target,
            ", closed" if self.closed else "")

    # -- running -----------------------------------------------------------

    def __call__(self, *args, **kwargs):
        if len(args) > len(self.inputs):
            raise TypeError(
                "model '%s' takes %d input(s) (%s), %d given"
                % (self.name, len(self.inputs),
                   ", ".join(t.name for t in self.inputs), len(args)))
        given = {}
        for i, value in enumerate(args):
            given[self.inputs[i].name] = value
        for key, value in kwargs.items():
            if key in given:
                raise TypeError("model '%s': input '%s' given twice (by "
                                "position and by name)" % (self.name, key))
            given[key] = value
        return self.run(given)

    def run(self, inputs):
        """Runs the model on `inputs`, a dict from input name to array
        (or a list/tuple in `inputs` order). See the class's docstring."""
        if isinstance(inputs, dict):
            by_index = [None] * len(self.inputs)
            for key, value in inputs.items():
                index = self._input_index.get(key)
                if index is None:
                    raise TypeError(
                        "model '%s' has no input '%s'; its inputs are: %s"
                        % (self.name, key,
                           ", ".join(t.name for t in self.inputs)))
                by_index[index] = value
            missing = [self.inputs[i].name for i, v in enumerate(by_index)
                       if v is None]
            if missing:
                raise TypeError(
                    "model '%s': missing input%s %s" % (
                        self.name, "s" if len(missing) > 1 else "",
                        ", ".join("'%s'" % m for m in missing)))
        else:
            by_index = list(inputs)
            if len(by_index) != len(self.inputs):
                raise TypeError(
                    "model '%s' takes %d input(s) (%s), %d given"
                    % (self.name, len(self.inputs),
                       ", ".join(t.name for t in self.inputs), len(by_index)))

        arrays = [self._check_input(i, v) for i, v in enumerate(by_index)]
        outputs = [np.empty(t.shape, dtype=t.dtype) for t in self.outputs]

        c_inputs = (_capi.Tensor * max(1, len(arrays)))()
        for c, array in zip(c_inputs, arrays):
            self._describe(c, array)
        c_outputs = (_capi.Tensor * max(1, len(outputs)))()
        for c, array in zip(c_outputs, outputs):
            self._describe(c, array)

        with self._lock:
            if self._handle is None:
                raise ValueError("model '%s' is closed" % self.name)
            status = self._f["run_tensors"](
                self._handle, c_inputs, len(arrays), c_outputs, len(outputs))
            if status != _capi.TERN_OK:
                raise self._error(status, "%s_run_tensors" % self.name)

        if len(outputs) == 1:
            return outputs[0]
        return {t.name: a for t, a in zip(self.outputs, outputs)}

    def _check_input(self, index, value):
        """The input as an aligned C-contiguous array of the right dtype
        and shape, or TypeError/ValueError worded as tern_tensor_check's
        messages ("input 0 'pixels': expected shape [1, 64] (f32), found
        [64] (f32)")."""
        info = self.inputs[index]
        label = "input %d '%s'" % (index, info.name)
        expected = _dtype_text(info.dtype)
        if isinstance(value, np.ndarray):
            array = value
            if array.dtype != info.dtype:
                raise TypeError(
                    "%s: expected dtype %s (numpy.%s), found %s (numpy.%s)"
                    % (label, expected, info.dtype.name,
                       _dtype_text(array.dtype), array.dtype.name))
        else:
            array = np.asarray(value)
            if not np.can_cast(array.dtype, info.dtype, casting="same_kind"):
                raise TypeError(
                    "%s: expected dtype %s (numpy.%s), found %s (numpy.%s, "
                    "from %s), which does not convert to it"
                    % (label, expected, info.dtype.name,
                       _dtype_text(array.dtype), array.dtype.name,
                       type(value).__name__))
            array = array.astype(info.dtype)
        if array.ndim != len(info.shape):
            raise ValueError(
                "%s: expected rank %d %s (%s), found rank %d %s (%s)"
                % (label, len(info.shape), _shape_text(info.shape), expected,
                   array.ndim, _shape_text(array.shape), expected))
        if tuple(array.shape) != info.shape:
            raise ValueError(
                "%s: expected shape %s (%s), found %s (%s)"
                % (label, _shape_text(info.shape), expected,
                   _shape_text(array.shape), expected))
        return np.require(array, requirements=("C_CONTIGUOUS", "ALIGNED"))

    @staticmethod
    def _describe(c, array):
        c.data = array.ctypes.data
        c.dtype = _capi.DTYPE_CODES[array.dtype]
        c.rank = array.ndim
        for d, n in enumerate(array.shape):
            c.shape[d] = n

    def _error(self, status, call):
        message = (self._f["last_error"]() or b"").decode("utf-8", "replace")
        text = (self._f["status_string"](status) or b"").decode()
        return RunError("%s failed: %s: %s" % (call, text, message),
                        status=status, status_string=text)
