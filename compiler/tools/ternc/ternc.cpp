//===- ternc.cpp - Tern's ahead-of-time model compiler ----------*- C++ -*-===//
//
// Flag parsing for the compile driver in tern/Driver; see Driver.h.
//
//===----------------------------------------------------------------------===//

#include "tern/Driver/Driver.h"
#include "tern/Import/ONNX/ONNXImporter.h"
#include "tern/InitAll.h"
#include "tern/Version.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#include <optional>

namespace cl = llvm::cl;
using tern::driver::EmitKind;

/// The value of an enum of Driver.h whose spelling() is `text` (values 0
/// to `last`), or none.
template <typename Enum>
static std::optional<Enum> fromSpelling(llvm::StringRef text, Enum last) {
  for (int i = 0; i <= static_cast<int>(last); ++i)
    if (text == tern::driver::spelling(static_cast<Enum>(i)))
      return static_cast<Enum>(i);
  return std::nullopt;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory category("ternc options");
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "ternc: " << tern::versionLine() << "\n"
       << "  built with MLIR/LLVM " LLVM_VERSION_STRING " and Halide 14\n";
  });

  cl::opt<std::string> input(cl::Positional,
                             cl::desc("<model.mlir | model.onnx | hf-folder | "
                                      "model.gguf>"),
                             cl::init("-"), cl::cat(category));
  cl::opt<std::string> output(
      "o", cl::value_desc("path"), cl::cat(category),
      cl::desc("Output directory for --emit=lib|obj (default: the current "
               "directory); output file for the text forms (default: "
               "stdout)"));
  cl::opt<std::string> name(
      "name", cl::value_desc("identifier"), cl::cat(category),
      cl::desc("Prefix of the generated C API and files: lib<name>.a, "
               "<name>.h, <name>_run() (default: the input file's stem)"));
  cl::opt<EmitKind> emit(
      "emit", cl::desc("What to produce:"), cl::init(EmitKind::Lib),
      cl::cat(category),
      cl::values(
          clEnumValN(EmitKind::Mlir, "mlir", "the input, parsed and verified"),
          clEnumValN(EmitKind::Kernel, "kernel",
                     "the IR after the kernel pipeline (linalg.generic "
                     "add/sub kernels)"),
          clEnumValN(EmitKind::HalideStmt, "halide-stmt",
                     "Halide's lowered statement of each kernel"),
          clEnumValN(EmitKind::Asm, "asm",
                     "each kernel's machine code, as assembly (CPU targets)"),
          clEnumValN(EmitKind::Obj, "obj",
                     "<name>.o: kernels, driver and weights in one object"),
          clEnumValN(EmitKind::Lib, "lib",
                     "lib<name>.a, lib<name>.so, <name>.h and "
                     "tern/runtime.h (default)")));
  cl::opt<std::string> target(
      "target", cl::init("host"), cl::cat(category),
      cl::desc("Where the model runs: 'host' (default: this machine's CPU "
               "features), 'cuda' (every kernel on an NVIDIA GPU), "
               "'host-cuda' (the GPU where possible, the CPU elsewhere), or "
               "a Halide target string such as x86-64-linux-avx2 or "
               "host-cuda-cuda_capability_86, or 'hls' (an HLS C++ project "
               "for an FPGA in directory -o: see --fpga-part)"));
  cl::opt<std::string> entry(
      "entry", cl::value_desc("function"), cl::cat(category),
      cl::desc("Function to compile when the module has several public "
               "ones"));
  cl::list<std::string> dumpAfter(
      "dump-after", cl::value_desc("pass"), cl::cat(category),
      cl::CommaSeparated,
      cl::desc("Print the IR to stderr after the named passes (e.g. "
               "tern-raise,tern-lower-ternary)"));
  cl::opt<std::string> report(
      "tern-report", cl::ValueOptional, cl::value_desc("text|json|md"),
      cl::cat(category),
      cl::desc("Report per layer what the compiler did. Alone (=text): what "
               "was raised to ternary kernels, what was left dense and why, "
               "and the memory plan, on stderr. =json or =md: the efficiency "
               "report (per layer and in total: parameters, stored bytes and "
               "format, dense fp32 multiply-accumulates, multiplications "
               "replaced by additions, zero weights skipped, estimated time "
               "and energy), written to <name>.report.json or .md in the "
               "output directory (see --tern-report-file; schema in "
               "docs/tern-report.schema.json)"));
  cl::opt<std::string> reportFile(
      "tern-report-file", cl::value_desc("path"), cl::cat(category),
      cl::desc("Where --tern-report=json|md writes ('-': stdout)"));
  cl::opt<bool> quiet("quiet", cl::cat(category),
                      cl::desc("Do not print progress lines"));
  cl::opt<bool> keepTemps(
      "keep-temps", cl::cat(category),
      cl::desc("Keep <output>/<name>.build/ (kernel objects, driver source, "
               "weights)"));
  cl::opt<bool> printPipeline(
      "print-pipeline", cl::cat(category),
      cl::desc("Print each pass pipeline ternc runs (raise, lower, schedule), "
               "in the syntax of tern-opt --pass-pipeline: calibration runs "
               "between the first two; without it they are tern-opt "
               "--tern-kernel-pipeline"));
  cl::opt<std::string> cc("cc", cl::value_desc("program"), cl::cat(category),
                          cl::desc("C compiler used to build and link the "
                                   "driver (default: $CC, else cc)"));
  cl::opt<std::string> ar("ar", cl::value_desc("program"), cl::cat(category),
                          cl::desc("Archiver (default: ar)"));

  cl::opt<std::string> ternarize(
      "ternarize", cl::value_desc("layers"), cl::ValueOptional,
      cl::cat(category),
      cl::desc("Ternarize weights after training (BitNet b1.58 absmean: "
               "scale = mean|W|, W/scale rounded and clipped to {-1,0,1}) "
               "and print each layer's relative error. Bare --ternarize: "
               "every Linear/Conv layer but the first and the last; "
               "--ternarize=all: every layer; --ternarize=fc1,fc2: the "
               "named layers (ONNX node names)"));
  cl::opt<std::string> ternaryKernel(
      "ternary-kernel", cl::value_desc("kernel"), cl::init("auto"),
      cl::cat(category),
      cl::desc("How ternary layers compute: auto (default: a cost model "
               "picks per layer from its shape; --tern-report says what and "
               "why), i2 (2-bit codes, add/subtract), bitplane (+1 and -1 bit "
               "planes, add/subtract), base3 (5 trits a byte, 1.6 bits a "
               "weight), lut (tables of the signed sums of 4 activations), "
               "int8 (int8 activations, int32 sums; needs "
               "--activation-bits=8)"));
  cl::opt<int> activationBits(
      "activation-bits", cl::value_desc("bits"), cl::init(0), cl::cat(category),
      cl::desc("8: quantize the inputs of ternary layers to int8 per row "
               "(absmax, as BitNet b1.58) and use the int8 kernel; this "
               "changes the numerics. 0 (default): keep float activations"));
  cl::opt<std::string> prune(
      "prune", cl::value_desc("pattern"), cl::cat(category),
      cl::desc("Prune weights by magnitude at compile time (tern-prune) and "
               "print each layer's relative error: 2:4, 1:4, 4:8 (N:M: at "
               "most N nonzeros in every M inputs), block:4x4:0.75 (that "
               "fraction of 4x4 blocks zero), unstructured:0.9 (that "
               "fraction of weights zero). Every layer unless "
               "--prune-layers"));
  cl::opt<std::string> pruneLayers(
      "prune-layers", cl::value_desc("names"), cl::cat(category),
      cl::desc("Layers --prune applies to: 'all' (default) or ONNX node "
               "names, comma-separated"));
  cl::opt<bool> pruneGlobal(
      "prune-global", cl::cat(category),
      cl::desc("--prune=unstructured:S: one magnitude threshold over all "
               "selected layers instead of S per layer"));
  cl::opt<std::string> sparse(
      "sparse", cl::value_desc("format"), cl::init("auto"), cl::cat(category),
      cl::desc("Sparse weights (zeros stored in the model or made by "
               "--prune): auto (default: a cost model picks dense or a "
               "sparse format per layer; --tern-report says what and why), "
               "dense (never sparse), ell (row-balanced CSR), nm (N:M "
               "layers), bsr (4x4 blocks) to force one where it fits"));
  cl::opt<std::string> activationSparsity(
      "activation-sparsity", cl::value_desc("mode"), cl::init("relu"),
      cl::cat(category),
      cl::desc("relu (default): a dense or ternary layer whose input comes "
               "from a ReLU skips the zero inputs at run time (the rows of "
               "weights they would multiply, and after "
               "--activation-threshold); off: never skip"));
  cl::opt<std::string> activationThreshold(
      "activation-threshold", cl::value_desc("calibrate:FILE"),
      cl::cat(category),
      cl::desc("TEAL-style activation sparsity (float mode, CPU): run the "
               "model on the raw f32 samples in FILE (the inputs "
               "concatenated, sample after sample), choose per layer the "
               "threshold below which --activation-threshold-sparsity of "
               "its inputs fall, zero those inputs and skip them at run "
               "time. Changes results; each layer's remark gives its "
               "threshold"));
  cl::opt<double> activationThresholdSparsity(
      "activation-threshold-sparsity", cl::value_desc("S"), cl::init(0.5),
      cl::cat(category),
      cl::desc("--activation-threshold: the fraction of each layer's "
               "calibration inputs to zero, in [0, 1] (default 0.5)"));
  cl::opt<std::string> activationThresholdLayers(
      "activation-threshold-layers", cl::value_desc("names"), cl::cat(category),
      cl::desc("Layers --activation-threshold applies to: 'all' (default) "
               "or layer names, comma-separated"));
  cl::opt<bool> integer(
      "integer", cl::cat(category),
      cl::desc("Integer (fixed-point) mode: int8/int16 activations with "
               "per-tensor scales from calibration, int32 "
               "sums, requantization by multiply-and-shift. The library takes "
               "and returns integers (scales in the header). Always on with "
               "--target=hls; the same numerics on both"));
  cl::opt<int> integerBits(
      "integer-bits", cl::value_desc("8|16"), cl::init(8), cl::cat(category),
      cl::desc("Integer mode: activation width (default 8)"));
  cl::opt<std::string> calibrate(
      "calibrate", cl::value_desc("file.f32"), cl::cat(category),
      cl::desc("Integer mode: raw little-endian float32 sample inputs (the "
               "model's inputs concatenated, sample after sample) whose "
               "ranges choose the scales (default: 64 pseudo-random samples "
               "in [-1, 1])"));
  cl::opt<std::string> fpgaPart(
      "fpga-part", cl::value_desc("part"), cl::init("xc7z020clg400-1"),
      cl::cat(category),
      cl::desc("--target=hls: the FPGA part for run_hls.tcl and the resource "
               "check in report.md (default xc7z020clg400-1)"));
  cl::opt<double> clockNs(
      "clock-ns", cl::value_desc("ns"), cl::init(10.0), cl::cat(category),
      cl::desc("--target=hls: clock period in ns (default 10)"));
  cl::opt<int> hlsReuse(
      "hls-reuse", cl::value_desc("N"), cl::init(1), cl::cat(category),
      cl::desc("--target=hls: reuse factor (as hls4ml): each adder or "
               "multiplier of a layer serves N steps of its reduction; 1 "
               "(default) unrolls reductions fully: fastest, largest. A "
               "`tern.hls_reuse` attribute sets it per layer"));
  cl::list<std::string> inputShapes(
      "input-shape", cl::value_desc("name=DIMS"), cl::cat(category),
      cl::desc("ONNX models: static shape of an input whose dimensions are "
               "dynamic, e.g. --input-shape pixels=1x64 (repeatable)"));

  cl::opt<int64_t> seqLen(
      "seq-len", cl::value_desc("N"), cl::init(0), cl::cat(category),
      cl::desc("Language-model checkpoints (a Hugging Face folder with "
               "config.json and *.safetensors, or a .gguf file): the number "
               "of token positions the compiled model takes (default: the "
               "model's context, at most 128); the model is causal, so a "
               "shorter prompt may be padded after its end"));

  cl::list<std::string> frozenInputs(
      "freeze-input", cl::value_desc("name=value.pb"), cl::cat(category),
      cl::desc("ONNX models: compile an input as a constant, read from a "
               "serialized onnx.TensorProto (as in ONNX test data), for "
               "inputs that carry shapes, axes or pads (repeatable)"));

  // Passes are registered before the command line is parsed: MLIR's
  // --mlir-print-ir-before/after=PASS look their values up among them.
  mlir::tern::registerPasses();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv,
      "ternc: compile a model (ONNX, func + linalg on tensors in MLIR, or a "
      "language-model checkpoint: a Hugging Face folder or a .gguf file of "
      "Llama, BitNet b1.58 or the MatMul-free LM) ahead of time into a native "
      "library with a C "
      "header.\n\n"
      "Ternary layers (matmuls whose constant weights are {-a, 0, +a} per "
      "tensor or per output row) are compiled to add/subtract or lookup-table "
      "kernels with 1.6- to 2-bit packed weights (--ternary-kernel); "
      "everything else runs as dense Halide kernels.\n\n"
      "Example:\n"
      "  ternc model.onnx -o out/ --name digits\n"
      "  cc app.c -Iout -Lout -l:libdigits.a -lpthread -ldl -lm\n"
      "  ternc model.onnx --target=hls -o hls/ --name digits   (FPGA)\n");

  // The one place flags become options: one struct per phase, enums for
  // the enumerated choices.
  using namespace tern::driver;
  Options options;
  auto unknown = [](llvm::StringRef flag, llvm::StringRef value,
                    llvm::StringRef expected) {
    llvm::errs() << "ternc: error: unknown --" << flag << "='" << value
                 << "': expected " << expected << "\n";
    return 1;
  };
  options.import.input = input;
  if (seqLen < 0) {
    llvm::errs() << "ternc: error: --seq-len=" << seqLen
                 << ": expected a positive number of tokens\n";
    return 1;
  }
  options.import.seqLen = seqLen;
  options.import.entry = entry;
  options.output.output = output;
  options.output.name = name;
  options.output.emit = emit;
  options.output.keepTemps = keepTemps;
  options.output.cc = cc;
  options.output.ar = ar;
  options.output.argv0 = argv[0];
  options.target.target = target;
  options.target.fpgaPart = fpgaPart;
  options.target.clockNs = clockNs;
  options.target.hlsReuse = hlsReuse;
  options.diagnostics.dumpAfter.assign(dumpAfter.begin(), dumpAfter.end());
  if (report.getNumOccurrences()) {
    auto format = report.empty()
                      ? std::optional<tern::driver::ReportFormat>(
                            tern::driver::ReportFormat::Text)
                      : fromSpelling(report.getValue(),
                                     tern::driver::ReportFormat::Markdown);
    if (!format)
      return unknown("tern-report", report, "text, json or md");
    // --tern-report alone keeps the remarks; =json and =md write a file.
    options.diagnostics.report = *format == tern::driver::ReportFormat::Text;
    options.diagnostics.reportFormat = *format;
  }
  options.diagnostics.reportFile = reportFile;
  options.diagnostics.quiet = quiet;
  options.diagnostics.printPipeline = printPipeline;
  ModelOptions &model = options.model;
  model.ternarize = ternarize.getNumOccurrences() > 0;
  model.ternarizeLayers = ternarize;
  // Each enum's spellings are Driver.cpp's spelling(); the last value
  // bounds the search.
  auto kernel = fromSpelling(ternaryKernel, TernaryKernel::Int8);
  if (!kernel)
    return unknown("ternary-kernel", ternaryKernel,
                   "auto, i2, bitplane, base3, lut or int8");
  model.ternaryKernel = *kernel;
  model.prune = prune;
  model.pruneLayers = pruneLayers;
  model.pruneGlobal = pruneGlobal;
  auto format = fromSpelling(sparse, SparseFormat::Bsr);
  if (!format)
    return unknown("sparse", sparse, "auto, dense, ell, nm or bsr");
  model.sparse = *format;
  auto skip = fromSpelling(activationSparsity, ActivationSparsity::Off);
  if (!skip)
    return unknown("activation-sparsity", activationSparsity, "relu or off");
  model.activationSparsity = *skip;
  model.activationBits = activationBits;
  model.integer = integer;
  model.integerBits = integerBits;
  CalibrationOptions &calibration = options.calibration;
  if (activationThreshold.getNumOccurrences()) {
    llvm::StringRef spec = activationThreshold;
    if (!spec.consume_front("calibrate:") || spec.empty()) {
      llvm::errs() << "ternc: error: --activation-threshold='"
                   << activationThreshold
                   << "': expected calibrate:FILE (raw f32 samples of the "
                      "model's inputs)\n";
      return 1;
    }
    calibration.thresholdSamples = spec.str();
  }
  calibration.thresholdSparsity = activationThresholdSparsity;
  calibration.thresholdLayers = activationThresholdLayers;
  calibration.integerSamples = calibrate;
  for (const std::string &spec : frozenInputs) {
    auto [inputName, path] = llvm::StringRef(spec).split('=');
    if (inputName.empty() || path.empty()) {
      llvm::errs() << "ternc: error: --freeze-input '" << spec
                   << "' is malformed; write NAME=FILE.pb\n";
      return 1;
    }
    options.import.frozenInputs[inputName.str()] = path.str();
  }
  for (const std::string &spec : inputShapes) {
    llvm::StringRef text(spec);
    auto [inputName, dims] = text.rsplit('=');
    std::vector<int64_t> shape;
    if (dims.empty() || inputName.empty() ||
        !mlir::tern::parseShape(dims, shape)) {
      llvm::errs() << "ternc: error: --input-shape '" << spec
                   << "' is malformed; write NAME=DIMS, e.g. "
                      "--input-shape pixels=1x64\n";
      return 1;
    }
    options.import.inputShapes[inputName.str()] = shape;
  }

  mlir::DialectRegistry registry;
  mlir::tern::registerDialects(registry);
  return compile(options, registry);
}
