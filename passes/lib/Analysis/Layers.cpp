//===- Layers.cpp - Matmul layers with constant weights -------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tern;

std::string mlir::tern::layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    StringRef s = name.getName().getValue();
    size_t open = s.find("node '");
    if (open != StringRef::npos) {
      StringRef rest = s.drop_front(open + 6);
      size_t close = rest.find('\'');
      if (close != StringRef::npos)
        return rest.take_front(close).str();
    }
    return s.str();
  }
  // MLIR input: "model.mlir:12:7", as a diagnostic names the place.
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (llvm::sys::path::filename(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()) + ":" + Twine(file.getColumn()))
        .str();
  // A kernel fused from several ops belongs to the first one's layer.
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return layerName(fused.getLocations().front());
  std::string out;
  llvm::raw_string_ostream os(out);
  loc.print(os);
  return out;
}

std::string mlir::tern::layerOpType(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    return fused.getLocations().empty()
               ? std::string()
               : layerOpType(fused.getLocations().front());
  auto name = dyn_cast<NameLoc>(loc);
  if (!name)
    return {};
  StringRef s = name.getName().getValue();
  if (!s.contains(": node ") || !s.ends_with(")"))
    return {};
  size_t open = s.rfind(" (");
  if (open == StringRef::npos)
    return {};
  return s.slice(open + 2, s.size() - 1).str();
}

bool mlir::tern::layerMatches(StringRef name, StringRef wanted) {
  if (name == wanted)
    return true;
  // PyTorch's ONNX node names are '/'-separated, checkpoint tensor names
  // '.'-separated ("model.layers.0.mlp.up_proj": `mlp` selects it).
  SmallVector<StringRef> parts;
  for (StringRef part : llvm::split(name, '/'))
    part.split(parts, '.');
  return llvm::is_contained(parts, wanted);
}

FailureOr<std::vector<bool>>
mlir::tern::selectLayers(ArrayRef<Operation *> layers, StringRef spec,
                         DefaultLayers byDefault, Operation *scope,
                         StringRef pass) {
  SmallVector<StringRef> wanted;
  spec.split(wanted, ',', -1, false);
  for (StringRef &w : wanted)
    w = w.trim();
  // A blank entry (`fc1, ,fc2`) names nothing; it must not match the empty
  // first part of names that start with '/'.
  llvm::erase_if(wanted, [](StringRef w) { return w.empty(); });
  bool all = wanted.size() == 1 && wanted[0] == "all";
  std::vector<bool> selected(layers.size(), false);
  llvm::StringSet<> seen;
  for (auto [i, op] : llvm::enumerate(layers)) {
    std::string name = layerName(op->getLoc());
    bool hit = false;
    for (StringRef w : wanted)
      if (layerMatches(name, w)) {
        seen.insert(w);
        hit = true;
      }
    if (all)
      selected[i] = true;
    else if (wanted.empty())
      selected[i] =
          byDefault == DefaultLayers::All || (i != 0 && i + 1 != layers.size());
    else
      selected[i] = hit;
  }
  if (!all)
    for (StringRef w : wanted)
      if (!seen.contains(w)) {
        std::string names;
        for (Operation *op : layers)
          names += (names.empty() ? "" : ", ") + layerName(op->getLoc());
        scope->emitError() << pass << ": no layer named '" << w
                           << "' (layers with constant weights: "
                           << (names.empty() ? "none" : names) << ")";
        return failure();
      }
  return selected;
}

static bool hasMaps(linalg::MatmulOp op, ArrayRef<AffineMap> expected) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return maps == SmallVector<AffineMap>(expected.begin(), expected.end());
}

FailureOr<WeightSource> mlir::tern::findWeights(linalg::MatmulOp op,
                                                std::string &why) {
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto map = [&](ArrayRef<AffineExpr> results) {
    return AffineMap::get(3, 0, results, ctx);
  };
  AffineMap a = map({m, k}), c = map({m, n});
  Value b = op.getDpsInputOperand(1)->get();
  if (hasMaps(op, {a, map({n, k}), c}))
    return WeightSource{b, /*transposed=*/true};
  if (!hasMaps(op, {a, map({k, n}), c})) {
    why = "indexing maps are neither the default nor the transposed-B form";
    return failure();
  }
  // A transpose of an N x K constant is the fully connected form too.
  if (auto transpose = b.getDefiningOp<linalg::TransposeOp>()) {
    if (transpose.getPermutation() == ArrayRef<int64_t>{1, 0} &&
        getConstantElements(transpose.getInput()))
      return WeightSource{transpose.getInput(), /*transposed=*/true};
  }
  return WeightSource{b, /*transposed=*/false};
}

