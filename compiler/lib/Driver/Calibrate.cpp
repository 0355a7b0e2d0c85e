//===- Calibrate.cpp - Ranges for integer mode, from sample inputs --------===//

#include "Calibrate.h"

#include "tern/Compiler/BuildModelPlan.h"
#include "tern/Compiler/PlanRunner.h"
#include "tern/Conversion/Passes.h"
#include "tern/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace ::tern::driver;
namespace tp = ::tern::plan;
namespace td = ::tern::driver;

LogicalResult td::loadSamples(func::FuncOp func, const std::string &path,
                              Samples &out) {
  out = Samples();
  for (auto [i, t] : llvm::enumerate(func.getArgumentTypes())) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || !tensor.hasStaticShape() || !tensor.getElementType().isF32())
      return func.emitError()
             << "integer mode calibrates f32 inputs of static shape; input "
             << i << " has type " << t;
    out.floatsPerSample += tensor.getNumElements();
  }
  if (out.floatsPerSample == 0)
    return func.emitError() << "the model has no inputs to calibrate";
  if (path.empty()) {
    // A fixed LCG: the same "random" samples on every machine.
    out.synthetic = true;
    out.count = 64;
    out.data.resize(out.count * out.floatsPerSample);
    uint64_t state = 0x2545F4914F6CDD1DULL;
    for (float &v : out.data) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      v = static_cast<float>(static_cast<double>(state >> 40) /
                                 static_cast<double>(1ULL << 24) * 2.0 -
                             1.0);
    }
    return success();
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return func.emitError() << "cannot read the calibration file '" << path
                            << "': " << buffer.getError().message();
  StringRef bytes = (*buffer)->getBuffer();
  int64_t sampleBytes = out.floatsPerSample * 4;
  if (bytes.empty() || bytes.size() % sampleBytes != 0)
    return func.emitError()
           << "the calibration file '" << path << "' has " << bytes.size()
           << " bytes, not a positive multiple of one sample ("
           << out.floatsPerSample << " f32 values = " << sampleBytes
           << " bytes, the model's inputs in order)";
  out.count = static_cast<int64_t>(bytes.size()) / sampleBytes;
  out.data.resize(out.count * out.floatsPerSample);
  std::memcpy(out.data.data(), bytes.data(), bytes.size());
  for (float v : out.data)
    if (!std::isfinite(v))
      return func.emitError() << "the calibration file '" << path
                              << "' holds a value that is not finite";
  return success();
}

LogicalResult td::calibrate(ModuleOp module, func::FuncOp func,
                            const Samples &samples) {
  SmallVector<Value> points = mlir::tern::collectQuantizationRangePoints(func);
  std::vector<double> absmax(points.size(), 0.0);

  // Inputs: straight from the samples.
  int64_t offset = 0;
  std::vector<std::pair<int64_t, int64_t>> inputSpans;
  for (Type t : func.getArgumentTypes()) {
    int64_t n = cast<RankedTensorType>(t).getNumElements();
    inputSpans.push_back({offset, n});
    offset += n;
  }
  for (auto [p, v] : llvm::enumerate(points))
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      auto [start, n] = inputSpans[arg.getArgNumber()];
      for (int64_t s = 0; s < samples.count; ++s)
        for (int64_t j = 0; j < n; ++j)
          absmax[p] = std::max<double>(absmax[p],
                                       std::fabs(samples.sample(s)[start + j]));
    }

  // Everything else: a copy of the model that also returns those values.
  OwningOpRef<ModuleOp> copy = module.clone();
  auto copyFunc = copy->lookupSymbol<func::FuncOp>(func.getSymName());
  SmallVector<Value> copyPoints =
      mlir::tern::collectQuantizationRangePoints(copyFunc);
  auto ret = cast<func::ReturnOp>(copyFunc.getBody().front().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  SmallVector<int> extra; // point index per extra result
  for (auto [p, v] : llvm::enumerate(copyPoints))
    if (!isa<BlockArgument>(v)) {
      results.push_back(v);
      extra.push_back(static_cast<int>(p));
    }
  if (extra.empty()) {
    for (auto [p, v] : llvm::enumerate(points))
      func.setArgAttr(
          cast<BlockArgument>(v).getArgNumber(), "tern.absmax",
          FloatAttr::get(Float64Type::get(func.getContext()), absmax[p]));
    return success();
  }
  unsigned numOriginal = ret.getNumOperands();
  ret->setOperands(results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  copyFunc.setType(FunctionType::get(func.getContext(),
                                     copyFunc.getArgumentTypes(), resultTypes));
  for (Value v : ArrayRef<Value>(results).drop_front(numOriginal))
    if (!cast<RankedTensorType>(v.getType()).getElementType().isF32())
      return v.getDefiningOp()->emitError()
             << "integer mode calibrates f32 tensors; this one is "
             << v.getType();

  PassManager pm(func.getContext());
  mlir::tern::KernelPipelineOptions lowerOptions;
  mlir::tern::buildLowerPipeline(pm, lowerOptions);
  if (failed(pm.run(*copy)))
    return func.emitError() << "calibration: lowering the float model failed";
  FailureOr<tp::ModelPlan> plan =
      mlir::tern::buildModelPlan(copyFunc, "calibration");
  if (failed(plan))
    return failure();
  tp::PlanRunner runner;
  if (::tern::kernel::Status s = runner.prepare(*plan); !s)
    return func.emitError() << "calibration: " << s.message;
  std::vector<std::vector<char>> outputs;
  std::vector<void *> outPtrs;
  for (const tp::Port &port : plan->outputs) {
    outputs.emplace_back(tp::numElements(port.shape) *
                         tp::storageBytes(port.type));
    outPtrs.push_back(outputs.back().data());
  }
  for (int64_t s = 0; s < samples.count; ++s) {
    std::vector<const void *> ins;
    for (auto [start, n] : inputSpans)
      ins.push_back(samples.sample(s) + start);
    if (::tern::kernel::Status st = runner.run(ins, outPtrs); !st)
      return func.emitError() << "calibration run failed: " << st.message;
    for (size_t e = 0; e < extra.size(); ++e) {
      const auto *values =
          reinterpret_cast<const float *>(outputs[numOriginal + e].data());
      int64_t n = tp::numElements(plan->outputs[numOriginal + e].shape);
      double &m = absmax[extra[e]];
      for (int64_t j = 0; j < n; ++j)
        m = std::max<double>(m, std::fabs(values[j]));
    }
  }
  auto f64 = Float64Type::get(func.getContext());
  for (auto [p, v] : llvm::enumerate(points)) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      func.setArgAttr(arg.getArgNumber(), "tern.absmax",
                      FloatAttr::get(f64, absmax[p]));
    else
      v.getDefiningOp()->setAttr("tern.absmax", FloatAttr::get(f64, absmax[p]));
  }
  return success();
}
