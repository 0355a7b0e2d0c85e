//===- ConvOps.cpp - Conv and ConvTranspose -------------------------------===//
//
// Conv with constant weights and one group is lowered as im2col: a
// generic gathers the input windows into a (N * outputs) x (C * window)
// matrix (through an affine indexing map, after an explicit zero padding
// if the node pads), then one linalg.matmul with the weights reshaped and
// transposed on the host to (C * window) x M. That matmul is the form
// tern-raise knows, so ternary convolution kernels are found like ternary
// linear layers. Grouped and depthwise convolutions, and weights computed
// at run time, are one reduction generic. ConvTranspose gathers, for each
// output, the inputs whose windows cover it.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"
#include "Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

/// Zero-pads the spatial axes of `x` (N, C, S...) by the window's pads and
/// clears them from the window.
Value padSpatial(NodeImporter &n, Value x, Window &w) {
  bool any = false;
  for (size_t d = 0; d < w.rank(); ++d)
    any |= w.padBegin[d] != 0 || w.padEnd[d] != 0;
  if (!any)
    return x;
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(t.getShape());
  for (size_t d = 0; d < w.rank(); ++d)
    shape[d + 2] += w.padBegin[d] + w.padEnd[d];
  Type elem = t.getElementType();
  SmallVector<int64_t> padBegin = w.padBegin;
  Value r = parallelGeneric(
      n.b, n.loc, shape, elem, {}, {},
      [&](OpBuilder &b, Location l, ValueRange) {
        SmallVector<Value> at = {loopIndex(b, l, 0), loopIndex(b, l, 1)};
        Value inside;
        for (size_t d = 0; d < padBegin.size(); ++d) {
          int64_t size = t.getDimSize(d + 2);
          Value i = arith::SubIOp::create(b, l, loopIndex(b, l, d + 2),
                                          indexConstant(b, l, padBegin[d]));
          Value ok = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i,
                                    indexConstant(b, l, 0)),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i,
                                    indexConstant(b, l, size)));
          inside = inside ? Value(arith::AndIOp::create(b, l, inside, ok)) : ok;
          at.push_back(clampIndex(b, l, i, 0, size - 1));
        }
        Value v = tensor::ExtractOp::create(b, l, x, at);
        return select(b, l, inside, v, scalarConstant(b, l, elem, 0));
      });
  for (size_t d = 0; d < w.rank(); ++d) {
    w.input[d] = shape[d + 2];
    w.padBegin[d] = w.padEnd[d] = 0;
  }
  return r;
}

/// out = y + bias[m] over (n, m, spatial...), or y if there is no bias.
FailureOr<Value> addBias(NodeImporter &n, Value y, int biasInput) {
  if (!n.hasInput(biasInput))
    return y;
  FailureOr<Value> bias = n.input(biasInput);
  if (failed(bias))
    return failure();
  auto t = cast<RankedTensorType>(y.getType());
  RankedTensorType bt = n.type(biasInput);
  if (bt.getRank() != 1 || bt.getDimSize(0) != t.getDimSize(1)) {
    n.error() << "bias must have shape [" << t.getDimSize(1) << "], got " << bt;
    return failure();
  }
  MLIRContext *ctx = n.ctx;
  int64_t rank = t.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap ch = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  return parallelGeneric(n.b, n.loc, t.getShape(), t.getElementType(),
                         {y, *bias}, {id, ch},
                         [](OpBuilder &b, Location l, ValueRange a) {
                           return add(b, l, a[0], a[1]);
                         });
}