FailureOr<WeightMatrix> mlir::tern::readWeights(const WeightSource &source,
                                                std::string &why) {
  ElementsAttr attr = getConstantElements(source.constant);
  if (!attr) {
    why = "the weight operand is not a constant of static shape";
    return failure();
  }
  auto type = cast<ShapedType>(attr.getType());
  if (type.getRank() != 2) {
    why = "the weight constant is not a matrix";
    return failure();
  }
  if (exceedsTensorLimit(type)) {
    why = "the weight constant is 2 GiB or more, over Tern's tensor limit";
    return failure();
  }
  std::optional<SmallVector<double>> values = getConstantFloats(attr);
  if (!values) {
    why = "the weight constant cannot be read as floating-point values";
    return failure();
  }
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  WeightMatrix w;
  w.n = source.transposed ? rows : cols;
  w.k = source.transposed ? cols : rows;
  w.values.resize(w.n * w.k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float v = static_cast<float>((*values)[r * cols + c]);
      if (source.transposed)
        w.values[r * w.k + c] = v;
      else
        w.values[c * w.k + r] = v;
    }
  return w;
}

void mlir::tern::replaceWeights(RewriterBase &rewriter, linalg::MatmulOp op,
                                const WeightSource &source,
                                const WeightMatrix &w) {
  auto type = cast<RankedTensorType>(source.constant.getType());
  auto elementType = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> out;
  out.reserve(w.values.size());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float v =
          source.transposed ? w.values[r * w.k + c] : w.values[c * w.k + r];
      APFloat a(v);
      bool lost = false;
      a.convert(elementType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      out.push_back(a);
    }
  Operation *def = source.constant.getDefiningOp();
  rewriter.setInsertionPoint(def);
  Value replacement = arith::ConstantOp::create(
      rewriter, def->getLoc(), type, DenseElementsAttr::get(type, out));
  // Only this layer's use changes: another layer may share the constant.
  Operation *user = op;
  Value weightOperand = op.getDpsInputOperand(1)->get();
  if (weightOperand != source.constant)
    user = weightOperand.getDefiningOp(); // the linalg.transpose
  rewriter.modifyOpInPlace(
      user, [&] { user->replaceUsesOfWith(source.constant, replacement); });
  if (def->use_empty())
    rewriter.eraseOp(def);
}

bool mlir::tern::isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  FloatAttr value;
  return matchPattern(fill.value(), m_Constant(&value)) &&
         value.getValue().isZero();
}

Value mlir::tern::zeroFilledResult(OpBuilder &b, Location loc,
                                   RankedTensorType type, Value rows) {
  SmallVector<Value> dynamicSizes;
  if (type.isDynamicDim(0))
    dynamicSizes.push_back(tensor::DimOp::create(b, loc, rows, 0));
  Type element = type.getElementType();
  Value empty =
      tensor::EmptyOp::create(b, loc, type.getShape(), element, dynamicSizes);
  Value zero =
      arith::ConstantOp::create(b, loc, element, b.getZeroAttr(element));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

void mlir::tern::recordLayerWeights(Value result, const WeightsInfo &info) {
  // Of the reductions within reach, the largest iteration space is the
  // accumulation over the weights (others sum activations, find maxima).
  linalg::GenericOp best;
  int64_t bestPoints = -1;
  SmallVector<Value> frontier{result};
  llvm::SmallPtrSet<Operation *, 16> seen;
  for (int depth = 0; depth < 8 && !frontier.empty(); ++depth) {
    SmallVector<Value> next;
    for (Value v : frontier) {
      Operation *def = v.getDefiningOp();
      if (!def || !seen.insert(def).second)
        continue;
      if (auto g = dyn_cast<linalg::GenericOp>(def);
          g && g.getNumReductionLoops() > 0) {
        int64_t points = 1;
        for (int64_t r : g.getStaticLoopRanges())
          points *= ShapedType::isDynamic(r) ? 1 : r;
        if (points > bestPoints) {
          best = g;
          bestPoints = points;
        }
      }
      llvm::append_range(next, def->getOperands());
      // Tensors a kernel's body reads with tensor.extract.
      llvm::SetVector<Value> captured;
      for (Region &region : def->getRegions())
        getUsedValuesDefinedAbove(region, captured);
      llvm::append_range(next, captured);
    }
    frontier = std::move(next);
  }
  if (best)
    setWeightsInfo(best, info);
}
