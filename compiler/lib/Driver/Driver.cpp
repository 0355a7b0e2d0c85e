//===- Driver.cpp - The ternc compile driver as a library -------*- C++ -*-===//
//
// The pipeline of ternc, one stage after another, with a progress line per
// stage. Errors from MLIR are diagnostics at source locations; errors from
// Halide come back as messages and are reported at the op that produced the
// kernel; errors from the C toolchain print the command that failed and its
// output. Every failure returns nonzero; none aborts.
//
//===----------------------------------------------------------------------===//

#include "tern/Driver/Driver.h"
#include "Calibrate.h"
#include "HlsEmitter.h"
#include "tern/Compiler/BuildModelPlan.h"
#include "tern/Compiler/LibraryWriter.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Import/ONNX/ONNXImporter.h"
#include "tern/Pipelines/Pipelines.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <functional>
#include <optional>

using namespace mlir;
using namespace ::tern::driver;
namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

namespace {

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

int fail(const Twine &message) {
  llvm::errs() << "ternc: error: " << message << "\n";
  return 1;
}

/// Writes `text` to `path`, or reports why it could not.
bool writeFile(StringRef path, StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    fail("cannot write '" + path + "': " + ec.message());
    return false;
  }
  os << text;
  os.close();
  if (os.has_error()) {
    fail("cannot write '" + path + "': " + os.error().message());
    os.clear_error();
    return false;
  }
  return true;
}