/// im2col + linalg.matmul for one group with constant weights.
Value convIm2col(NodeImporter &n, Value x, DenseElementsAttr weights,
                 const Window &w) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(weights.getType());
  MLIRContext *ctx = n.ctx;
  Type elem = xt.getElementType();
  int64_t r = w.rank(), batch = xt.getDimSize(0), c = xt.getDimSize(1),
          m = wt.getDimSize(0);
  int64_t outs = numElements(w.output), win = numElements(w.kernel);
  // cols[n, o..., c, k...] = x[n, c, o * s + k * d]
  SmallVector<int64_t> colShape = {batch};
  colShape.append(w.output.begin(), w.output.end());
  colShape.push_back(c);
  colShape.append(w.kernel.begin(), w.kernel.end());
  SmallVector<AffineExpr> e = {getAffineDimExpr(0, ctx),
                               getAffineDimExpr(r + 1, ctx)};
  for (int64_t d = 0; d < r; ++d)
    e.push_back(getAffineDimExpr(1 + d, ctx) * w.strides[d] +
                getAffineDimExpr(r + 2 + d, ctx) * w.dilations[d]);
  AffineMap xmap = AffineMap::get(colShape.size(), 0, e, ctx);
  Value cols =
      parallelGeneric(n.b, n.loc, colShape, elem, x, xmap,
                      [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  cols = reshape(n.b, n.loc, cols, {batch * outs, c * win});
  DenseElementsAttr wkm = transposeAttr(
      weights.reshape(RankedTensorType::get({m, c * win}, elem)), {1, 0});
  Value wv = constantTensor(n.b, n.loc, wkm);
  Value empty = emptyTensor(n.b, n.loc, {batch * outs, m}, elem);
  Value zero = scalarConstant(n.b, n.loc, elem, 0);
  Value init =
      linalg::FillOp::create(n.b, n.loc, ValueRange{zero}, ValueRange{empty})
          .getResult(0);
  Value y = linalg::MatmulOp::create(n.b, n.loc, TypeRange{init.getType()},
                                     ValueRange{cols, wv}, ValueRange{init})
                .getResult(0);
  // [N * O, M] -> [N, O..., M] -> [N, M, O...]
  SmallVector<int64_t> nom = {batch};
  nom.append(w.output.begin(), w.output.end());
  nom.push_back(m);
  y = reshape(n.b, n.loc, y, nom);
  SmallVector<int64_t> perm = {0, r + 1};
  for (int64_t d = 0; d < r; ++d)
    perm.push_back(1 + d);
  return transpose(n.b, n.loc, y, perm);
}

/// One reduction generic: grouped, depthwise or run-time weights.
Value convDirect(NodeImporter &n, Value x, Value weights, const Window &w,
                 int64_t group) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(weights.getType());
  MLIRContext *ctx = n.ctx;
  int64_t r = w.rank(), m = wt.getDimSize(0), cg = wt.getDimSize(1);
  int64_t mg = m / group;
  // Loops: n, m, o..., c', k...
  SmallVector<int64_t> loops = {xt.getDimSize(0), m};
  loops.append(w.output.begin(), w.output.end());
  loops.push_back(cg);
  loops.append(w.kernel.begin(), w.kernel.end());
  SmallVector<bool> reduced(loops.size(), false);
  for (size_t i = 2 + r; i < loops.size(); ++i)
    reduced[i] = true;
  AffineExpr mDim = getAffineDimExpr(1, ctx),
             cDim = getAffineDimExpr(2 + r, ctx);
  SmallVector<AffineExpr> xe = {getAffineDimExpr(0, ctx),
                                mDim.floorDiv(mg) * cg + cDim};
  SmallVector<AffineExpr> we = {mDim, cDim};
  for (int64_t d = 0; d < r; ++d) {
    AffineExpr k = getAffineDimExpr(3 + r + d, ctx);
    xe.push_back(getAffineDimExpr(2 + d, ctx) * w.strides[d] +
                 k * w.dilations[d]);
    we.push_back(k);
  }
  Type elem = xt.getElementType();
  return reductionGeneric(n.b, n.loc, loops, reduced, elem,
                          FloatAttr::get(elem, 0.0), {x, weights},
                          {AffineMap::get(loops.size(), 0, xe, ctx),
                           AffineMap::get(loops.size(), 0, we, ctx)},
                          [](OpBuilder &b, Location l, ValueRange a) {
                            return add(b, l, a[2], mul(b, l, a[0], a[1]));
                          });
}

