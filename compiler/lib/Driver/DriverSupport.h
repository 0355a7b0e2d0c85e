//===- DriverSupport.h - What ternc's phases share --------------*- C++ -*-===//
//
// Internal to TernDriver: files, progress lines, messages and the C
// toolchain, for the phases in Driver.cpp and Link.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_DRIVERSUPPORT_H
#define TERN_DRIVER_DRIVERSUPPORT_H

#include "tern/Plan/ModelPlan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace tern::driver::detail {

using llvm::ArrayRef;
using llvm::StringRef;
using llvm::Twine;

/// Progress lines on stderr: "ternc: [2/6] lowering to kernel form".
class Progress {
public:
  Progress(bool quiet, int total) : quiet(quiet), total(total) {}
  void step(const Twine &what) {
    ++current;
    if (!quiet)
      llvm::errs() << "ternc: [" << current << "/" << total << "] " << what
                   << "\n";
  }
  void note(const Twine &what) {
    if (!quiet)
      llvm::errs() << "ternc:       " << what << "\n";
  }

private:
  bool quiet;
  int total;
  int current = 0;
};

/// Prints "ternc: error: MESSAGE"; returns 1 (an exit status).
int fail(const Twine &message);

/// Writes `text` to `path`; on failure prints why and returns false.
bool writeFile(StringRef path, StringRef text);

/// Writes `text` to `path`, or to stdout when `path` is empty.
bool writeOutput(StringRef path, StringRef text);

/// "24.7 KiB".
std::string humanBytes(int64_t bytes);

/// Runs an external program; on failure prints the command and its output.
/// `stdinPath`, when not empty, is the program's standard input.
bool runTool(StringRef program, ArrayRef<std::string> args, StringRef what,
             StringRef stdinPath = "");

/// Finds a file installed next to ternc (`<bin>/../<relative>`) or in the
/// build tree (`buildPath`); a folder counts only when it holds `probe`.
std::string locate(StringRef argv0, StringRef buildPath, StringRef relative,
                   StringRef probe = "");

/// The tool `tool` of the toolchain whose C compiler is `cc`.
std::string siblingTool(StringRef cc, StringRef tool);

/// Tern's runtime built for a cross target with the toolchain of `cc`;
/// returns the archive, or "" after printing why.
std::string
buildRuntimeFor(StringRef argv0, StringRef cc, StringRef ar,
                const std::function<std::string(StringRef)> &inBuild);

/// The canonical Halide targets of --target (one, or a comma-separated list
/// of CPU targets). Returns what is wrong, or "".
std::string resolveTargets(StringRef spec, std::vector<std::string> &targets);

/// The C name a model gets from its file: the stem, made an identifier.
std::string defaultName(StringRef input);

/// An op or module as text.
std::string printOp(mlir::Operation *op);
std::string printModule(mlir::ModuleOp module);

/// Reports Halide's failure to compile `k` at the op its step came from.
void reportKernelError(const ::tern::kernel::Kernel &k,
                       const ::tern::plan::ModelPlan &plan,
                       const std::string &message);

/// Prints "<file>: node 'x' (Conv): error: message" for diagnostics at the
/// named locations the ONNX importer gives.
mlir::LogicalResult printNamedDiagnostic(mlir::Diagnostic &diag);

/// MLIR's pass-manager command-line flags, and --dump-after: the IR after
/// each named pass, on stderr.
mlir::LogicalResult
configurePassManager(mlir::PassManager &pm,
                     const std::vector<std::string> &dumpAfter);

} // namespace tern::driver::detail

#endif // TERN_DRIVER_DRIVERSUPPORT_H