/// Writes `text` to `path`, or to stdout if `path` is empty.
bool writeOutput(StringRef path, StringRef text) {
  if (path.empty()) {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  return writeFile(path, text);
}

std::string humanBytes(int64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (bytes >= (1 << 20))
    os << llvm::format("%.1f MiB", bytes / double(1 << 20));
  else if (bytes >= 1024)
    os << llvm::format("%.1f KiB", bytes / 1024.0);
  else
    os << bytes << " B";
  return s;
}

/// Runs an external program; on failure prints the command and its output.
/// `stdinPath`, when not empty, is the program's standard input.
bool runTool(StringRef program, ArrayRef<std::string> args, StringRef what,
             StringRef stdinPath = "") {
  llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(program);
  if (!path) {
    fail("cannot find '" + program + "' (needed to " + what +
         "); install it or name another with --cc/--ar");
    return false;
  }
  SmallVector<StringRef> argv = {*path};
  for (const std::string &a : args)
    argv.push_back(a);
  SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("ternc-tool", "log", log);
  std::optional<StringRef> in;
  if (!stdinPath.empty())
    in = stdinPath;
  std::optional<StringRef> redirects[] = {in, StringRef(log), StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*path, argv, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    std::string command;
    for (StringRef a : argv)
      command += (command.empty() ? "" : " ") + a.str();
    llvm::errs() << "ternc: error: failed to " << what << " (exit code " << rc
                 << (message.empty() ? "" : ", " + message) << ")\n"
                 << "  command: " << command << "\n";
    if (auto buffer = llvm::MemoryBuffer::getFile(log))
      llvm::errs() << (*buffer)->getBuffer();
  }
  llvm::sys::fs::remove(log);
  return rc == 0;
}

/// Finds a file installed next to ternc (`<bin>/../<relative>`) or in the
/// build tree (`buildPath`).
/// A folder counts only when it holds `probe` (e.g. tern/runtime.h in an
/// include folder: /usr/local/include exists without it).
std::string locate(StringRef argv0, StringRef buildPath, StringRef relative,
                   StringRef probe = "") {
  auto found = [&](StringRef path) {
    SmallString<256> p(path);
    if (!probe.empty())
      llvm::sys::path::append(p, probe);
    return llvm::sys::fs::exists(p);
  };
  // An installed ternc finds its own prefix's files first, even when the
  // build tree it came from still exists.
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0.str().c_str(), reinterpret_cast<void *>(&locate));
  SmallString<256> p(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(p, "..", relative);
  if (found(p))
    return std::string(p);
  if (!buildPath.empty() && found(buildPath))
    return buildPath.str();
  return std::string();
}

/// The tool `tool` of the toolchain whose C compiler is `cc`:
/// aarch64-linux-gnu-gcc -> aarch64-linux-gnu-ar (g++, objcopy ...), clang
/// -> clang++ for g++; `tool` itself for a compiler named otherwise.
std::string siblingTool(StringRef cc, StringRef tool) {
  StringRef dir = llvm::sys::path::parent_path(cc);
  StringRef file = llvm::sys::path::filename(cc);
  std::string prefix;
  for (StringRef compiler : {"gcc", "cc", "clang"})
    if (file.ends_with(compiler)) {
      prefix = file.drop_back(compiler.size()).str();
      if (tool == "g++" && compiler != "gcc")
        return (dir.empty() ? "" : dir.str() + "/") + prefix +
               (compiler == "clang" ? "clang++" : "c++");
      break;
    }
  return (dir.empty() ? "" : dir.str() + "/") + prefix + tool.str();
}

/// Tern's runtime built for a cross target: its sources compiled with the
/// toolchain's C++ compiler, archived, and its symbols made weak as in
/// libtern_runtime_weak.a (the list libtern_runtime.syms, written with it).
/// Returns the archive, or "" after printing why.
std::string
buildRuntimeFor(StringRef argv0, StringRef cc, StringRef ar,
                const std::function<std::string(StringRef)> &inBuild) {
  std::string sources = locate(argv0, TERN_BUILD_RUNTIME_SOURCE_DIR,
                               "share/tern/runtime/src", "Threads.cpp");
  std::string include = locate(argv0, TERN_BUILD_RUNTIME_INCLUDE_DIR, "include",
                               "tern/runtime.h");
  std::string syms =
      locate(argv0, TERN_BUILD_RUNTIME_SYMBOLS, "lib/libtern_runtime.syms");
  if (sources.empty() || include.empty() || syms.empty()) {
    fail("cannot find the runtime's sources and symbol list (share/tern/"
         "runtime/src, lib/libtern_runtime.syms) next to ternc");
    return "";
  }
  std::string cxx = siblingTool(cc, "g++");
  std::vector<std::string> objects;
  for (StringRef file :
       {"Arena.cpp", "Status.cpp", "Tensor.cpp", "Threads.cpp"}) {
    SmallString<256> src(sources);
    llvm::sys::path::append(src, file);
    std::string obj = inBuild(("runtime_" + file + ".o").str());
    if (!runTool(cxx,
                 {"-std=c++17", "-O2", "-fPIC", "-fno-exceptions", "-c",
                  std::string(src), "-I" + include, "-o", obj},
                 "compile the runtime's " + file.str()))
      return "";
    objects.push_back(obj);
  }
  std::string strong = inBuild("libtern_runtime_target.a");
  std::string weak = inBuild("libtern_runtime_target_weak.a");
  llvm::sys::fs::remove(strong);
  std::vector<std::string> args = {"rcs", strong};
  args.insert(args.end(), objects.begin(), objects.end());
  if (!runTool(ar, args, "archive the runtime") ||
      !runTool(siblingTool(cc, "objcopy"),
               {"--weaken-symbols=" + syms, strong, weak},
               "make the runtime's symbols weak"))
    return "";
  return weak;
}

/// The canonical Halide targets of --target: one, or a comma-separated list
/// of x86-64 CPU targets for a multi-target library (every kernel compiled
/// for each, the first the CPU has chosen at create time; the kernel
/// pipeline's choices follow the first). Returns what is wrong, or "".
std::string resolveTargets(StringRef spec, std::vector<std::string> &targets) {
  SmallVector<StringRef> names;
  spec.split(names, ',');
  for (StringRef name : names) {
    std::string spelled = name.trim().str(), canonical;
    if (tk::Status s = tk::resolveTarget(spelled, canonical); !s)
      return "invalid --target '" + spelled + "': " + s.message;
    if (names.size() > 1 && StringRef(canonical).contains("cuda"))
      return "--target lists several targets for CPU libraries only; '" +
             spelled + "' has cuda";
    if (names.size() > 1 && StringRef(canonical).split('-').first != "x86")
      return "--target: multi-target libraries are for x86-64 CPUs; '" +
             spelled + "' is not one";
    targets.push_back(canonical);
  }
  return "";
}

std::string defaultName(StringRef input) {
  std::string stem =
      input == "-" ? "model" : llvm::sys::path::stem(input).str();
  std::string name;
  for (char c : stem)
    name += (isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (name.empty() || isdigit(static_cast<unsigned char>(name[0])))
    name = "m_" + name;
  return name;
}

std::string printOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->print(os);
  return s;
}

std::string printModule(ModuleOp module) { return printOp(module); }

/// Finds the op a kernel step came from, for diagnostics: the location
/// string was printed from it.
void reportKernelError(const tk::Kernel &k, const tp::ModelPlan &plan,
                       const std::string &message) {
  std::string where;
  for (const tp::Step &s : plan.steps)
    if (s.kind == tp::Step::Call && plan.kernels[s.kernel].name == k.name) {
      where = s.location;
      break;
    }
  llvm::errs() << (where.empty() ? std::string("ternc") : where)
               << ": error: Halide failed to compile kernel '" << k.name
               << "': " << message << "\n";
}

/// Prints "<file>: node 'x' (Conv): error: message" for diagnostics at the
/// named locations the ONNX importer gives.
LogicalResult printNamedDiagnostic(Diagnostic &diag) {
  auto print = [](Location loc, DiagnosticSeverity severity,
                  const Twine &message) {
    std::string where;
    llvm::raw_string_ostream os(where);
    if (auto name = dyn_cast<NameLoc>(loc))
      os << name.getName().getValue();
    else if (auto file = dyn_cast<FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn();
    else
      loc.print(os);
    const char *kind = severity == DiagnosticSeverity::Error     ? "error"
                       : severity == DiagnosticSeverity::Warning ? "warning"
                       : severity == DiagnosticSeverity::Remark  ? "remark"
                                                                 : "note";
    llvm::errs() << where << ": " << kind << ": " << message << "\n";
  };
  print(diag.getLocation(), diag.getSeverity(), diag.str());
  for (Diagnostic &note : diag.getNotes())
    print(note.getLocation(), note.getSeverity(), note.str());
  return success();
}

/// MLIR's pass-manager command-line flags, and --dump-after: the IR after
/// each named pass, on stderr.
LogicalResult configurePassManager(PassManager &pm,
                                   const std::vector<std::string> &dumpAfter) {
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (!dumpAfter.empty())
    pm.enableIRPrinting(
        /*shouldPrintBeforePass=*/[](Pass *, Operation *) { return false; },
        /*shouldPrintAfterPass=*/
        [dumpAfter](Pass *pass, Operation *) {
          return llvm::is_contained(dumpAfter, pass->getArgument().str());
        },
        /*printModuleScope=*/false, /*printAfterOnlyOnChange=*/false);
  return success();
}

} // namespace

int ::tern::driver::compile(const Options &options, DialectRegistry &registry) {
  auto start = std::chrono::steady_clock::now();
  bool toLibrary =
      options.emit == EmitKind::Lib || options.emit == EmitKind::Obj;
  Progress progress(options.quiet || !toLibrary, toLibrary ? 6 : 3);

  for (const std::string &pass : options.dumpAfter)
    if (!PassInfo::lookup(pass))
      return fail("--dump-after: no pass is named '" + pass +
                  "' (pass names are the tern-opt flags listed by "
                  "`tern-opt --help`, without the dashes, e.g. tern-raise)");

  std::string name =
      options.name.empty() ? defaultName(options.input) : options.name;
  if (std::string problem = ::tern::emit::modelNameProblem(name);
      !problem.empty())
    return fail("invalid model name '" + name + "': " + problem +
                "; give another with --name, e.g. --name=my_model");

  // --target=cuda: every kernel on the GPU. A Halide target with the cuda
  // feature (host-cuda, ...): the GPU where it can, the CPU elsewhere.
  bool strictGpu = options.target == "cuda";
  // --target=hls: HLS C++ for an FPGA, always in integer mode; the kernels
  // are also JIT-compiled for this CPU (calibration, golden vectors).
  bool hls = options.target == "hls";
  bool integer = options.integer || hls;
  if (hls && options.emit != EmitKind::Lib && options.emit != EmitKind::Mlir &&
      options.emit != EmitKind::Kernel)
    return fail("--target=hls writes an HLS project directory; --emit=obj, "
                "--emit=halide-stmt and --emit=asm are for CPU and GPU "
                "targets");
  if (integer && (options.integerBits != 8 && options.integerBits != 16))
    return fail("--integer-bits must be 8 or 16");
  if (integer && !options.ternaryKernel.empty() &&
      options.ternaryKernel != "auto")
    return fail("--ternary-kernel chooses among float-mode kernels; integer "
                "mode (--integer, --target=hls) always adds and subtracts "
                "integer activations under 2-bit codes: drop the flag");
  if (integer && options.activationBits != 0)
    return fail("--activation-bits is the float mode's int8 ternary kernel; "
                "integer mode sets its width with --integer-bits");
  if (options.sparse != "auto" && options.sparse != "dense" &&
      options.sparse != "ell" && options.sparse != "nm" &&
      options.sparse != "bsr")
    return fail("unknown --sparse='" + options.sparse +
                "': expected auto, dense, ell, nm or bsr");
  if (integer && options.sparse != "auto" && options.sparse != "dense" &&
      options.sparse != "nm")
    return fail("--sparse=" + options.sparse +
                " is a float-mode format; integer mode (--integer, "
                "--target=hls) stores N:M layers as N:M (auto or nm) and "
                "every other layer dense (dense: N:M ones too)");
  if (options.activationSparsity != "relu" &&
      options.activationSparsity != "off")
    return fail("unknown --activation-sparsity='" + options.activationSparsity +
                "': expected relu or off");
  bool thresholds = !options.activationThresholdSamples.empty();
  if (thresholds && integer)
    return fail("--activation-threshold is a float-mode option; integer "
                "mode (--integer, --target=hls) does not skip zero inputs");
  if (!(options.activationThresholdSparsity >= 0.0 &&
        options.activationThresholdSparsity <= 1.0))
    return fail("--activation-threshold-sparsity must be a fraction in "
                "[0, 1], e.g. 0.5");
  if (!thresholds && (options.activationThresholdSparsity != 0.5 ||
                      !options.activationThresholdLayers.empty()))
    return fail("--activation-threshold-sparsity and "
                "--activation-threshold-layers need "
                "--activation-threshold=calibrate:FILE");
  if (options.pruneGlobal && options.prune.rfind("unstructured:", 0) != 0)
    return fail("--prune-global needs --prune=unstructured:S");
  if (!options.pruneLayers.empty() && options.prune.empty())
    return fail("--prune-layers selects layers for --prune; give --prune too");
  if (hls && !(options.clockNs > 0 && options.clockNs < 1e6))
    return fail("--clock-ns must be a clock period in nanoseconds, > 0");
  if (hls && options.hlsReuse < 1)
    return fail("--hls-reuse must be at least 1 (1: fully parallel)");
  if (!options.calibrate.empty() && !integer)
    return fail("--calibrate applies to integer mode (--integer or "
                "--target=hls)");
  std::vector<std::string> targets;
  if (std::string problem = resolveTargets(
          strictGpu ? "host-cuda" : (hls ? "host" : options.target), targets);
      !problem.empty())
    return fail(problem);
  const std::string &target = targets.front();
  std::string targetList = llvm::join(targets, ",");
  // Another architecture (cross-compiling): the driver, the weights and
  // the runtime are compiled and linked by the toolchain the user names.
  bool hostArch = true;
  std::string arch;
  if (tk::Status s = tk::targetArchitecture(target, hostArch, arch); !s)
    return fail("invalid --target '" + target + "': " + s.message);
  bool cross = !hostArch;
  std::string cc = options.cc;
  if (cc.empty()) {
    const char *env = getenv("CC");
    cc = env && *env ? env : "";
  }
  if (cross && toLibrary && cc.empty())
    return fail("--target=" + options.target + " is for " + arch +
                ", not this machine's architecture: give a C compiler for it "
                "with --cc, e.g. --cc=aarch64-linux-gnu-gcc (Debian: apt "
                "install g++-aarch64-linux-gnu), whose g++ also builds the "
                "runtime; or use --emit=asm to look at the kernels");
  if (cc.empty())
    cc = "cc";
  mlir::tern::PlanOptions planOptions;
  bool avx512 = false;
  {
    SmallVector<StringRef> features;
    StringRef(target).split(features, '-');
    planOptions.gpu = llvm::is_contained(features, "cuda");
    avx512 = llvm::is_contained(features, "avx512");
  }
  if (thresholds && planOptions.gpu)
    return fail("--activation-threshold zeros small inputs so that CPU "
                "kernels can skip them; the GPU kernels do not skip, so on a "
                "CUDA target it would only cost accuracy");

  // 1. Parse.
  bool onnx = mlir::tern::looksLikeONNX(options.input);
  progress.step((onnx ? "importing ONNX model " : "parsing ") + options.input);
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(options.input, &errorMessage);
  if (!file)
    return fail(errorMessage);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // A diagnostic on the module would otherwise print the whole module,
  // weights included.
  context.printOpOnDiagnostic(false);
  if (!onnx && (!options.inputShapes.empty() || !options.frozenInputs.empty()))
    return fail("--input-shape and --freeze-input apply to ONNX models only");
  StringRef bytes = file->getBuffer();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context, llvm::errs());
  // ONNX models have no source text: their locations name the file and the
  // node, printed as they are.
  std::optional<ScopedDiagnosticHandler> onnxDiagHandler;
  if (onnx)
    onnxDiagHandler.emplace(&context, printNamedDiagnostic);
  OwningOpRef<ModuleOp> module;
  if (onnx) {
    mlir::tern::ONNXImportOptions importOptions;
    importOptions.inputShapes = options.inputShapes;
    importOptions.frozenInputs = options.frozenInputs;
    importOptions.functionName = name;
    module =
        mlir::tern::importONNX(bytes, options.input, &context, importOptions);
    if (!module)
      return fail("cannot import '" + options.input +
                  "' (see the errors above)");
  } else {
    module = parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
    if (!module)
      return fail("cannot parse '" + options.input +
                  "' (see the errors above)");
  }

  if (options.emit == EmitKind::Mlir)
    return writeOutput(options.output, printModule(*module)) ? 0 : 1;

  // Before any pass reads a constant: a tensor too large to compile is an
  // error on its op, not an exhausted allocation deep inside a pass.
  if (failed(mlir::tern::checkTensorSizes(*module)))
    return fail("'" + options.input +
                "' has a tensor too large to compile (see the error above)");

  // 2. Kernel pipeline.
  progress.step("lowering to kernel form (tern-raise, tern-lower-ternary, "
                "generalize)");
  PassManager pm(&context);
  if (failed(configurePassManager(pm, options.dumpAfter)))
    return fail("invalid pass manager options");
  mlir::tern::KernelPipelineOptions pipelineOptions;
  pipelineOptions.report = options.report;
  pipelineOptions.gpu = planOptions.gpu;
  pipelineOptions.avx512 = avx512;
  pipelineOptions.ternarize = options.ternarize;
  pipelineOptions.ternarizeLayers = options.ternarizeLayers;
  pipelineOptions.ternaryKernel = options.ternaryKernel;
  pipelineOptions.activationBits = options.activationBits;
  pipelineOptions.prune = options.prune;
  pipelineOptions.pruneLayers = options.pruneLayers;
  pipelineOptions.pruneGlobal = options.pruneGlobal;
  pipelineOptions.sparse = options.sparse;
  pipelineOptions.activationSparsity = options.activationSparsity;
  pipelineOptions.integer = integer;
  pipelineOptions.integerBits = options.integerBits;
  mlir::tern::buildRaisePipeline(pm, pipelineOptions);
  if (failed(pm.run(*module)))
    return fail("lowering '" + options.input +
                "' failed (see the errors above)");
  if (thresholds) {
    FailureOr<func::FuncOp> entry =
        mlir::tern::findEntryFunction(*module, options.entry);
    if (failed(entry))
      return 1;
    ::tern::driver::Samples thresholdSamples;
    if (failed(::tern::driver::loadSamples(
            *entry, options.activationThresholdSamples, thresholdSamples)))
      return fail("cannot calibrate --activation-threshold (see the errors "
                  "above)");
    progress.note("calibrating activation thresholds on " +
                  Twine(thresholdSamples.count) + " samples from " +
                  options.activationThresholdSamples);
    if (failed(::tern::driver::calibrateActivationThresholds(
            *module, *entry, thresholdSamples,
            options.activationThresholdSparsity,
            options.activationThresholdLayers)))
      return fail("activation-threshold calibration failed (see the errors "
                  "above)");
  }
  ::tern::driver::Samples samples;
  if (integer) {
    FailureOr<func::FuncOp> entry =
        mlir::tern::findEntryFunction(*module, options.entry);
    if (failed(entry))
      return 1;
    if (failed(::tern::driver::loadSamples(*entry, options.calibrate, samples)))
      return fail("cannot calibrate integer mode (see the errors above)");
    progress.note("calibrating integer mode on " + Twine(samples.count) +
                  (samples.synthetic
                       ? " pseudo-random samples in [-1, 1] (pass "
                         "--calibrate=FILE with real inputs for real ranges)"
                       : " samples from " + options.calibrate));
    if (failed(::tern::driver::calibrate(*module, *entry, samples)))
      return fail("calibration failed (see the errors above)");
  }
  PassManager lowerPm(&context);
  if (failed(configurePassManager(lowerPm, options.dumpAfter)))
    return fail("invalid pass manager options");
  mlir::tern::buildLowerPipeline(lowerPm, pipelineOptions);
  if (failed(lowerPm.run(*module)))
    return fail("lowering '" + options.input +
                "' failed (see the errors above)");

  // 3. Schedules (tern-select-schedule), for each --target variant: the
  // first on the module itself, the others on copies, each planned to take
  // its kernels from.
  pipelineOptions.hls = hls;
  pipelineOptions.gpuFallback = planOptions.gpu && !strictGpu;
  pipelineOptions.hlsReuse = options.hlsReuse;
  auto selectSchedules = [&](ModuleOp m, const std::string &variantTarget) {
    tk::TargetDesc desc;
    if (tk::Status s = tk::describeTarget(variantTarget, desc); !s)
      return fail("invalid --target '" + variantTarget + "': " + s.message);
    pipelineOptions.floatVectorBytes = desc.floatVectorBytes;
    pipelineOptions.intVectorBytes = desc.intVectorBytes;
    pipelineOptions.vectorRegisters = desc.vectorRegisters;
    PassManager schedulePm(&context);
    if (failed(configurePassManager(schedulePm, options.dumpAfter)))
      return fail("invalid pass manager options");
    mlir::tern::buildSchedulePipeline(schedulePm, pipelineOptions);
    if (failed(schedulePm.run(m)))
      return fail("choosing the schedules of '" + options.input +
                  "' failed (see the errors above)");
    return 0;
  };
  if (int rc = selectSchedules(*module, target))
    return rc;
  // 4. Plan.
  FailureOr<func::FuncOp> entry =
      mlir::tern::findEntryFunction(*module, options.entry);
  if (options.emit == EmitKind::Kernel) {
    // The whole module, or with --entry the one function.
    if (options.entry.empty())
      return writeOutput(options.output, printModule(*module)) ? 0 : 1;
    if (failed(entry))
      return 1;
    return writeOutput(options.output, printOp(*entry) + "\n") ? 0 : 1;
  }
  if (failed(entry))
    return 1;
  FailureOr<tp::ModelPlan> plan =
      mlir::tern::buildModelPlan(*entry, name, planOptions);
  if (failed(plan))
    return fail("cannot generate code for '" + options.input +
                "' (see the errors above)");
  // The kernels of the other variants: the same plan, other schedules.
  std::vector<std::vector<tk::Kernel>> variantKernels(targets.size());
  for (size_t v = 1; v < targets.size(); ++v) {
    OwningOpRef<ModuleOp> copy(module->clone());
    if (int rc = selectSchedules(*copy, targets[v]))
      return rc;
    FailureOr<func::FuncOp> variantEntry =
        mlir::tern::findEntryFunction(*copy, options.entry);
    if (failed(variantEntry))
      return 1;
    FailureOr<tp::ModelPlan> variantPlan =
        mlir::tern::buildModelPlan(*variantEntry, name, planOptions);
    if (failed(variantPlan))
      return fail("cannot generate code for '" + options.input +
                  "' (see the errors above)");
    if (variantPlan->kernels.size() != plan->kernels.size())
      return fail("internal error: target " + targets[v] + " planned " +
                  Twine(variantPlan->kernels.size()) + " kernels, target " +
                  target + " " + Twine(plan->kernels.size()));
    variantKernels[v] = std::move(variantPlan->kernels);
  }
  progress.step("planned " + Twine(plan->numKernelCalls) + " kernel calls, " +
                Twine(plan->kernels.size()) + " unique kernels, weights " +
                humanBytes(plan->weights.size()) + ", activation arena " +
                humanBytes(plan->arenaBytes));
  if (options.report) {
    llvm::errs() << "ternc: report for '" << name << "' (target " << targetList
                 << ")\n";
    for (const tp::Step &s : plan->steps)
      if (s.kind == tp::Step::Call)
        llvm::errs() << "  " << s.location << ": kernel "
                     << plan->kernels[s.kernel].name
                     << (plan->kernels[s.kernel].schedule.device ==
                                 tk::Schedule::GPU
                             ? " (gpu)"
                             : " (cpu)")
                     << "\n";
    llvm::errs() << "  weights: " << plan->weights.size()
                 << " bytes; arena: " << plan->arenaBytes << " bytes\n";
  }

  if (hls) {
    ::tern::driver::HlsOptions hlsOptions;
    hlsOptions.outDir = options.output.empty() ? "." : options.output;
    hlsOptions.fpgaPart = options.fpgaPart;
    hlsOptions.clockNs = options.clockNs;
    hlsOptions.reuse = options.hlsReuse;
    hlsOptions.source = options.input;
    hlsOptions.quiet = options.quiet;
    int rc = ::tern::driver::emitHlsProject(*plan, samples, hlsOptions);
    if (rc == 0 && !options.quiet)
      llvm::errs() << "ternc: wrote the HLS project " << hlsOptions.outDir
                   << " (" << name << ".cpp, " << name << ".h, " << name
                   << "_tb.cpp, run_hls.tcl, report.md, report.json) in "
                   << llvm::format("%.1f",
                                   std::chrono::duration<double>(
                                       std::chrono::steady_clock::now() - start)
                                       .count())
                   << " s\n";
    return rc;
  }

  if (options.emit == EmitKind::HalideStmt || options.emit == EmitKind::Asm) {
    std::string text;
    for (const tk::Kernel &k : plan->kernels) {
      std::string stmt;
      tk::Status s = options.emit == EmitKind::Asm
                         ? tk::lowerToAssembly(k, target, stmt)
                         : tk::lowerToStmt(k, target, stmt);
      if (!s) {
        reportKernelError(k, *plan, s.message);
        return 1;
      }
      text += "// kernel " + k.name + "\n" + stmt + "\n";
    }
    return writeOutput(options.output, text) ? 0 : 1;
  }

  // 4. Kernels.
  std::string outDir = options.output.empty() ? "." : options.output;
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create output directory '" + outDir +
                "': " + ec.message());
  SmallString<256> buildDir(outDir);
  llvm::sys::path::append(buildDir, name + ".build");
  if (std::error_code ec = llvm::sys::fs::create_directories(buildDir))
    return fail("cannot create '" + buildDir + "': " + ec.message());
  auto inBuild = [&](StringRef file) {
    SmallString<256> p(buildDir);
    llvm::sys::path::append(p, file);
    return std::string(p);
  };
  auto inOut = [&](StringRef file) {
    SmallString<256> p(outDir);
    llvm::sys::path::append(p, file);
    return std::string(p);
  };

  progress.step("compiling " + Twine(plan->kernels.size()) +
                " kernels with Halide for " + targetList);
  std::vector<std::string> objects;
  for (auto [v, variantTarget] : llvm::enumerate(targets)) {
    if (targets.size() > 1)
      progress.note("target " + Twine(v + 1) + "/" + Twine(targets.size()) +
                    ": " + variantTarget);
    for (auto [i, k] : llvm::enumerate(plan->kernels)) {
      progress.note("kernel " + Twine(i + 1) + "/" +
                    Twine(plan->kernels.size()) + ": " + k.name);
      tk::Kernel variant = v == 0 ? k : variantKernels[v][i];
      variant.name = tp::variantKernelName(k.name, v);
      std::string obj = inBuild(variant.name + ".o");
      if (tk::Status s = tk::compileToObject(variant, variantTarget, obj); !s) {
        reportKernelError(k, *plan, s.message);
        return 1;
      }
      objects.push_back(obj);
    }
  }
  // Halide's runtime is compiled without the targets' instruction-set
  // features: NAME_create asks the CPU for them through it, so it must run
  // on a CPU that lacks them.
  std::string runtimeObj = inBuild("halide_runtime.o");
  std::string runtimeTarget;
  if (tk::Status s = tk::baselineTarget(target, runtimeTarget); !s)
    return fail("cannot compile Halide's runtime: " + s.message);
  if (tk::Status s = tk::compileRuntime(runtimeTarget, runtimeObj); !s)
    return fail("cannot compile Halide's runtime: " + s.message);

  // 5. Header, driver, weights. Every output is made in the build folder
  // and moved into the output directory only once all of them exist (step
  // 7), so a compile that fails leaves the previous library and header as
  // they were, never a new header beside an old library.
  progress.step("writing " + name + ".h, the driver and the weights");
  std::string header = inBuild(name + ".h");
  std::string driverSrc = inBuild(name + "_driver.c");
  std::string weightsBin = inBuild(name + ".weights.bin");
  std::string weightsAsm = inBuild(name + "_weights.S");
  SmallString<256> weightsAbs(weightsBin);
  llvm::sys::fs::make_absolute(weightsAbs);
  for (const std::string &variantTarget : targets) {
    tk::TargetFeatures features;
    if (tk::Status s = tk::targetFeatures(variantTarget, features); !s)
      return fail("invalid --target '" + variantTarget + "': " + s.message);
    plan->targets.push_back(
        {variantTarget, features.words, features.cpuFeatures});
  }
  std::string driver = ::tern::emit::generateDriver(*plan);
  std::string buildId =
      ::tern::emit::buildId(driver, plan->weights, targetList);
  driver += ::tern::emit::buildSymbolDefinition(*plan, buildId);
  if (!writeFile(header,
                 ::tern::emit::generateHeader(*plan, targetList, buildId)) ||
      !writeFile(driverSrc, driver) ||
      !writeFile(weightsBin,
                 StringRef(plan->weights.data(), plan->weights.size())) ||
      !writeFile(weightsAsm, ::tern::emit::generateWeightsAsm(
                                 *plan, weightsAbs.str().str())))
    return 1;

  std::string runtimeLib = locate(options.argv0, TERN_BUILD_RUNTIME_LIBRARY,
                                  "lib/libtern_runtime_weak.a");
  std::string runtimeInclude =
      locate(options.argv0, TERN_BUILD_RUNTIME_INCLUDE_DIR, "include",
             "tern/runtime.h");
  if (runtimeLib.empty() || runtimeInclude.empty())
    return fail("cannot find Tern's runtime (libtern_runtime_weak.a and "
                "tern/runtime.h) next to ternc or in the build tree");
  // 6. Link. A cross toolchain's ar and g++ come from --cc's prefix.
  std::string ar = !options.ar.empty() ? options.ar
                   : cross             ? siblingTool(cc, "ar")
                                       : "ar";
  if (cross) {
    progress.note("building the runtime for " + arch + " with " +
                  siblingTool(cc, "g++"));
    runtimeLib = buildRuntimeFor(options.argv0, cc, ar, inBuild);
    if (runtimeLib.empty())
      return 1;
  }
  progress.step("linking with " + cc);
  std::string driverObj = inBuild(name + "_driver.o");
  std::string weightsObj = inBuild(name + "_weights.o");
  // A sanitizer build of ternc instruments the drivers it generates too.
  SmallVector<StringRef> sanitize;
  StringRef(TERN_DRIVER_SANITIZE_FLAGS).split(sanitize, ' ', -1, false);
  std::vector<std::string> driverArgs = {"-std=c99",
                                         "-O2",
                                         "-fPIC",
                                         "-Wall",
                                         "-c",
                                         driverSrc,
                                         "-o",
                                         driverObj,
                                         "-I" + runtimeInclude,
                                         "-I" + buildDir.str().str(),
                                         "-I" TERN_HALIDE_INCLUDE_DIR};
  for (StringRef flag : sanitize)
    driverArgs.push_back(flag.str());
  if (!runTool(cc, driverArgs, "compile the generated driver") ||
      !runTool(cc, {"-c", weightsAsm, "-o", weightsObj},
               "assemble the weights"))
    return 1;
  objects.push_back(driverObj);
  objects.push_back(weightsObj);
  objects.push_back(runtimeObj);

  std::vector<std::string> outputs; // made in buildDir, moved to outDir
  // Every library and object carries the runtime, its symbols weak
  // (libtern_runtime_weak.a): a program that links several models (with
  // --whole-archive, or their objects) keeps one copy of each runtime
  // function instead of failing on duplicate definitions. (Halide's
  // runtime is weak already.)
  if (options.emit == EmitKind::Obj) {
    outputs = {name + ".o", name + ".h"};
    std::string obj = inBuild(name + ".o");
    std::vector<std::string> args = {"-r", "-nostdlib", "-o", obj};
    args.insert(args.end(), objects.begin(), objects.end());
    args.insert(args.end(),
                {"-Wl,--whole-archive", runtimeLib, "-Wl,--no-whole-archive"});
    if (!runTool(cc, args, "combine the objects into " + obj))
      return 1;
  } else {
    outputs = {"lib" + name + ".a", "lib" + name + ".so", name + ".h"};
    std::string staticLib = inBuild("lib" + name + ".a");
    std::string sharedLib = inBuild("lib" + name + ".so");
    llvm::sys::fs::remove(staticLib);
    // An MRI script lets ar merge the runtime archive's members in.
    std::string mri = "create " + staticLib + "\n";
    for (const std::string &o : objects)
      mri += "addmod " + o + "\n";
    mri += "addlib " + runtimeLib + "\nsave\nend\n";
    std::string mriPath = inBuild("archive.mri");
    if (!writeFile(mriPath, mri))
      return 1;
    if (!runTool(ar, {"-M"}, "create " + staticLib, mriPath))
      return 1;
    std::vector<std::string> linkArgs = {"-shared",   "-o",
                                         sharedLib,   "-Wl,--whole-archive",
                                         staticLib,   "-Wl,--no-whole-archive",
                                         "-lpthread", "-ldl",
                                         "-lm"};
    for (StringRef flag : sanitize)
      linkArgs.push_back(flag.str());
    if (!runTool(cc, linkArgs, "link " + sharedLib))
      return 1;
  }

  // 7. Everything was made: move it into place, each file renamed over the
  // old one (atomic within a file system). tern/runtime.h is copied to a unique
  // name and renamed the same way, as ternc processes compiling into one
  // directory at once share it.
  SmallString<256> runtimeHeaderDir(outDir);
  llvm::sys::path::append(runtimeHeaderDir, "tern");
  llvm::sys::fs::create_directories(runtimeHeaderDir);
  SmallString<256> runtimeHeaderSrc(runtimeInclude);
  llvm::sys::path::append(runtimeHeaderSrc, "tern", "runtime.h");
  SmallString<256> runtimeHeaderDst(runtimeHeaderDir);
  llvm::sys::path::append(runtimeHeaderDst, "runtime.h");
  SmallString<256> runtimeHeaderTmp;
  std::error_code ec = llvm::sys::fs::createUniqueFile(
      runtimeHeaderDst + ".tmp%%%%%%", runtimeHeaderTmp);
  if (!ec)
    ec = llvm::sys::fs::copy_file(runtimeHeaderSrc, runtimeHeaderTmp);
  if (!ec)
    ec = llvm::sys::fs::rename(runtimeHeaderTmp, runtimeHeaderDst);
  if (ec) {
    llvm::sys::fs::remove(runtimeHeaderTmp);
    return fail("cannot copy tern/runtime.h into '" + outDir +
                "': " + ec.message());
  }
  for (const std::string &file : outputs)
    if (std::error_code ec = llvm::sys::fs::rename(inBuild(file), inOut(file)))
      return fail("cannot move " + file + " into '" + outDir +
                  "': " + ec.message());

  if (!options.keepTemps)
    llvm::sys::fs::remove_directories(buildDir);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!options.quiet)
    llvm::errs() << "ternc: wrote "
                 << (options.emit == EmitKind::Obj
                         ? inOut(name + ".o")
                         : inOut("lib" + name + ".a") + ", " +
                               inOut("lib" + name + ".so") + ", " +
                               inOut(name + ".h"))
                 << " in " << llvm::format("%.1f", seconds) << " s\n";
  return 0;
}
