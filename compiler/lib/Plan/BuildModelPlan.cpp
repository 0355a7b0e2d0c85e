//===- BuildModelPlan.cpp - Kernel-form function to a ModelPlan -*- C++ -*-===//
//
// See BuildModelPlan.h. Planning happens in two passes: the first walks the
// function and records steps whose arena tensors carry virtual buffer ids;
// the second computes each buffer's live range in steps and places buffers
// first-fit so that buffers alive at the same time never overlap.
//
//===----------------------------------------------------------------------===//

#include "tern/Plan/BuildModelPlan.h"
#include "tern/Analysis/Layers.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Target/Halide/LinalgToKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <climits>

using namespace mlir;
using namespace mlir::tern;
namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

static constexpr int64_t kAlignment = 64;

static int64_t alignUp(int64_t x) {
  return (x + kAlignment - 1) / kAlignment * kAlignment;
}

FailureOr<func::FuncOp> mlir::tern::findEntryFunction(ModuleOp module,
                                                      StringRef entry) {
  SmallVector<func::FuncOp> candidates;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    if (!entry.empty() ? f.getSymName() == entry : f.isPublic())
      candidates.push_back(f);
  }
  if (candidates.size() == 1)
    return candidates.front();
  if (candidates.empty()) {
    if (!entry.empty())
      return module.emitError()
             << "no function named '" << entry << "' with a body in the module";
    return module.emitError()
           << "the module has no public function with a body to compile";
  }
  InFlightDiagnostic diag = module.emitError()
                            << "the module has " << candidates.size()
                            << " public functions; name the one to compile "
                               "with --entry=NAME";
  for (func::FuncOp f : candidates)
    diag.attachNote(f.getLoc()) << "candidate '" << f.getSymName() << "'";
  return failure();
}

static std::string locationString(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  else if (auto name = dyn_cast<NameLoc>(loc))
    os << name.getName().getValue();
  else if (auto fused = dyn_cast<FusedLoc>(loc))
    // A kernel fused from several ops: name them all.
    llvm::interleave(
        fused.getLocations(), os,
        [&](Location part) { os << locationString(part); }, " + ");
  else
    loc.print(os);
  return s;
}

/// True if every use of `op`'s results is as the init (`outs`) of a
/// linalg.generic: a fill used that way is folded into those kernels.
namespace {

class PlanBuilder {
public:
  PlanBuilder(func::FuncOp func, StringRef name, const PlanOptions &options)
      : func(func), options(options) {
    plan.name = name.str();
    plan.gpu = options.gpu;
    if (auto file = dyn_cast<FileLineColLoc>(func.getLoc()))
      plan.source = file.getFilename().getValue().str();
    else if (auto name = dyn_cast<NameLoc>(func.getLoc()))
      plan.source = name.getName().getValue().str(); // an ONNX model
  }

  FailureOr<tp::ModelPlan> build();

private:
  FailureOr<tp::View> viewOf(Value v, Operation *user);
  FailureOr<tp::Port> portFor(Type type, DictionaryAttr attrs, StringRef kind,
                              unsigned index, Location loc);
  LogicalResult planGeneric(linalg::GenericOp op);
  LogicalResult checkSize(RankedTensorType type, Operation *at);
  tp::View newArenaView(RankedTensorType type);
  void noteUse(const tp::View &view);
  void assignArenaOffsets();

  func::FuncOp func;
  PlanOptions options;
  tp::ModelPlan plan;
  llvm::DenseMap<Value, tp::View> views;
  llvm::StringMap<int> kernelByText;
  /// Per virtual arena buffer: bytes, first and last step using it.
  struct Buffer {
    int64_t bytes;
    int64_t first, last;
  };
  std::vector<Buffer> buffers;
  /// Results that the return writes straight into the caller's outputs.
  llvm::DenseMap<Value, int> directOutputs;
};

} // namespace

LogicalResult PlanBuilder::checkSize(RankedTensorType type, Operation *at) {
  if (!type.hasStaticShape())
    return at->emitError() << "tensor type " << type
                           << " has a dynamic shape; ternc needs static "
                              "shapes";
  if (type.getNumElements() > INT32_MAX)
    return at->emitError() << "tensor type " << type << " has "
                           << type.getNumElements()
                           << " elements; the Halide backend is limited to "
                              "2^31 - 1 elements per tensor";
  return success();
}

