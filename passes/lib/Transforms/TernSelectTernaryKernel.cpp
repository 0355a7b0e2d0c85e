//===- TernSelectTernaryKernel.cpp - A kernel and packing per layer -------===//
//
// tern-raise packs every ternary layer as i2 and leaves the choice of how
// to compute it open; this pass makes the choice, layer by layer, with the
// cost model of TernaryCostModel.h (or the one the user forces), and
// repacks constant weights at compile time for the chosen layout, so that
// nothing is repacked at run time.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/TernaryCostModel.h"
#include "tern/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNSELECTTERNARYKERNELPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

struct Layout {
  TernaryKernel kernel;
  TernaryPacking packing;
};

Layout layoutOf(cost::Choice c) {
  switch (c) {
  case cost::Choice::AddSubI2:
    return {TernaryKernel::AddSub, TernaryPacking::I2};
  case cost::Choice::AddSubBitplane:
    return {TernaryKernel::AddSub, TernaryPacking::Bitplane};
  case cost::Choice::AddSubBase3:
    return {TernaryKernel::AddSub, TernaryPacking::Base3};
  case cost::Choice::Lut:
    return {TernaryKernel::Lut, TernaryPacking::I2};
  case cost::Choice::Int8Dot:
    return {TernaryKernel::Int8Dot, TernaryPacking::I2};
  }
  llvm_unreachable("unknown choice");
}

/// The constant weights of `op` repacked from its packing to `to`, or null
/// if they are not a constant.
Value repack(OpBuilder &b, TernaryMatmulOp op, TernaryPacking to) {
  std::optional<std::vector<int8_t>> trits = getConstantTrits(op);
  if (!trits)
    return {};
  int64_t k = op.getInput().getType().getDimSize(1);
  int64_t n = op.getWeights().getType().getDimSize(0);
  auto format = static_cast<packing::Format>(to);
  std::vector<int8_t> packed = packing::pack(format, *trits, n, k);
  auto type = RankedTensorType::get({n, packing::bytesPerRow(format, k)},
                                    b.getI8Type());
  return arith::ConstantOp::create(
      b, op.getLoc(), type,
      DenseElementsAttr::get(type, ArrayRef<int8_t>(packed)));
}

