//===- tern-onnx-fuzz.cpp - libFuzzer target over the ONNX importer -------===//
//
// Each input is the bytes of an ONNX file. It goes through
// mlir::tern::importONNX exactly as `ternc model.onnx` sends it (parse,
// onnx::checker, ONNX shape inference, BatchNormalization folding, every
// operator importer, the module verifier) and, when the import succeeds,
// through the kernel pipeline (tern-raise, tern-lower-ternary,
// generalization, tern-fuse-elementwise, canonicalize, cse) with the
// verifier after every pass. Diagnostics are swallowed: a rejected model is
// a normal outcome; a crash, an assertion, a hang, or an ASan/UBSan report
// is a finding.
//
// Environment (all optional):
//   TERN_FUZZ_PIPELINE=0   import only, skip the kernel pipeline
//   TERN_FUZZ_REUSE=N      reuse one MLIRContext for N inputs (default 64;
//                          1 = a fresh context for every input)
//   TERN_FUZZ_STRICT=1     also abort on importer bugs that are not
//                          crashes: an "internal error" diagnostic, IR the
//                          verifier rejects after a successful node import,
//                          and a kernel pipeline that fails on a module the
//                          importer accepted
//   TERN_FUZZ_SKIP_CHECKER=1  honour "tern.fuzz.skip_checker" (below)
//   TERN_FUZZ_VERBOSE=1    print the diagnostics (to see why an input is
//                          rejected when replaying it)
//
// The import options come from the model itself, so that the mutator
// fuzzes them too: metadata_props entries "tern.fuzz.input_shape" =
// "NAME=DIMS" (what `ternc --input-shape NAME=DIMS` passes, parsed by the
// same parseShape), "tern.fuzz.no_bn_fold", and "tern.fuzz.skip_checker",
// honoured only with TERN_FUZZ_SKIP_CHECKER=1: ternc never skips
// onnx::checker, and without it the importers see node arities the checker
// would have refused (fuzz/README.md, finding S1).
//
//===----------------------------------------------------------------------===//

#include "tern/Import/ONNX/ONNXImporter.h"
#include "tern/InitAll.h"
#include "tern/Pipelines/Pipelines.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <tuple>

using namespace mlir;

namespace {

struct Config {
  bool pipeline = true;
  bool strict = false;
  bool verbose = false;
  bool allowSkipChecker = false;
  long reuse = 64;
};

/// Where each input ended, printed when the fuzzer exits: how deep the
/// corpus reaches.
struct Stats {
  uint64_t inputs = 0;
  uint64_t notProtobuf = 0;  // protobuf parse failed or no graph
  uint64_t checker = 0;      // onnx::checker rejected it
  uint64_t inference = 0;    // ONNX shape inference threw
  uint64_t importFailed = 0; // rejected by Tern's importer
  uint64_t imported = 0;     // a module came back
  uint64_t lowered = 0;      // and the kernel pipeline succeeded
  uint64_t pipelineFailed = 0;
};

Config config;
Stats stats;
DialectRegistry *registry = nullptr;
std::unique_ptr<MLIRContext> context;
long contextUses = 0;

bool envFlag(const char *name, bool otherwise) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return otherwise;
  return std::strcmp(v, "0") != 0;
}

void printStats() {
  std::fprintf(
      stderr,
      "tern-onnx-fuzz: %llu inputs: %llu not a model, %llu "
      "rejected by onnx::checker, %llu by ONNX shape inference, "
      "%llu by the importer; %llu imported, %llu lowered to kernel "
      "form, %llu failed in the kernel pipeline\n",
      (unsigned long long)stats.inputs, (unsigned long long)stats.notProtobuf,
      (unsigned long long)stats.checker, (unsigned long long)stats.inference,
      (unsigned long long)stats.importFailed,
      (unsigned long long)stats.imported, (unsigned long long)stats.lowered,
      (unsigned long long)stats.pipelineFailed);
}