tp::View PlanBuilder::newArenaView(RankedTensorType type) {
  tp::View view;
  view.type = *toScalarType(type.getElementType());
  view.shape.assign(type.getShape().begin(), type.getShape().end());
  view.storage.kind = tp::Storage::Arena;
  view.storage.index = static_cast<int>(buffers.size());
  int64_t step = static_cast<int64_t>(plan.steps.size());
  buffers.push_back({std::max<int64_t>(1, tp::numElements(view.shape) *
                                              tp::storageBytes(view.type)),
                     step, step});
  return view;
}

void PlanBuilder::noteUse(const tp::View &view) {
  if (view.storage.kind != tp::Storage::Arena)
    return;
  Buffer &b = buffers[view.storage.index];
  b.last = std::max<int64_t>(b.last, plan.steps.size());
}

FailureOr<tp::View> PlanBuilder::viewOf(Value v, Operation *user) {
  auto it = views.find(v);
  if (it != views.end())
    return it->second;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type)
    return user->emitError()
           << "operand of type " << v.getType() << " is not a ranked tensor";
  if (failed(checkSize(type, user)))
    return failure();
  std::optional<tk::ScalarType> scalar = toScalarType(type.getElementType());
  if (!scalar)
    return user->emitError()
           << "element type " << type.getElementType() << " is not supported";

  Operation *def = v.getDefiningOp();
  if (ElementsAttr attr = getConstantElements(v)) {
    std::optional<std::vector<char>> bytes = getConstantBytes(attr);
    if (!bytes)
      return def->emitError() << "cannot read the bytes of this constant";
    tp::View view;
    view.type = *scalar;
    view.shape.assign(type.getShape().begin(), type.getShape().end());
    view.storage.kind = tp::Storage::Weight;
    view.storage.offset = alignUp(plan.weights.size());
    plan.weights.resize(view.storage.offset);
    plan.weights.insert(plan.weights.end(), bytes->begin(), bytes->end());
    views[v] = view;
    return view;
  }
  if (def && isa<tensor::EmptyOp>(def)) {
    // Read before written: give it memory; its contents are unspecified, as
    // tensor.empty says.
    tp::View view = newArenaView(type);
    views[v] = view;
    return view;
  }
  if (def && isFillLike(v))
    return def->emitError()
           << "this fill is used as a data input; only uses as the init of "
              "a linalg.generic are supported (run linalg-generalize-named-"
              "ops so it becomes a kernel)";
  return (def ? def : user)->emitError()
         << "value has no storage: its producer was not planned";
}

FailureOr<tp::Port> PlanBuilder::portFor(Type type, DictionaryAttr attrs,
                                         StringRef kind, unsigned index,
                                         Location loc) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return emitError(loc) << kind << " " << index << " has type " << type
                          << "; model inputs and outputs must be tensors of "
                             "static shape";
  if (tensor.getRank() > 8)
    return emitError(loc) << kind << " " << index << " has rank "
                          << tensor.getRank() << "; at most 8 is supported";
  // The runtime's dtypes: f32, f64, i1 (bool), i8..i64, ui8.
  Type element = tensor.getElementType();
  bool supported =
      element.isF32() || element.isF64() || element.isSignlessInteger(1) ||
      element.isSignlessInteger(8) || element.isSignlessInteger(16) ||
      element.isSignlessInteger(32) || element.isSignlessInteger(64) ||
      element.isUnsignedInteger(8);
  std::optional<tk::ScalarType> scalar = toScalarType(element);
  if (!scalar || !supported)
    return emitError(loc)
           << kind << " " << index << " has element type "
           << tensor.getElementType()
           << "; supported: f32, f64, i1, i8, i16, i32, i64, ui8";
  tp::Port port;
  port.name = (kind + Twine(index)).str();
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("tern.name"))
      port.name = name.getValue().str();
  if (attrs)
    if (auto scale = attrs.getAs<FloatAttr>("tern.scale"))
      port.scale = scale.getValueAsDouble();
  port.type = *scalar;
  port.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return port;
}

