"""ctypes mirrors of the C structs and enums in runtime/include/tern/runtime.h.

Field order and types follow the header exactly; TERN_RUNTIME_ABI_VERSION
names the layout they mirror, and a library of another ABI is refused at
load time.
"""

import ctypes

import numpy as np

TERN_RUNTIME_ABI_VERSION = 4
TERN_MAX_RANK = 8
TERN_OK = 0

# enum tern_status (an int in C).
STATUS_NAMES = {
    0: "TERN_OK",
    1: "TERN_ERROR_INVALID_ARGUMENT",
    2: "TERN_ERROR_SHAPE_MISMATCH",
    3: "TERN_ERROR_DTYPE_MISMATCH",
    4: "TERN_ERROR_OUT_OF_MEMORY",
    5: "TERN_ERROR_KERNEL_FAILED",
    6: "TERN_ERROR_IO",
    7: "TERN_ERROR_INTERNAL",
    8: "TERN_ERROR_DEVICE",
    9: "TERN_ERROR_UNSUPPORTED_CPU",
}

# enum tern_dtype -> (the runtime's name for it, NumPy dtype).
DTYPES = {
    0: ("f32", np.dtype(np.float32)),
    1: ("f64", np.dtype(np.float64)),
    2: ("i8", np.dtype(np.int8)),
    3: ("i16", np.dtype(np.int16)),
    4: ("i32", np.dtype(np.int32)),
    5: ("i64", np.dtype(np.int64)),
    6: ("u8", np.dtype(np.uint8)),
    7: ("bool", np.dtype(np.bool_)),  # one byte per element, 0 or 1
}
DTYPE_CODES = {np_dtype: code for code, (_, np_dtype) in DTYPES.items()}

# C enums are int-sized here (every value fits an int).
c_tern_status = ctypes.c_int
c_tern_dtype = ctypes.c_int


class TensorInfo(ctypes.Structure):
    """typedef struct tern_tensor_info."""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dtype", c_tern_dtype),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.c_int64 * TERN_MAX_RANK),
    ]


class Tensor(ctypes.Structure):
    """typedef struct tern_tensor."""
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("dtype", c_tern_dtype),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.c_int64 * TERN_MAX_RANK),
    ]


class LayerInfo(ctypes.Structure):
    """typedef struct tern_layer_info."""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("op", ctypes.c_char_p),
        ("format", ctypes.c_char_p),
        ("weight_bytes", ctypes.c_int64),
        ("bytes", ctypes.c_int64),
        ("ops", ctypes.c_int64),
        ("kernel_calls", ctypes.c_int32),
    ]


class ModelInfo(ctypes.Structure):
    """typedef struct tern_model_info."""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("num_inputs", ctypes.c_int32),
        ("inputs", ctypes.POINTER(TensorInfo)),
        ("num_outputs", ctypes.c_int32),
        ("outputs", ctypes.POINTER(TensorInfo)),
        ("weight_bytes", ctypes.c_int64),
        ("arena_bytes", ctypes.c_int64),
        ("num_layers", ctypes.c_int32),
        ("layers", ctypes.POINTER(LayerInfo)),
    ]


class CreateOptions(ctypes.Structure):
    """typedef struct tern_create_options."""
    _fields_ = [
        ("num_threads", ctypes.c_int32),
    ]


def bind(lib, name):
    """Declares the prototypes of the model NAME's functions and of the
    runtime functions the package uses; returns them in a dict. Raises
    AttributeError for a missing symbol."""
    model_p = ctypes.c_void_p  # NAME_model *, opaque
    f = {}

    def proto(symbol, restype, argtypes):
        fn = getattr(lib, symbol)
        fn.restype = restype
        fn.argtypes = argtypes
        return fn

    # const tern_model_info *NAME_info(void);
    f["info"] = proto(name + "_info", ctypes.POINTER(ModelInfo), [])
    # tern_status NAME_create(NAME_model **, const tern_create_options *);
    f["create"] = proto(name + "_create", c_tern_status,
                        [ctypes.POINTER(model_p),
                         ctypes.POINTER(CreateOptions)])
    # tern_status NAME_run_tensors(NAME_model *, const tern_tensor *, size_t,
    #                              tern_tensor *, size_t);
    f["run_tensors"] = proto(name + "_run_tensors", c_tern_status,
                             [model_p, ctypes.POINTER(Tensor), ctypes.c_size_t,
                              ctypes.POINTER(Tensor), ctypes.c_size_t])
    # const char *NAME_target(const NAME_model *);
    f["target"] = proto(name + "_target", ctypes.c_char_p, [model_p])
    # tern_status NAME_set_profiling(NAME_model *, int32_t);
    f["set_profiling"] = proto(name + "_set_profiling", c_tern_status,
                               [model_p, ctypes.c_int32])
    # tern_status NAME_profile(const NAME_model *, uint64_t *, int32_t,
    #                          int64_t *);
    f["profile"] = proto(name + "_profile", c_tern_status,
                         [model_p, ctypes.POINTER(ctypes.c_uint64),
                          ctypes.c_int32, ctypes.POINTER(ctypes.c_int64)])
    # void NAME_destroy(NAME_model *);
    f["destroy"] = proto(name + "_destroy", None, [model_p])
    # The runtime this library carries (weak symbols: with ctypes' default
    # RTLD_LOCAL each library's calls resolve to its own copy, so the error
    # message of a call is read from the library that made it).
    f["last_error"] = proto("tern_last_error", ctypes.c_char_p, [])
    f["clear_error"] = proto("tern_clear_error", None, [])
    f["status_string"] = proto("tern_status_string", ctypes.c_char_p,
                               [c_tern_status])
    f["create_options_init"] = proto("tern_create_options_init", None,
                                     [ctypes.POINTER(CreateOptions)])
    f["abi_version"] = proto("tern_runtime_abi_version", ctypes.c_int32, [])
    return f