/// Checks X (N, C, S...) and W (M, C / group, K...).
LogicalResult checkConvShapes(NodeImporter &n, RankedTensorType xt,
                              RankedTensorType wt, int64_t group,
                              bool transposed) {
  if (!isa<FloatType>(xt.getElementType()) ||
      xt.getElementType() != wt.getElementType())
    return n.unsupported(n.node.op_type() + " on " +
                         std::string(isa<FloatType>(xt.getElementType())
                                         ? "mixed element types"
                                         : "integer tensors"));
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank()) {
    n.error() << "X must be (N, C, spatial...) and W of the same rank; got "
              << xt << " and " << wt;
    return failure();
  }
  int64_t c = xt.getDimSize(1);
  bool ok = group >= 1 && c % group == 0 &&
            (transposed ? wt.getDimSize(0) == c
                        : wt.getDimSize(1) * group == c &&
                              wt.getDimSize(0) % group == 0);
  if (!ok) {
    n.error() << "input channels " << c << ", group " << group
              << " and weights " << wt << " do not agree";
    return failure();
  }
  return success();
}

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(0), wt = n.type(1);
  if (!wt)
    return n.input(1);
  int64_t group = n.intAttr("group", 1);
  if (failed(checkConvShapes(n, xt, wt, group, false)))
    return failure();
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (std::optional<SmallVector<int64_t>> ks = n.intsAttr("kernel_shape");
      ks && *ks != kernel) {
    n.error() << "kernel_shape does not match the weights " << wt;
    return failure();
  }
  FailureOr<Window> w =
      readWindow(n, xt.getShape().drop_front(2), kernel, false);
  if (failed(w))
    return failure();
  // Every intermediate (padded input, im2col columns, products) within
  // 2^40 elements, checked before anything is built.
  int64_t padded = mulElements(xt.getDimSize(0), xt.getDimSize(1));
  for (size_t d = 0; d < w->rank(); ++d)
    padded = mulElements(padded, w->input[d] + w->padBegin[d] + w->padEnd[d]);
  int64_t columns =
      mulElements(mulElements(xt.getDimSize(0), numElements(w->output)),
                  mulElements(xt.getDimSize(1), numElements(w->kernel)));
  int64_t products = mulElements(
      mulElements(xt.getDimSize(0), numElements(w->output)),
      mulElements(wt.getDimSize(0),
                  mulElements(xt.getDimSize(1), numElements(w->kernel))));
  if (padded >= kTooManyElements || columns >= kTooManyElements ||
      products >= kTooManyElements) {
    n.error() << "this convolution is too large for Tern (its padded input, "
                 "im2col columns or products pass 2^40 elements)";
    return failure();
  }
  Value xp = padSpatial(n, *x, *w);
  Value y;
  if (DenseElementsAttr wc = n.constant(1); wc && group == 1) {
    y = convIm2col(n, xp, wc, *w);
  } else {
    FailureOr<Value> wv = n.input(1);
    if (failed(wv))
      return failure();
    y = convDirect(n, xp, *wv, *w, group);
  }
  FailureOr<Value> out = addBias(n, y, 2);
  if (failed(out))
    return failure();
  n.setOutput(0, *out);
  return success();
}

LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "output_padding",
                                "output_shape", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0), wv = n.input(1);
  if (failed(x) || failed(wv))
    return failure();
  RankedTensorType xt = n.type(0), wt = n.type(1);
  int64_t group = n.intAttr("group", 1);
  if (failed(checkConvShapes(n, xt, wt, group, true)))
    return failure();
  int64_t r = xt.getRank() - 2, c = xt.getDimSize(1), cg = c / group,
          mg = wt.getDimSize(1), m = mg * group;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  auto vec = [&](StringRef name, int64_t dflt, size_t size) {
    SmallVector<int64_t> v =
        n.intsAttr(name).value_or(SmallVector<int64_t>(size, dflt));
    return v.size() == size ? v : SmallVector<int64_t>();
  };
  SmallVector<int64_t> strides = vec("strides", 1, r),
                       dil = vec("dilations", 1, r),
                       outPad = vec("output_padding", 0, r),
                       pads = vec("pads", 0, 2 * r);
  if (strides.empty() || dil.empty() || outPad.empty() || pads.empty()) {
    n.error() << "strides, dilations, output_padding or pads has the wrong "
                 "length";
    return failure();
  }
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> outShape = n.intsAttr("output_shape");
  if (outShape && outShape->size() == static_cast<size_t>(r + 2))
    outShape = SmallVector<int64_t>(outShape->begin() + 2, outShape->end());
  if (outShape && outShape->size() != static_cast<size_t>(r)) {
    n.error() << "output_shape has the wrong length";
    return failure();
  }
  if (failed(checkWindowRange(n, "strides", strides, 1)) ||
      failed(checkWindowRange(n, "dilations", dil, 1)) ||
      failed(checkWindowRange(n, "kernel size", kernel, 1)) ||
      failed(checkWindowRange(n, "pads", pads, 0)) ||
      failed(checkWindowRange(n, "output_padding", outPad, 0)) ||
      (outShape && failed(checkWindowRange(n, "output_shape", *outShape, 1))))
    return failure();
  SmallVector<int64_t> output, padBegin(r);
  for (int64_t d = 0; d < r; ++d) {
    int64_t in = xt.getDimSize(2 + d), extent = (kernel[d] - 1) * dil[d] + 1;
    int64_t full = strides[d] * (in - 1) + outPad[d] + extent;
    if (outShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = outShape ? (*outShape)[d] : in * strides[d];
      int64_t total = full - out;
      // ONNX (floor division, as its reference does: a negative total
      // extends the output at the end): SAME_UPPER puts the smaller half
      // first.
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      padBegin[d] = autoPad == "SAME_UPPER" ? half : total - half;
      output.push_back(out);
    } else {
      padBegin[d] = autoPad == "VALID" ? 0 : pads[d];
      int64_t padEnd = autoPad == "VALID" ? 0 : pads[d + r];
      output.push_back(full - padBegin[d] - padEnd);
    }
    if (output.back() <= 0) {
      n.error() << "the output of spatial axis " << d << " would be empty";
      return failure();
    }
  }
  MLIRContext *ctx = n.ctx;
  // Loops: n, m, o..., c', k...; the input is read where its window covers
  // the output: i = (o + pad - k * dilation) / stride when that divides.
  SmallVector<int64_t> loops = {xt.getDimSize(0), m};
  loops.append(output.begin(), output.end());
  loops.push_back(cg);
  loops.append(kernel.begin(), kernel.end());
  SmallVector<bool> reduced(loops.size(), false);
  for (size_t i = 2 + r; i < loops.size(); ++i)
    reduced[i] = true;
  AffineExpr mDim = getAffineDimExpr(1, ctx),
             cDim = getAffineDimExpr(2 + r, ctx);
  SmallVector<AffineExpr> we = {mDim.floorDiv(mg) * cg + cDim, mDim % mg};
  for (int64_t d = 0; d < r; ++d)
    we.push_back(getAffineDimExpr(3 + r + d, ctx));
  Type elem = xt.getElementType();
  Value y = reductionGeneric(
      n.b, n.loc, loops, reduced, elem, FloatAttr::get(elem, 0.0), *wv,
      AffineMap::get(loops.size(), 0, we, ctx),
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value mIdx = loopIndex(b, l, 1);
        Value ch = arith::AddIOp::create(
            b, l,
            arith::MulIOp::create(
                b, l,
                arith::DivUIOp::create(b, l, mIdx, indexConstant(b, l, mg)),
                indexConstant(b, l, cg)),
            loopIndex(b, l, 2 + r));
        SmallVector<Value> at = {loopIndex(b, l, 0), ch};
        Value valid;
        for (int64_t d = 0; d < r; ++d) {
          Value num = arith::SubIOp::create(
              b, l,
              arith::AddIOp::create(b, l, loopIndex(b, l, 2 + d),
                                    indexConstant(b, l, padBegin[d])),
              arith::MulIOp::create(b, l, loopIndex(b, l, 3 + r + d),
                                    indexConstant(b, l, dil[d])));
          Value s = indexConstant(b, l, strides[d]);
          Value ok = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, num,
                                    indexConstant(b, l, 0)),
              arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, num,
                  indexConstant(b, l, xt.getDimSize(2 + d) * strides[d])));
          if (strides[d] != 1)
            ok = arith::AndIOp::create(
                b, l, ok,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                      arith::RemSIOp::create(b, l, num, s),
                                      indexConstant(b, l, 0)));
          valid = valid ? Value(arith::AndIOp::create(b, l, valid, ok)) : ok;
          Value i = arith::FloorDivSIOp::create(b, l, num, s);
          at.push_back(clampIndex(b, l, i, 0, xt.getDimSize(2 + d) - 1));
        }
        Value v = tensor::ExtractOp::create(b, l, *x, at);
        Value term = select(b, l, valid, mul(b, l, v, a[0]),
                            scalarConstant(b, l, elem, 0));
        return add(b, l, a[1], term);
      });
  FailureOr<Value> out = addBias(n, y, 2);
  if (failed(out))
    return failure();
  n.setOutput(0, *out);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerConvOps(OpTable &t) {
  t["Conv"] = importConv;
  t["ConvTranspose"] = importConvTranspose;
}
