//===- Calibrate.h - Ranges for integer mode, from sample inputs -*- C++
//-*-===//
//
// Integer mode (tern-quantize) needs the largest |value| of the model's
// inputs and of every tensor it requantizes; TEAL-style activation
// thresholds need the distribution of each layer's inputs. Calibration runs
// the float model, raised but not yet lowered, on sample inputs with
// Halide's JIT and records what it measured as attributes
// (`tern.absmax`, `tern.activation_threshold`).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_CALIBRATE_H
#define TERN_DRIVER_CALIBRATE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "tern/Plan/Samples.h"

#include <string>
#include <vector>

namespace tern::driver {

using ::tern::plan::Samples;

/// Reads raw little-endian f32 samples for `func`'s inputs from `path`, or,
/// if `path` is empty, makes 64 pseudo-random samples uniform in [-1, 1].
/// Reports errors (wrong size, unreadable, non-float inputs) itself.
mlir::LogicalResult loadSamples(mlir::func::FuncOp func,
                                const std::string &path, Samples &out);

/// Runs the float model `func` (raised, in `module`) over every sample and
/// sets `tern.absmax` on its inputs and on the producers of the values
/// collectQuantizationRangePoints names.
mlir::LogicalResult calibrate(mlir::ModuleOp module, mlir::func::FuncOp func,
                              const Samples &samples);

/// TEAL-style activation sparsity: runs the float model `func` over every
/// sample and gives each selected matmul layer (linalg.matmul or
/// tern.ternary_matmul with an f32 input; `layers` selects as --prune-layers
/// does, "" = all) a `tern.activation_threshold` attribute: the smallest T
/// with at least the fraction `sparsity` of its calibration inputs within
/// [-T, T]. Emits a remark per layer with T and the measured sparsity.
mlir::LogicalResult calibrateActivationThresholds(mlir::ModuleOp module,
                                                  mlir::func::FuncOp func,
                                                  const Samples &samples,
                                                  double sparsity,
                                                  llvm::StringRef layers);

} // namespace tern::driver

#endif // TERN_DRIVER_CALIBRATE_H
