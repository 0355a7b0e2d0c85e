//===- Driver.cpp - The ternc compile driver as a library -------*- C++ -*-===//
//
// The whole compiler as a list: Compilation::run calls the phases in order,
// each a function below (the back ones in Link.cpp), with a progress line
// per stage. The kernel pipeline is the one tern-opt runs
// (Pipelines.cpp: raise, lower, schedule); calibration is the phase between
// raise and lower, a list of steps (calibrationSteps) over the float model.
// Errors from MLIR are diagnostics at source locations; errors from Halide
// come back as messages and are reported at the op that produced the
// kernel; errors from the C toolchain print the command that failed and its
// output. Every failure returns nonzero; none aborts.
//
//===----------------------------------------------------------------------===//

#include "tern/Driver/Driver.h"
#include "Compilation.h"
#include "Report.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Emit/HlsProject.h"
#include "tern/Emit/LibraryWriter.h"
#include "tern/Import/LM/LMImporter.h"
#include "tern/Import/ONNX/ONNXImporter.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace ::tern::driver;
using namespace ::tern::driver::detail;
namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

const char * ::tern::driver::spelling(TernaryKernel k) {
  static const char *names[] = {"auto",  "i2",  "bitplane",
                                "base3", "lut", "int8"};
  return names[static_cast<int>(k)];
}

const char * ::tern::driver::spelling(SparseFormat f) {
  static const char *names[] = {"auto", "dense", "ell", "nm", "bsr"};
  return names[static_cast<int>(f)];
}

const char * ::tern::driver::spelling(ActivationSparsity a) {
  return a == ActivationSparsity::Relu ? "relu" : "off";
}

const char * ::tern::driver::spelling(ReportFormat f) {
  static const char *names[] = {"none", "text", "json", "md"};
  return names[static_cast<int>(f)];
}

int ::tern::driver::compile(const Options &options, DialectRegistry &registry) {
  return Compilation(options, registry).run();
}

Compilation::Compilation(const Options &options, DialectRegistry &registry)
    : options(options), start(std::chrono::steady_clock::now()),
      toLibrary(options.output.emit == EmitKind::Lib ||
                options.output.emit == EmitKind::Obj),
      progress(options.diagnostics.quiet || !toLibrary, toLibrary ? 6 : 3),
      context(registry) {}

