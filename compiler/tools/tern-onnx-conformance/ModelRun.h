//===- ModelRun.h - Running a compiled model on ONNX test data --*- C++ -*-===//
//
// Loads the shared library ternc wrote (dlopen, RTLD_LOCAL), binds each
// test_data_set_N/input_K.pb to an input of the model's info table, runs the
// model through NAME_run_tensors and compares every output with
// output_K.pb. Inputs frozen at compile time (ternc --freeze-input) are not
// in the info table; their data files are skipped. The runner calls this in a
// child process, so a model that crashes or hangs fails its test and nothing
// else.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_MODELRUN_H
#define TERN_ONNX_CONFORMANCE_MODELRUN_H

#include "OnnxModel.h"
#include "Tensor.h"

#include <set>
#include <string>
#include <vector>

namespace tern::conformance {

/// Index into `infos` (the info table's inputs or outputs) for the data file
/// at `position` whose TensorProto is named `dataName` (possibly empty):
/// the info entry of that name; else the graph value of that name
/// (`graphNames`: the model's real inputs or its outputs), else the one at
/// `position`, taken as the same position in the info table. -1 when that
/// is past the end of the table.
int bindToInfo(const std::string &dataName, size_t position,
               const std::vector<std::string> &graphNames,
               const tern_tensor_info *infos, int count);

/// The graph input that the data file input_K.pb (K = `position`) holds:
/// its TensorProto's name `dataName` when that names one of `graphInputs`,
/// else the graph input at `position`; empty when there is none.
std::string graphInputOf(const std::string &dataName, size_t position,
                         const std::vector<std::string> &graphInputs);

/// Checks that `tensor` has the dtype and shape of `info`. Returns an empty
/// string when it does, else a message that starts with `role`.
std::string checkAgainstInfo(const Tensor &tensor, const tern_tensor_info &info,
                             const std::string &role);

/// Runs the model in `libPath` (functions `<prefix>_info`, `_create`,
/// `_run_tensors`, `_destroy`) on each of `dataSets` and compares its
/// outputs. The model was compiled with the graph inputs `frozen` as
/// constants: their data files are not passed. Returns an empty string when
/// every output of every data set matches, else what failed, prefixed by the
/// data set's folder name.
std::string runOnDataSets(const std::string &libPath, const std::string &prefix,
                          const ModelSummary &model,
                          const std::vector<std::string> &dataSets,
                          const std::set<std::string> &frozen = {},
                          const Tolerance &tolerance = Tolerance());

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_MODELRUN_H
