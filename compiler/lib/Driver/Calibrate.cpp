//===- Calibrate.cpp - Ranges for integer mode, from sample inputs --------===//

#include "Calibrate.h"

#include "tern/Analysis/Layers.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Pipelines/Pipelines.h"
#include "tern/Plan/BuildModelPlan.h"
#include "tern/Plan/PlanRunner.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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
             << "calibration reads f32 inputs of static shape; input " << i
             << " has type " << t;
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

namespace {

/// Runs the float model `func` (raised, in `module`) over every sample and
/// hands the values each of `points` (values of `func`: its arguments or
/// f32 tensors it computes) takes to `visit(point, values, count)`, sample
/// after sample. `what` names the purpose in errors.
LogicalResult
runOnSamples(ModuleOp module, func::FuncOp func, ArrayRef<Value> points,
             const Samples &samples,
             llvm::function_ref<void(size_t, const float *, int64_t)> visit,
             StringRef what) {
  // Inputs: straight from the samples.
  int64_t offset = 0;
  std::vector<std::pair<int64_t, int64_t>> inputSpans;
  for (Type t : func.getArgumentTypes()) {
    int64_t n = cast<RankedTensorType>(t).getNumElements();
    inputSpans.push_back({offset, n});
    offset += n;
  }
  for (int64_t s = 0; s < samples.count; ++s)
    for (auto [p, v] : llvm::enumerate(points))
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        auto [start, n] = inputSpans[arg.getArgNumber()];
        visit(p, samples.sample(s) + start, n);
      }

  // Everything else: a copy of the model that also returns those values.
  IRMapping mapping;
  OwningOpRef<ModuleOp> copy = cast<ModuleOp>(module->clone(mapping));
  auto copyFunc = copy->lookupSymbol<func::FuncOp>(func.getSymName());
  auto ret = cast<func::ReturnOp>(copyFunc.getBody().front().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  SmallVector<size_t> extra; // point index per extra result
  for (auto [p, v] : llvm::enumerate(points))
    if (!isa<BlockArgument>(v)) {
      auto tensor = dyn_cast<RankedTensorType>(v.getType());
      if (!tensor || !tensor.getElementType().isF32() ||
          !tensor.hasStaticShape())
        return v.getDefiningOp()->emitError()
               << what << " measures f32 tensors of static shape; this one is "
               << v.getType();
      results.push_back(mapping.lookup(v));
      extra.push_back(p);
    }
  if (extra.empty())
    return success();
  unsigned numOriginal = ret.getNumOperands();
  ret->setOperands(results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  copyFunc.setType(FunctionType::get(func.getContext(),
                                     copyFunc.getArgumentTypes(), resultTypes));

  PassManager pm(func.getContext());
  mlir::tern::KernelPipelineOptions lowerOptions;
  mlir::tern::buildLowerPipeline(pm, lowerOptions);
  if (failed(pm.run(*copy)))
    return func.emitError() << what << ": lowering the float model failed";
  FailureOr<tp::ModelPlan> plan =
      mlir::tern::buildModelPlan(copyFunc, "calibration");
  if (failed(plan))
    return failure();
  tp::PlanRunner runner;
  if (::tern::kernel::Status s = runner.prepare(*plan); !s)
    return func.emitError() << what << ": " << s.message;
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
      return func.emitError() << what << ": a run failed: " << st.message;
    for (size_t e = 0; e < extra.size(); ++e)
      visit(extra[e],
            reinterpret_cast<const float *>(outputs[numOriginal + e].data()),
            tp::numElements(plan->outputs[numOriginal + e].shape));
  }
  return success();
}

} // namespace