int Compilation::run() {
  EmitKind emit = options.output.emit;
  if (failed(checkOptions()) || failed(import()))
    return 1;
  if (emit == EmitKind::Mlir)
    return writeOutput(options.output.output, printModule(*module) + "\n") ? 0
                                                                           : 1;
  if (failed(raise()) || failed(calibrate()) || failed(lower()) ||
      failed(selectSchedules()))
    return 1;
  if (emit == EmitKind::Kernel) {
    // The whole module, or with --entry the one function.
    if (options.import.entry.empty())
      return writeOutput(options.output.output, printModule(*module) + "\n")
                 ? 0
                 : 1;
    FailureOr<func::FuncOp> f = entry(*module);
    return succeeded(f) &&
                   writeOutput(options.output.output, printOp(*f) + "\n")
               ? 0
               : 1;
  }
  if (failed(plan()))
    return 1;
  if (hls)
    return succeeded(writeHlsProject()) ? 0 : 1;
  if (emit == EmitKind::HalideStmt || emit == EmitKind::Asm)
    return succeeded(writeKernelText()) ? 0 : 1;
  if (failed(compileKernels()) || failed(writeLibrarySources()) ||
      failed(link()) || failed(install()))
    return 1;
  return 0;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

LogicalResult Compilation::checkOptions() {
  const ModelOptions &m = options.model;
  const CalibrationOptions &c = options.calibration;
  const TargetOptions &t = options.target;
  EmitKind emit = options.output.emit;
  auto error = [](const Twine &message) {
    fail(message);
    return failure();
  };
  for (const std::string &pass : options.diagnostics.dumpAfter)
    if (!PassInfo::lookup(pass))
      return error("--dump-after: no pass is named '" + pass +
                   "' (pass names are the tern-opt flags listed by "
                   "`tern-opt --help`, without the dashes, e.g. tern-raise)");
  name = options.output.name.empty() ? defaultName(options.import.input)
                                     : options.output.name;
  if (std::string problem = ::tern::emit::modelNameProblem(name);
      !problem.empty())
    return error("invalid model name '" + name + "': " + problem +
                 "; give another with --name, e.g. --name=my_model");

  // --target=cuda: every kernel on the GPU. A Halide target with the cuda
  // feature (host-cuda, ...): the GPU where it can, the CPU elsewhere.
  strictGpu = t.target == "cuda";
  // --target=hls: HLS C++ for an FPGA, always in integer mode; the kernels
  // are also JIT-compiled for this CPU (calibration, golden vectors).
  hls = t.target == "hls";
  integer = m.integer || hls;
  if (hls && emit != EmitKind::Lib && emit != EmitKind::Mlir &&
      emit != EmitKind::Kernel)
    return error("--target=hls writes an HLS project directory; --emit=obj, "
                 "--emit=halide-stmt and --emit=asm are for CPU and GPU "
                 "targets");
  if (integer && (m.integerBits != 8 && m.integerBits != 16))
    return error("--integer-bits must be 8 or 16");
  if (integer && m.ternaryKernel != TernaryKernel::Auto)
    return error("--ternary-kernel chooses among float-mode kernels; integer "
                 "mode (--integer, --target=hls) always adds and subtracts "
                 "integer activations under 2-bit codes: drop the flag");
  if (integer && m.activationBits != 0)
    return error("--activation-bits is the float mode's int8 ternary kernel; "
                 "integer mode sets its width with --integer-bits");
  if (integer && m.sparse != SparseFormat::Auto &&
      m.sparse != SparseFormat::Dense && m.sparse != SparseFormat::NM)
    return error(Twine("--sparse=") + spelling(m.sparse) +
                 " is a float-mode format; integer mode (--integer, "
                 "--target=hls) stores N:M layers as N:M (auto or nm) and "
                 "every other layer dense (dense: N:M ones too)");
  bool thresholds = !c.thresholdSamples.empty();
  if (thresholds && integer)
    return error("--activation-threshold is a float-mode option; integer "
                 "mode (--integer, --target=hls) does not skip zero inputs");
  if (!(c.thresholdSparsity >= 0.0 && c.thresholdSparsity <= 1.0))
    return error("--activation-threshold-sparsity must be a fraction in "
                 "[0, 1], e.g. 0.5");
  if (!thresholds && (c.thresholdSparsity != 0.5 || !c.thresholdLayers.empty()))
    return error("--activation-threshold-sparsity and "
                 "--activation-threshold-layers need "
                 "--activation-threshold=calibrate:FILE");
  if (m.pruneGlobal && m.prune.rfind("unstructured:", 0) != 0)
    return error("--prune-global needs --prune=unstructured:S");
  if (!m.pruneLayers.empty() && m.prune.empty())
    return error("--prune-layers selects layers for --prune; give --prune too");
  if (hls && !(t.clockNs > 0 && t.clockNs < 1e6))
    return error("--clock-ns must be a clock period in nanoseconds, > 0");
  if (hls && t.hlsReuse < 1)
    return error("--hls-reuse must be at least 1 (1: fully parallel)");
  if (!c.integerSamples.empty() && !integer)
    return error("--calibrate applies to integer mode (--integer or "
                 "--target=hls)");
  if (std::string problem = resolveTargets(
          strictGpu ? "host-cuda" : (hls ? "host" : t.target), targets);
      !problem.empty())
    return error(problem);
  const std::string &target = targets.front();
  targetList = llvm::join(targets, ",");
  // Another architecture (cross-compiling): the driver, the weights and
  // the runtime are compiled and linked by the toolchain the user names.
  bool hostArch = true;
  if (tk::Status s = tk::targetArchitecture(target, hostArch, arch); !s)
    return error("invalid --target '" + target + "': " + s.message);
  cross = !hostArch;
  cc = options.output.cc;
  if (cc.empty()) {
    const char *env = getenv("CC");
    cc = env && *env ? env : "";
  }
  if (cross && toLibrary && cc.empty())
    return error("--target=" + t.target + " is for " + arch +
                 ", not this machine's architecture: give a C compiler for "
                 "it with --cc, e.g. --cc=aarch64-linux-gnu-gcc (Debian: apt "
                 "install g++-aarch64-linux-gnu), whose g++ also builds the "
                 "runtime; or use --emit=asm to look at the kernels");
  if (cc.empty())
    cc = "cc";
  SmallVector<StringRef> features;
  StringRef(target).split(features, '-');
  gpu = llvm::is_contained(features, "cuda");
  avx512 = llvm::is_contained(features, "avx512");
  if (thresholds && gpu)
    return error("--activation-threshold zeros small inputs so that CPU "
                 "kernels can skip them; the GPU kernels do not skip, so on "
                 "a CUDA target it would only cost accuracy");
  return success();
}

void Compilation::pipelineOptions(mlir::tern::KernelPipelineOptions &p) const {
  const ModelOptions &m = options.model;
  p.report = options.diagnostics.report;
  p.gpu = gpu;
  p.avx512 = avx512;
  p.ternarize = m.ternarize;
  p.ternarizeLayers = m.ternarizeLayers;
  p.ternaryKernel = spelling(m.ternaryKernel);
  p.activationBits = m.activationBits;
  p.prune = m.prune;
  p.pruneLayers = m.pruneLayers;
  p.pruneGlobal = m.pruneGlobal;
  p.sparse = spelling(m.sparse);
  p.activationSparsity = spelling(m.activationSparsity);
  p.integer = integer;
  p.integerBits = m.integerBits;
  p.hls = hls;
  p.gpuFallback = gpu && !strictGpu;
  p.hlsReuse = options.target.hlsReuse;
}

LogicalResult
Compilation::runPasses(ModuleOp m,
                       const std::function<void(OpPassManager &)> &build,
                       StringRef stage, StringRef what) {
  PassManager pm(&context, ModuleOp::getOperationName());
  if (failed(configurePassManager(pm, options.diagnostics.dumpAfter))) {
    fail("invalid pass manager options");
    return failure();
  }
  build(pm);
  if (options.diagnostics.printPipeline) {
    llvm::errs() << "ternc: " << stage << " passes: ";
    pm.printAsTextualPipeline(llvm::errs());
    llvm::errs() << "\n";
  }
  if (failed(pm.run(m))) {
    fail(what + " '" + options.import.input +
         "' failed (see the errors above)");
    return failure();
  }
  return success();
}

FailureOr<func::FuncOp> Compilation::entry(ModuleOp m) {
  return mlir::tern::findEntryFunction(m, options.import.entry);
}

//===----------------------------------------------------------------------===//
// 1. Import
//===----------------------------------------------------------------------===//

LogicalResult Compilation::import() {
  const ImportOptions &in = options.import;
  if (in.input != "-" && mlir::tern::looksLikeLanguageModel(in.input))
    return importLanguageModel();
  if (in.seqLen > 0) {
    fail("--seq-len applies to language-model checkpoints (a Hugging Face "
         "folder or a .gguf file) only");
    return failure();
  }
  bool onnx = mlir::tern::looksLikeONNX(in.input);
  progress.step((onnx ? "importing ONNX model " : "parsing ") + in.input);
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(in.input, &errorMessage);
  if (!file) {
    fail(errorMessage);
    return failure();
  }
  context.loadAllAvailableDialects();
  // A diagnostic on the module would otherwise print the whole module,
  // weights included.
  context.printOpOnDiagnostic(false);
  if (!onnx && (!in.inputShapes.empty() || !in.frozenInputs.empty())) {
    fail("--input-shape and --freeze-input apply to ONNX models only");
    return failure();
  }
  StringRef bytes = file->getBuffer();
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  diagHandler = std::make_unique<SourceMgrDiagnosticHandler>(
      sourceMgr, &context, llvm::errs());
  // ONNX models have no source text: their locations name the file and the
  // node, printed as they are.
  if (onnx) {
    onnxDiagHandler.emplace(&context, printNamedDiagnostic);
    mlir::tern::ONNXImportOptions importOptions;
    importOptions.inputShapes = in.inputShapes;
    importOptions.frozenInputs = in.frozenInputs;
    importOptions.functionName = name;
    module = mlir::tern::importONNX(bytes, in.input, &context, importOptions);
    if (!module) {
      fail("cannot import '" + in.input + "' (see the errors above)");
      return failure();
    }
  } else {
    module = parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
    if (!module) {
      fail("cannot parse '" + in.input + "' (see the errors above)");
      return failure();
    }
  }
  if (options.output.emit == EmitKind::Mlir)
    return success();
  return afterImport();
}

/// What every front end's module goes through before the passes.
LogicalResult Compilation::afterImport() {
  // Before any pass reads a constant: a tensor too large to compile is an
  // error on its op, not an exhausted allocation deep inside a pass.
  if (failed(mlir::tern::checkTensorSizes(*module))) {
    fail("'" + options.import.input +
         "' has a tensor too large to compile (see the error above)");
    return failure();
  }
  // The efficiency report compares each layer with the model as given.
  ReportFormat report = options.diagnostics.reportFormat;
  if (report == ReportFormat::Json || report == ReportFormat::Markdown)
    denseTwin = mlir::tern::measureDenseTwin(*module);
  return success();
}

/// A checkpoint (LMImporter.h): the model over --seq-len tokens.
LogicalResult Compilation::importLanguageModel() {
  const ImportOptions &in = options.import;
  progress.step("reading the language model " + in.input);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  if (!in.inputShapes.empty() || !in.frozenInputs.empty()) {
    fail("--input-shape and --freeze-input apply to ONNX models only");
    return failure();
  }
  onnxDiagHandler.emplace(&context, printNamedDiagnostic);
  mlir::tern::LMImportOptions lm;
  lm.functionName = name;
  lm.seqLen = in.seqLen;
  module = mlir::tern::importLanguageModel(in.input, &context, lm);
  if (!module) {
    fail("cannot import '" + in.input + "' (see the errors above)");
    return failure();
  }
  SmallString<256> tokenizer(in.input);
  llvm::sys::path::append(tokenizer, "tokenizer.model");
  if (llvm::sys::fs::is_directory(in.input) && llvm::sys::fs::exists(tokenizer))
    tokenizerModel = std::string(tokenizer);
  if (options.output.emit == EmitKind::Mlir)
    return success();
  return afterImport();
}

//===----------------------------------------------------------------------===//
// 2. Raise, 3. calibrate, 4. lower, 5. schedules (Pipelines.cpp's passes)
//===----------------------------------------------------------------------===//

LogicalResult Compilation::raise() {
  progress.step("lowering to kernel form (tern-raise, tern-lower-ternary, "
                "generalize)");
  mlir::tern::KernelPipelineOptions p;
  pipelineOptions(p);
  return runPasses(
      *module,
      [&](OpPassManager &pm) { mlir::tern::buildRaisePipeline(pm, p); },
      "raise", "lowering");
}

std::vector<CalibrationStep> Compilation::calibrationSteps() {
  const CalibrationOptions &c = options.calibration;
  return {
      // TEAL-style activation thresholds (tern.activation_threshold),
      // which tern-activation-threshold applies.
      {"activation thresholds",
       [](const Options &o) { return !o.calibration.thresholdSamples.empty(); },
       [&](ModuleOp m, func::FuncOp f) -> LogicalResult {
         Samples samples;
         if (failed(loadSamples(f, c.thresholdSamples, samples))) {
           fail("cannot calibrate --activation-threshold (see the errors "
                "above)");
           return failure();
         }
         progress.note("calibrating activation thresholds on " +
                       Twine(samples.count) + " samples from " +
                       c.thresholdSamples);
         if (failed(calibrateActivationThresholds(
                 m, f, samples, c.thresholdSparsity, c.thresholdLayers))) {
           fail("activation-threshold calibration failed (see the errors "
                "above)");
           return failure();
         }
         return success();
       }},
      // Integer mode's ranges (tern.absmax), which tern-quantize reads.
      {"integer ranges", [this](const Options &) { return integer; },
       [&](ModuleOp m, func::FuncOp f) -> LogicalResult {
         if (failed(loadSamples(f, c.integerSamples, integerSamples))) {
           fail("cannot calibrate integer mode (see the errors above)");
           return failure();
         }
         progress.note(
             "calibrating integer mode on " + Twine(integerSamples.count) +
             (integerSamples.synthetic
                  ? " pseudo-random samples in [-1, 1] (pass "
                    "--calibrate=FILE with real inputs for real ranges)"
                  : " samples from " + c.integerSamples));
         if (failed(::tern::driver::calibrate(m, f, integerSamples))) {
           fail("calibration failed (see the errors above)");
           return failure();
         }
         return success();
       }}};
}

LogicalResult Compilation::calibrate() {
  for (CalibrationStep &step : calibrationSteps()) {
    if (!step.applies(options))
      continue;
    FailureOr<func::FuncOp> f = entry(*module);
    if (failed(f) || failed(step.run(*module, *f)))
      return failure();
  }
  return success();
}

LogicalResult Compilation::lower() {
  mlir::tern::KernelPipelineOptions p;
  pipelineOptions(p);
  return runPasses(
      *module,
      [&](OpPassManager &pm) { mlir::tern::buildLowerPipeline(pm, p); },
      "lower", "lowering");
}

LogicalResult Compilation::selectSchedulesFor(ModuleOp m,
                                              const std::string &target) {
  tk::TargetDesc desc;
  if (tk::Status s = tk::describeTarget(target, desc); !s) {
    fail("invalid --target '" + target + "': " + s.message);
    return failure();
  }
  mlir::tern::KernelPipelineOptions p;
  pipelineOptions(p);
  p.floatVectorBytes = desc.floatVectorBytes;
  p.intVectorBytes = desc.intVectorBytes;
  p.vectorRegisters = desc.vectorRegisters;
  return runPasses(
      m, [&](OpPassManager &pm) { mlir::tern::buildSchedulePipeline(pm, p); },
      "schedule", "choosing the schedules of");
}

LogicalResult Compilation::selectSchedules() {
  // The first target's on the module itself; the other variants' are
  // chosen on copies when the plan is built.
  return selectSchedulesFor(*module, targets.front());
}

//===----------------------------------------------------------------------===//
// 6. Plan
//===----------------------------------------------------------------------===//

LogicalResult Compilation::plan() {
  mlir::tern::PlanOptions planOptions;
  planOptions.gpu = gpu;
  auto planOf = [&](ModuleOp m) -> FailureOr<tp::ModelPlan> {
    FailureOr<func::FuncOp> f = entry(m);
    if (failed(f))
      return failure();
    FailureOr<tp::ModelPlan> p =
        mlir::tern::buildModelPlan(*f, name, planOptions);
    if (failed(p))
      fail("cannot generate code for '" + options.import.input +
           "' (see the errors above)");
    return p;
  };
  FailureOr<tp::ModelPlan> p = planOf(*module);
  if (failed(p))
    return failure();
  modelPlan = std::move(*p);
  // The kernels of the other --target variants: the same plan, each with
  // the schedules chosen for its target.
  variantKernels.assign(targets.size(), {});
  for (size_t v = 1; v < targets.size(); ++v) {
    OwningOpRef<ModuleOp> copy(module->clone());
    if (failed(selectSchedulesFor(*copy, targets[v])))
      return failure();
    FailureOr<tp::ModelPlan> variant = planOf(*copy);
    if (failed(variant))
      return failure();
    if (variant->kernels.size() != modelPlan->kernels.size()) {
      fail("internal error: target " + targets[v] + " planned " +
           Twine(variant->kernels.size()) + " kernels, target " +
           targets.front() + " " + Twine(modelPlan->kernels.size()));
      return failure();
    }
    variantKernels[v] = std::move(variant->kernels);
  }
  tp::ModelPlan &plan = *modelPlan;
  progress.step("planned " + Twine(plan.numKernelCalls) + " kernel calls, " +
                Twine(plan.kernels.size()) + " unique kernels, weights " +
                humanBytes(plan.weights.size()) + ", activation arena " +
                humanBytes(plan.arenaBytes));
  if (options.diagnostics.report) {
    llvm::errs() << "ternc: report for '" << name << "' (target " << targetList
                 << ")\n";
    for (const tp::Step &s : plan.steps)
      if (s.kind == tp::Step::Call)
        llvm::errs() << "  " << s.location << ": kernel "
                     << plan.kernels[s.kernel].name
                     << (plan.kernels[s.kernel].schedule.device ==
                                 tk::Schedule::GPU
                             ? " (gpu)"
                             : " (cpu)")
                     << "\n";
    llvm::errs() << "  weights: " << plan.weights.size()
                 << " bytes; arena: " << plan.arenaBytes << " bytes\n";
  }
  return writeReport();
}

LogicalResult Compilation::writeReport() {
  ReportFormat format = options.diagnostics.reportFormat;
  if (format != ReportFormat::Json && format != ReportFormat::Markdown)
    return success();
  ReportInput in;
  in.plan = &*modelPlan;
  in.twin = &denseTwin;
  in.target = targetList;
  tk::TargetDesc desc;
  if (!hls && tk::describeTarget(targets.front(), desc))
    in.machine.floatVectorBytes = desc.floatVectorBytes;
  std::string text =
      format == ReportFormat::Json ? reportJson(in) : reportMarkdown(in);
  std::string path = options.diagnostics.reportFile;
  if (path.empty()) {
    SmallString<256> p(toLibrary || hls ? options.output.output : "");
    if (p.empty())
      p = ".";
    if (std::error_code ec = llvm::sys::fs::create_directories(p)) {
      fail("cannot create the directory '" + p +
           "' for the report: " + ec.message());
      return failure();
    }
    llvm::sys::path::append(
        p, name + ".report." + (format == ReportFormat::Json ? "json" : "md"));
    path = std::string(p);
  }
  if (path == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return success();
  }
  if (!writeFile(path, text))
    return failure();
  progress.note("wrote the efficiency report " + path);
  return success();
}

//===----------------------------------------------------------------------===//
// 7'. The HLS project (--target=hls), and the text forms of the kernels
//===----------------------------------------------------------------------===//

LogicalResult Compilation::writeHlsProject() {
  ::tern::emit::HlsOptions hlsOptions;
  hlsOptions.outDir =
      options.output.output.empty() ? "." : options.output.output;
  hlsOptions.fpgaPart = options.target.fpgaPart;
  hlsOptions.clockNs = options.target.clockNs;
  hlsOptions.reuse = options.target.hlsReuse;
  hlsOptions.source = options.import.input;
  hlsOptions.quiet = options.diagnostics.quiet;
  if (::tern::emit::emitHlsProject(*modelPlan, integerSamples, hlsOptions) != 0)
    return failure();
  if (!options.diagnostics.quiet)
    llvm::errs() << "ternc: wrote the HLS project " << hlsOptions.outDir << " ("
                 << name << ".cpp, " << name << ".h, " << name
                 << "_tb.cpp, run_hls.tcl, report.md, report.json) in "
                 << llvm::format("%.1f",
                                 std::chrono::duration<double>(
                                     std::chrono::steady_clock::now() - start)
                                     .count())
                 << " s\n";
  return success();
}

LogicalResult Compilation::writeKernelText() {
  std::string text;
  for (const tk::Kernel &k : modelPlan->kernels) {
    std::string stmt;
    tk::Status s = options.output.emit == EmitKind::Asm
                       ? tk::lowerToAssembly(k, targets.front(), stmt)
                       : tk::lowerToStmt(k, targets.front(), stmt);
    if (!s) {
      reportKernelError(k, *modelPlan, s.message);
      return failure();
    }
    text += "// kernel " + k.name + "\n" + stmt + "\n";
  }
  return success(writeOutput(options.output.output, text));
}