LogicalResult PlanBuilder::planGeneric(linalg::GenericOp op) {
  bool empty = true;
  for (Value r : op->getResults()) {
    auto type = cast<RankedTensorType>(r.getType());
    if (failed(checkSize(type, op)))
      return failure();
    empty &= type.getNumElements() == 0;
  }
  // Results without elements (a slice past the end, a zero-size split)
  // need no kernel: they get a view and nothing writes it.
  if (empty) {
    for (Value out : op->getResults()) {
      auto type = cast<RankedTensorType>(out.getType());
      auto direct = directOutputs.find(out);
      tp::View view;
      if (direct != directOutputs.end()) {
        view.type = *toScalarType(type.getElementType());
        view.shape.assign(type.getShape().begin(), type.getShape().end());
        view.storage.kind = tp::Storage::Output;
        view.storage.index = direct->second;
      } else {
        view = newArenaView(type);
      }
      views[out] = view;
    }
    return success();
  }
  FailureOr<KernelBuild> build = buildKernel(op, "kernel");
  if (failed(build))
    return failure();
  // tern-select-schedule placed it; on a GPU target, a CPU kernel is a
  // fallback (the pass said why, in a remark at the op).
  std::string fallbackReason;
  if (options.gpu && build->kernel.schedule.device == tk::Schedule::CPU)
    fallbackReason = "the GPU cannot run it (see tern-select-schedule's "
                     "remark)";

  std::string text = tk::toString(build->kernel, /*includeName=*/false);
  int index;
  auto it = kernelByText.find(text);
  if (it != kernelByText.end()) {
    index = it->second;
  } else {
    index = static_cast<int>(plan.kernels.size());
    build->kernel.name = plan.name + "_k" + std::to_string(index);
    plan.kernels.push_back(build->kernel);
    kernelByText[text] = index;
    if (!fallbackReason.empty())
      plan.cpuFallbacks.push_back(
          {build->kernel.name, locationString(op.getLoc()), fallbackReason});
  }

  tp::Step step;
  step.kind = tp::Step::Call;
  step.kernel = index;
  step.location = locationString(op.getLoc());
  step.layer = layerName(op.getLoc());
  step.opType = layerOpType(op.getLoc());
  if (std::optional<WeightsInfo> w = getWeightsInfo(op)) {
    step.weightFormat = w->format;
    step.weightNonzeros = w->nonzeros;
    step.weightElements = w->elements;
  }
  for (Value in : build->inputs) {
    FailureOr<tp::View> view = viewOf(in, op);
    if (failed(view))
      return failure();
    noteUse(*view);
    step.args.push_back(*view);
  }
  for (Value out : build->outputs) {
    tp::View view;
    auto direct = directOutputs.find(out);
    if (direct != directOutputs.end()) {
      view.type =
          *toScalarType(cast<RankedTensorType>(out.getType()).getElementType());
      auto shape = cast<RankedTensorType>(out.getType()).getShape();
      view.shape.assign(shape.begin(), shape.end());
      view.storage.kind = tp::Storage::Output;
      view.storage.index = direct->second;
    } else {
      view = newArenaView(cast<RankedTensorType>(out.getType()));
    }
    views[out] = view;
    step.args.push_back(view);
  }
  plan.steps.push_back(std::move(step));
  ++plan.numKernelCalls;
  return success();
}

void PlanBuilder::assignArenaOffsets() {
  // First-fit by start step: place each buffer at the lowest offset that
  // does not overlap a placed buffer whose live range intersects its own.
  std::vector<int64_t> offsets(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].bytes > buffers[b].bytes;
  });
  std::vector<size_t> placed;
  for (size_t i : order) {
    const Buffer &b = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed) {
      const Buffer &o = buffers[j];
      if (o.first <= b.last && b.first <= o.last)
        busy.push_back({offsets[j], offsets[j] + alignUp(o.bytes)});
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [start, end] : busy) {
      if (offset + alignUp(b.bytes) <= start)
        break;
      offset = std::max(offset, end);
    }
    offsets[i] = offset;
    placed.push_back(i);
    plan.arenaBytes = std::max(plan.arenaBytes, offset + alignUp(b.bytes));
  }
  for (tp::Step &step : plan.steps)
    for (tp::View &view : step.args)
      if (view.storage.kind == tp::Storage::Arena)
        view.storage.offset = offsets[view.storage.index];
}

