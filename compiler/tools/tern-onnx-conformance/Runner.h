//===- Runner.h - One ONNX backend test from model to verdict ---*- C++ -*-===//
//
// For a test the runner compiles: check that its data uses element types a
// Tern model takes, run `ternc model.onnx -o WORK/suite/test --name t
// --quiet`, then run this same executable with --run-model on the library
// (see ModelRun.h) in a child process, and read its verdict. Tests are run
// by a pool of --jobs threads.
//
// Tern compiles static shapes. When ternc fails because a value must be
// known at compile time (a Reshape's shape, a Slice's starts, a Range's
// bounds that the test passes as graph inputs), the test is compiled again
// once per data set, into WORK/suite/test/test_data_set_N, with its
// shape-like integer inputs (scalars and 1-D) frozen to that set's values
// (ternc --freeze-input NAME=input_K.pb); if that fails the same way, with
// every integer input frozen, and then small float inputs too (scalars and
// 1-D tensors of at most 8 elements). Each such model runs on its own data
// set with the remaining inputs.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_RUNNER_H
#define TERN_ONNX_CONFORMANCE_RUNNER_H

#include "OnnxModel.h"
#include "Report.h"
#include "TestSuite.h"

#include <functional>
#include <string>
#include <vector>

namespace tern::conformance {

/// The symbol prefix (`--name`) every test model is compiled with.
inline constexpr const char *kModelName = "t";

/// The line a --run-model child prints before its verdict on a failure.
inline constexpr const char *kFailurePrefix = "tern-onnx-conformance: fail: ";

struct RunConfig {
  std::string ternc;
  /// This executable, started with --run-model for each compiled test.
  std::string self;
  /// Tests compile into workDir/suite/test.
  std::string workDir;
  unsigned timeoutSeconds = 120;
  bool keep = false;
};

/// The result of `test` without compiling it: unsupported (unclaimed ops or
/// no model), or a failure when its model cannot be read.
TestResult uncompiledResult(const TestCase &test);

/// Compiles and runs `test`; pass or fail, never expected-failure states.
TestResult compileAndRun(const TestCase &test, const RunConfig &config);

/// Runs `work(i)` for i in [0, count) on `jobs` threads.
void runParallel(size_t count, unsigned jobs,
                 const std::function<void(size_t)> &work);

/// The op types of `test`, comma-separated.
std::string opList(const TestCase &test);

/// Whether a ternc log says that a value must be known at compile time, the
/// failure that freezing inputs can fix.
bool needsFrozenInputs(const std::string &terncLog);

/// What to freeze, each level a superset of the one before; the runner tries
/// them in this order.
enum class FreezeLevel {
  /// Inputs of integer element type (int8/16/32/64, uint8) declared as
  /// scalars or 1-D: shapes, axes, pads, split sizes. Integer data stays an
  /// input, so the op still runs on it.
  ShapeLikeIntegers,
  /// Every input of integer element type.
  Integers,
  /// Those, and float or double inputs that are scalars or 1-D with at most
  /// 8 elements (a Range's bounds, a Pad's constant value).
  IntegersAndSmallFloats,
};

/// The graph inputs of `model` to freeze at `level`, in graph order.
std::vector<std::string> inputsToFreeze(const ModelSummary &model,
                                        FreezeLevel level);

/// "inputs frozen at compile time: a, b".
std::string frozenDetail(const std::vector<std::string> &names);

/// ternc's arguments freezing each of `names` to its data file in `dataSet`
/// (a test_data_set_N folder): "--freeze-input", "NAME=DIR/input_K.pb", ...
/// Returns an empty string on success, else which input has no data file.
std::string freezeArguments(const std::string &dataSet,
                            const ModelSummary &model,
                            const std::vector<std::string> &names,
                            std::vector<std::string> &args);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_RUNNER_H