struct TernSelectTernaryKernelPass
    : public tern::impl::TernSelectTernaryKernelPassBase<
          TernSelectTernaryKernelPass> {
  using TernSelectTernaryKernelPassBase::TernSelectTernaryKernelPassBase;

  void runOnOperation() override {
    std::optional<cost::Choice> forced;
    if (kernel != "auto") {
      cost::Choice c;
      if (!cost::parse(kernel, c)) {
        getOperation().emitError()
            << "tern-select-ternary-kernel: unknown kernel '" << kernel
            << "' (expected auto, i2, bitplane, base3, lut or int8)";
        return signalPassFailure();
      }
      forced = c;
    }
    if (activationBits != 0 && activationBits != 8) {
      getOperation().emitError()
          << "tern-select-ternary-kernel: activation-bits must be 0 (float) "
             "or 8, found "
          << static_cast<int>(activationBits);
      return signalPassFailure();
    }
    // Layers whose model quantizes their activations itself (BitLinear or
    // QDQ, modelQuantizesActivations) take 8-bit activations whatever the
    // flag.
    bool anyModelQuant = false;
    getOperation().walk([&](TernaryMatmulOp op) {
      anyModelQuant |= modelQuantizesActivations(op);
    });
    if (forced == cost::Choice::Int8Dot && activationBits != 8 &&
        !anyModelQuant) {
      getOperation().emitError()
          << "tern-select-ternary-kernel: the int8 kernel quantizes "
             "activations to 8 bits; ask for it with activation-bits=8 "
             "(ternc --activation-bits=8)";
      return signalPassFailure();
    }
    if (forced && forced != cost::Choice::Int8Dot && activationBits == 8) {
      getOperation().emitError()
          << "tern-select-ternary-kernel: kernel '" << kernel
          << "' computes with float activations, but activation-bits=8 "
             "asks for int8 ones (use kernel=int8 or auto)";
      return signalPassFailure();
    }

    WalkResult walk = getOperation().walk([&](TernaryMatmulOp op) {
      auto inputType = op.getInput().getType();
      bool dynamicM =
          inputType.isDynamicDim(0) || op.getResult().getType().isDynamicDim(0);
      bool modelQuant = modelQuantizesActivations(op);
      int bits = modelQuant ? 8 : activationBits;
      if (bits == 8 && dynamicM) {
        op.emitError() << "tern-select-ternary-kernel: int8 activations ("
                       << (modelQuant ? "the model quantizes them"
                                      : "activation-bits=8")
                       << ") need a static number of rows M, found "
                       << inputType;
        return WalkResult::interrupt();
      }
      if (forced == cost::Choice::Int8Dot && bits != 8) {
        // Only reached when another layer quantizes its activations itself
        // (otherwise the option check above said so for all).
        op.emitError() << "tern-select-ternary-kernel: the int8 kernel "
                          "quantizes activations to 8 bits, and this "
                          "layer's model does not; ask for it with "
                          "activation-bits=8 (ternc --activation-bits=8)";
        return WalkResult::interrupt();
      }
      if (modelQuant && forced && forced != cost::Choice::Int8Dot) {
        op.emitError() << "tern-select-ternary-kernel: kernel '" << kernel
                       << "' computes with float activations, but this "
                          "layer's model quantizes its activations to int8 "
                          "(BitLinear or QDQ); use --ternary-kernel=int8 or "
                          "auto";
        return WalkResult::interrupt();
      }
      cost::Layer layer;
      layer.m = dynamicM ? 0 : inputType.getDimSize(0);
      layer.k = inputType.getDimSize(1);
      layer.n = op.getWeights().getType().getDimSize(0);
      layer.activationBits = bits;
      layer.avx512 = avx512;
      cost::Decision d =
          forced ? cost::Decision{*forced, "forced"} : cost::choose(layer);
      if (gpu && !forced && bits == 0)
        d = {cost::Choice::AddSubI2,
             "GPU: the GPU schedules are written for i2"};
      if (modelQuant && !forced)
        d.reason = op->hasAttr(kActivationQuantScale)
                       ? "the model quantizes this layer's activations to "
                         "int8 (QuantizeLinear/DequantizeLinear, fixed scale)"
                       : "the model quantizes this layer's activations to "
                         "int8 (BitLinear absmax)";
      Layout want = layoutOf(d.choice);
      TernaryEncodingAttr encoding = op.getEncoding();
      OpBuilder b(op);
      if (want.packing != encoding.getPacking()) {
        Value weights = repack(b, op, want.packing);
        if (!weights) {
          // Packed weights computed at run time stay as they are.
          want.packing = encoding.getPacking();
          if (want.kernel == TernaryKernel::Lut &&
              want.packing == TernaryPacking::Bitplane)
            want.kernel = TernaryKernel::AddSub;
          d.reason += "; weights are not a constant, kept " +
                      stringifyTernaryPacking(want.packing).str() + " packing";
        } else {
          op.getWeightsMutable().assign(weights);
          op.setEncodingAttr(TernaryEncodingAttr::get(
              op.getContext(), encoding.getScale(), want.packing));
        }
      }
      op.setKernelAttr(TernaryKernelAttr::get(op.getContext(), want.kernel));
      if (report)
        op.emitRemark() << "tern-select-ternary-kernel: "
                        << stringifyTernaryKernel(want.kernel) << " kernel, "
                        << stringifyTernaryPacking(want.packing)
                        << " packing (M = "
                        << (dynamicM ? std::string("?")
                                     : std::to_string(layer.m))
                        << ", K = " << layer.k << ", N = " << layer.n << ", "
                        << op.getWeights().getType().getNumElements()
                        << " weight bytes): " << d.reason;
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