FailureOr<tp::ModelPlan> PlanBuilder::build() {
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "the model function must have one block";

  FunctionType type = func.getFunctionType();
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    FailureOr<tp::Port> port =
        portFor(t, func.getArgAttrDict(i), "input", i, func.getLoc());
    if (failed(port))
      return failure();
    plan.inputs.push_back(*port);
    tp::View view;
    view.type = port->type;
    view.shape = port->shape;
    view.storage.kind = tp::Storage::Input;
    view.storage.index = static_cast<int>(i);
    views[func.getArgument(i)] = view;
  }
  for (auto [i, t] : llvm::enumerate(type.getResults())) {
    FailureOr<tp::Port> port =
        portFor(t, func.getResultAttrDict(i), "output", i, func.getLoc());
    if (failed(port))
      return failure();
    plan.outputs.push_back(*port);
  }
  // A generic whose result is returned writes straight into the caller's
  // output (the first time it is returned).
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(ret.getOperands()))
    if (v.getDefiningOp<linalg::GenericOp>() && !directOutputs.count(v) &&
        !isFillLike(v))
      directOutputs[v] = static_cast<int>(i);

  for (Operation &op : func.getBody().front()) {
    if (isa<func::ReturnOp>(op))
      break;
    if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
      (void)cst; // tensors enter the weight blob when first used
      continue;
    }
    if (isa<tensor::EmptyOp>(op))
      continue;
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      // A fill whose every use is as a generic's init is folded into those
      // kernels' initial values and needs no step.
      if (isFoldedFill(generic))
        continue;
      if (failed(planGeneric(generic)))
        return failure();
      continue;
    }
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      if (isFoldedFill(fill))
        continue;
      return op.emitError() << "linalg.fill is only supported as the init "
                               "of a linalg.generic; run "
                               "linalg-generalize-named-ops first";
    }
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op)) {
      // Row-major reshapes keep the bytes: the result is a view of the
      // source with another shape.
      FailureOr<tp::View> source = viewOf(op.getOperand(0), &op);
      if (failed(source))
        return failure();
      auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
      if (failed(checkSize(resultType, &op)))
        return failure();
      tp::View view = *source;
      view.shape.assign(resultType.getShape().begin(),
                        resultType.getShape().end());
      views[op.getResult(0)] = view;
      continue;
    }
    if (isa<linalg::LinalgOp>(op))
      return op.emitError()
             << "'" << op.getName()
             << "' must be generalized before code generation (run "
                "linalg-generalize-named-ops, as ternc's pipeline does)";
    return op.emitError()
           << "'" << op.getName()
           << "' is not supported in a model function by the Halide "
              "emitter; supported: linalg.generic, linalg ops that "
              "generalize to it, arith.constant, tensor.empty, "
              "tensor.collapse_shape, tensor.expand_shape";
  }

  // Results not written in place are copied into the caller's outputs.
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto direct = directOutputs.find(v);
    if (direct != directOutputs.end() && direct->second == static_cast<int>(i))
      continue;
    FailureOr<tp::View> source = viewOf(v, ret);
    if (failed(source))
      return failure();
    noteUse(*source);
    tp::View dest;
    dest.type = plan.outputs[i].type;
    dest.shape = plan.outputs[i].shape;
    dest.storage.kind = tp::Storage::Output;
    dest.storage.index = static_cast<int>(i);
    tp::Step copy;
    copy.kind = tp::Step::Copy;
    copy.args = {*source, dest};
    copy.location = locationString(ret.getLoc());
    copy.layer = layerName(ret.getLoc());
    plan.steps.push_back(std::move(copy));
  }

  assignArenaOffsets();
  return std::move(plan);
}

FailureOr<tp::ModelPlan>
mlir::tern::buildModelPlan(func::FuncOp func, StringRef name,
                           const PlanOptions &options) {
  PlanBuilder builder(func, name, options);
  return builder.build();
}