MLIRContext &getContext() {
  if (!context || contextUses >= config.reuse) {
    context.reset();
    context = std::make_unique<MLIRContext>(*registry,
                                            MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    context->printOpOnDiagnostic(false);
    contextUses = 0;
  }
  ++contextUses;
  return *context;
}

/// Import options named in the model's metadata_props (see the top).
mlir::tern::ONNXImportOptions optionsFor(const onnx::ModelProto &model) {
  mlir::tern::ONNXImportOptions options;
  for (const onnx::StringStringEntryProto &e : model.metadata_props()) {
    if (e.key() == "tern.fuzz.input_shape") {
      StringRef name, dims;
      std::tie(name, dims) = StringRef(e.value()).rsplit('=');
      std::vector<int64_t> shape;
      if (mlir::tern::parseShape(dims, shape))
        options.inputShapes[name.str()] = shape;
    } else if (e.key() == "tern.fuzz.skip_checker" && config.allowSkipChecker) {
      options.skipChecker = true;
    } else if (e.key() == "tern.fuzz.no_bn_fold") {
      options.foldBatchNorm = false;
    }
  }
  return options;
}

[[noreturn]] void strictFailure(const std::string &what,
                                const std::string &message) {
  std::fprintf(stderr, "tern-onnx-fuzz: strict mode: %s\n  %s\n", what.c_str(),
               message.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  config.pipeline = envFlag("TERN_FUZZ_PIPELINE", true);
  config.strict = envFlag("TERN_FUZZ_STRICT", false);
  config.verbose = envFlag("TERN_FUZZ_VERBOSE", false);
  config.allowSkipChecker = envFlag("TERN_FUZZ_SKIP_CHECKER", false);
  if (const char *v = std::getenv("TERN_FUZZ_REUSE"))
    config.reuse = std::max(1L, std::strtol(v, nullptr, 10));
  registry = new DialectRegistry();
  mlir::tern::registerDialects(*registry);
  std::atexit(printStats);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ++stats.inputs;
  // A second parse, cheap next to the import: the options.
  onnx::ModelProto model;
  bool parsed = model.ParseFromArray(data, static_cast<int>(size));
  MLIRContext &ctx = getContext();

  // The first error says where the input stopped.
  std::string firstError;
  bool verifierError = false;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    std::string text = diag.str();
    if (config.verbose) {
      llvm::errs() << diag.getLocation() << ": " << text << "\n";
      for (const Diagnostic &note : diag.getNotes())
        llvm::errs() << "  note: " << note.str() << "\n";
    }
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      if (firstError.empty())
        firstError = text;
      // Op verifiers word their errors "'dialect.op' op ...".
      if (text.rfind("'", 0) == 0 && text.find("' op ") != std::string::npos)
        verifierError = true;
    }
    return success();
  });

  StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::tern::ONNXImportOptions options =
      parsed ? optionsFor(model) : mlir::tern::ONNXImportOptions();
  OwningOpRef<ModuleOp> module =
      mlir::tern::importONNX(bytes, "fuzz.onnx", &ctx, options);
  if (!module) {
    StringRef e(firstError);
    if (e.starts_with("the file is empty") ||
        e.starts_with("not a valid ONNX protobuf") ||
        e.starts_with("the model has no graph"))
      ++stats.notProtobuf;
    else if (e.starts_with("the ONNX checker rejects"))
      ++stats.checker;
    else if (e.starts_with("ONNX shape inference failed"))
      ++stats.inference;
    else
      ++stats.importFailed;
    if (config.strict && e.contains("internal error"))
      strictFailure("the importer reports an internal error", firstError);
    if (config.strict && verifierError)
      strictFailure("the importer built IR the verifier rejects", firstError);
    return 0;
  }
  ++stats.imported;
  if (!config.pipeline)
    return 0;

  PassManager pm(&ctx);
  mlir::tern::KernelPipelineOptions pipelineOptions;
  mlir::tern::buildKernelPipeline(pm, pipelineOptions);
  if (failed(pm.run(*module))) {
    ++stats.pipelineFailed;
    if (config.strict)
      strictFailure("the kernel pipeline fails on an imported module",
                    firstError);
    return 0;
  }
  ++stats.lowered;
  return 0;
}
