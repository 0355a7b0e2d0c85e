//===- Tensor.h - ONNX test tensors: reading and comparing ------*- C++ -*-===//
//
// The tensors of the ONNX backend test suite are serialized onnx.TensorProto
// messages (test_data_set_N/input_K.pb, output_K.pb). This file turns one
// into a plain buffer with a Tern element type and compares a model's output
// with a reference the way ONNX's backend tests do: floats within
// atol + rtol * |expected| (NaN matches NaN, an infinity matches the same
// infinity), integers and booleans exactly.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_TENSOR_H
#define TERN_ONNX_CONFORMANCE_TENSOR_H

#include "tern/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace tern::conformance {

/// A dense row-major tensor with one of the element types a Tern model takes.
struct Tensor {
  std::string name;
  tern_dtype dtype = TERN_DTYPE_F32;
  std::vector<int64_t> shape;
  /// numElements() * elementSize(dtype) bytes, little-endian; booleans are
  /// one byte each, 0 or 1.
  std::vector<uint8_t> data;

  int64_t numElements() const;
};

/// Bytes per element of `dtype` (0 for a value outside the enum).
size_t elementSize(tern_dtype dtype);

/// The Tern element type of ONNX data type `onnxType`
/// (onnx::TensorProto::DataType); false for types Tern models do not take
/// (float16, strings, unsigned types wider than 8 bits, ...).
bool dtypeFromOnnx(int32_t onnxType, tern_dtype &dtype);

/// ONNX's name of a data type ("FLOAT", "FLOAT16", ...), or "type N".
std::string onnxTypeName(int32_t onnxType);

/// "f32 [3, 4, 5]".
std::string describe(tern_dtype dtype, const std::vector<int64_t> &shape);

/// "[3, 4, 5]".
std::string formatShape(const std::vector<int64_t> &shape);

/// Converts `proto` into `tensor`, from raw_data or the typed repeated field
/// of its type. Returns an empty string on success, else what is wrong
/// (unsupported data type, external data, element count not matching the
/// shape, ...).
std::string tensorFromProto(const onnx::TensorProto &proto, Tensor &tensor);

/// Reads the serialized TensorProto in `path` into `tensor`. Returns an empty
/// string on success, else a message that names the file.
std::string readTensorFile(const std::string &path, Tensor &tensor);

/// Reads only the data type of the serialized TensorProto in `path`.
/// Returns an empty string on success.
std::string readTensorType(const std::string &path, int32_t &onnxType);

/// Tolerances of ONNX's backend tests.
struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

/// Compares `got` with `expected`. Returns an empty string when they have the
/// same element type and shape and every element matches; otherwise a
/// message: the type or shape difference, or how many elements differ and
/// the worst one (index, got, expected).
std::string compareTensors(const Tensor &got, const Tensor &expected,
                           const Tolerance &tolerance = Tolerance());

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_TENSOR_H