LogicalResult td::calibrate(ModuleOp module, func::FuncOp func,
                            const Samples &samples) {
  SmallVector<Value> points = mlir::tern::collectQuantizationRangePoints(func);
  std::vector<double> absmax(points.size(), 0.0);
  if (failed(runOnSamples(
          module, func, points, samples,
          [&](size_t p, const float *values, int64_t n) {
            for (int64_t j = 0; j < n; ++j)
              absmax[p] = std::max<double>(absmax[p], std::fabs(values[j]));
          },
          "integer-mode calibration")))
    return failure();
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

LogicalResult td::calibrateActivationThresholds(ModuleOp module,
                                                func::FuncOp func,
                                                const Samples &samples,
                                                double sparsity,
                                                StringRef layers) {
  // The layers: matmuls whose input is an f32 tensor of static shape.
  SmallVector<Operation *> found;
  func.walk([&](Operation *op) {
    if (!isa<linalg::MatmulOp, mlir::tern::TernaryMatmulOp>(op))
      return;
    auto x = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (x && x.getElementType().isF32() && x.hasStaticShape())
      found.push_back(op);
  });
  FailureOr<std::vector<bool>> selected =
      mlir::tern::selectLayers(found, layers, mlir::tern::DefaultLayers::All,
                               func, "--activation-threshold-layers");
  if (failed(selected))
    return failure();
  SmallVector<Operation *> chosen;
  SmallVector<Value> points;
  for (auto [i, op] : llvm::enumerate(found))
    if ((*selected)[i]) {
      chosen.push_back(op);
      points.push_back(op->getOperand(0));
    }
  if (chosen.empty())
    return func.emitError() << "--activation-threshold: the model has no "
                               "matmul layer with an f32 input of static "
                               "shape to threshold";

  // |x| per layer, every value up to kMaxValues, else an even subsample.
  constexpr int64_t kMaxValues = int64_t(1) << 22;
  std::vector<std::vector<float>> magnitudes(points.size());
  std::vector<int64_t> stride(points.size()), seen(points.size(), 0);
  for (auto [p, v] : llvm::enumerate(points)) {
    int64_t total =
        cast<RankedTensorType>(v.getType()).getNumElements() * samples.count;
    stride[p] = std::max<int64_t>(1, (total + kMaxValues - 1) / kMaxValues);
    magnitudes[p].reserve(std::min(total, kMaxValues));
  }
  if (failed(runOnSamples(
          module, func, points, samples,
          [&](size_t p, const float *values, int64_t n) {
            for (int64_t j = 0; j < n; ++j, ++seen[p])
              if (seen[p] % stride[p] == 0)
                magnitudes[p].push_back(std::fabs(values[j]));
          },
          "--activation-threshold calibration")))
    return failure();

  auto f64 = Float64Type::get(func.getContext());
  for (auto [p, op] : llvm::enumerate(chosen)) {
    std::vector<float> &m = magnitudes[p];
    // The smallest t with at least `sparsity` of the values <= t.
    float t = 0;
    int64_t keep = static_cast<int64_t>(std::ceil(sparsity * m.size()));
    if (keep > 0) {
      std::nth_element(m.begin(), m.begin() + (keep - 1), m.end());
      t = m[keep - 1];
    }
    int64_t zerosBefore = 0, zerosAfter = 0;
    for (float v : m) {
      zerosBefore += v == 0.0f;
      zerosAfter += !(v > t); // NaN stays
    }
    op->setAttr("tern.activation_threshold", FloatAttr::get(f64, t));
    auto pct = [&](int64_t c) {
      char text[16];
      std::snprintf(text, sizeof(text), "%.1f%%",
                    m.empty() ? 0.0 : 100.0 * c / m.size());
      return std::string(text);
    };
    char text[32];
    std::snprintf(text, sizeof(text), "%.9g", t);
    emitRemark(op->getLoc())
        << "--activation-threshold: layer '"
        << mlir::tern::layerName(op->getLoc())
        << "' zeros inputs with |x| <= " << text << ": " << pct(zerosAfter)
        << " of its inputs on " << samples.count << " calibration samples ("
        << pct(zerosBefore) << " were zero already)";
  }
  return success();
}
