//===- LMImporter.cpp - Language-model checkpoints to MLIR ----------------===//
//
// See LMImporter.h. The builder follows examples/tiny-lm/ARCHITECTURES.md
// step by step (RMSNorm, rotate-half RoPE, causal grouped-query attention,
// SwiGLU or BitNet's squared-ReLU FFN with its sub-norms, tied or untied
// head). Every op carries a NameLoc with the checkpoint's layer name
// ("model.layers.0.self_attn.q_proj"), which the efficiency report and the
// profile print. Float projections are linalg.matmul over constant K x N
// weights, as the ONNX importer writes them, so --prune and --ternarize
// apply; BitNet's are tern.ternary_matmul with i2-packed trits, one scale
// and the BitLinear activation quantization (absmax int8 per token,
// eps 1e-5) marked for the int8 kernel.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/LM/LMImporter.h"

#include "../ONNX/Builders.h"
#include "LMSource.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tern;
using namespace mlir::tern::onnx_import;
using ::tern::lm::Arch;
using ::tern::lm::LMSource;
using ::tern::lm::LMSpec;
using ::tern::lm::Proj;
using ::tern::lm::Vec;

bool mlir::tern::looksLikeLanguageModel(const std::string &path) {
  return LMSource::looksLikeCheckpoint(path);
}

namespace {

/// 1 / (1 + exp(-x)), and x * sigmoid(x).
Value sigmoid(OpBuilder &b, Location l, Value x) {
  Value one = scalarConstant(b, l, x.getType(), 1.0);
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
  return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
}

Value silu(OpBuilder &b, Location l, Value x) {
  return arith::MulFOp::create(b, l, x, sigmoid(b, l, x));
}

class GraphBuilder {
public:
  GraphBuilder(MLIRContext *ctx, LMSource &source, int64_t seqLen)
      : ctx(ctx), b(ctx), source(source), s(source.spec()), T(seqLen),
        fileLoc(NameLoc::get(StringAttr::get(ctx, source.path()))) {}

  /// Builds the function; emits the error at the file and fails.
  LogicalResult build(ModuleOp module, StringRef name);

private:
  MLIRContext *ctx;
  OpBuilder b;
  LMSource &source;
  const LMSpec &s;
  int64_t T;
  Location fileLoc;
  Location loc = fileLoc;

  Type f32() { return b.getF32Type(); }

  /// Switches the location to a named layer.
  void at(const std::string &layer) {
    loc = NameLoc::get(StringAttr::get(ctx, layer));
  }

  template <typename T> FailureOr<T> check(llvm::Expected<T> v) {
    if (!v) {
      emitError(fileLoc) << llvm::toString(v.takeError());
      return failure();
    }
    return std::move(*v);
  }

  Value constant(ArrayRef<int64_t> shape, ArrayRef<float> values) {
    auto type = RankedTensorType::get(shape, f32());
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, values));
  }

  AffineMap map(unsigned dims, ArrayRef<AffineExpr> results) {
    return AffineMap::get(dims, 0, results, ctx);
  }

  Value embed(Value tokens, const ::tern::lm::Matrix &table);
  Value rmsNorm(Value x, ArrayRef<float> weight, double eps);
  Value linear(Value x, const ::tern::lm::Matrix &w);
  Value bitLinear(Value x, const ::tern::lm::TernaryMatrix &w);
  FailureOr<Value> projection(Value x, int64_t layer, Proj p);
  Value rope(Value x, int64_t heads);
  Value attention(Value q, Value k, Value v);
  LogicalResult transformerLayers(Value &x);
  LogicalResult hgrnLayers(Value &x);
  FailureOr<Value> hgrnBitLinear(Value x, const std::string &prefix,
                                 int64_t rows, int64_t cols);
  Value mlgru(Value f, Value c);
  Value elementwise(ArrayRef<Value> inputs,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> f);
};

Value GraphBuilder::embed(Value tokens, const ::tern::lm::Matrix &table) {
  Value e = constant({table.rows, table.cols}, table.values);
  int64_t vocab = table.rows;
  NamedAttrList check;
  check.append("min", b.getI64IntegerAttr(0));
  check.append("max", b.getI64IntegerAttr(vocab - 1));
  check.append("message",
               b.getStringAttr("token id out of range: the vocabulary has " +
                               std::to_string(vocab) + " entries (0 to " +
                               std::to_string(vocab - 1) + "), got"));
  DictionaryAttr checkAttr = check.getDictionary(ctx);
  return parallelGeneric(
      b, loc, {T, s.hidden}, f32(), {}, {},
      [&](OpBuilder &ob, Location l, ValueRange) {
        auto id = tensor::ExtractOp::create(ob, l, tokens,
                                            ValueRange{loopIndex(ob, l, 0)});
        id->setAttr("tern.index_check", checkAttr);
        Value ix = arith::IndexCastOp::create(ob, l, ob.getIndexType(), id);
        ix = clampIndex(ob, l, ix, 0, vocab - 1);
        return Value(tensor::ExtractOp::create(
            ob, l, e, ValueRange{ix, loopIndex(ob, l, 1)}));
      });
}

Value GraphBuilder::elementwise(
    ArrayRef<Value> inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> f) {
  auto type = cast<RankedTensorType>(inputs[0].getType());
  SmallVector<AffineMap> maps(
      inputs.size(), AffineMap::getMultiDimIdentityMap(type.getRank(), ctx));
  return parallelGeneric(b, loc, type.getShape(), f32(), inputs, maps, f);
}

/// weight * (x * rsqrt(mean(x^2) + eps)), per row.
Value GraphBuilder::rmsNorm(Value x, ArrayRef<float> weight, double eps) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rows = type.getDimSize(0), n = type.getDimSize(1);
  AffineExpr r, c;
  bindDims(ctx, r, c);
  Value sumSq = reductionGeneric(
      b, loc, {rows, n}, {false, true}, f32(), b.getF32FloatAttr(0), {x},
      {map(2, {r, c})}, [](OpBuilder &ob, Location l, ValueRange a) {
        Value sq = arith::MulFOp::create(ob, l, a[0], a[0]);
        return Value(arith::AddFOp::create(ob, l, a[1], sq));
      });
  Value w = constant({n}, weight);
  return parallelGeneric(
      b, loc, {rows, n}, f32(), {x, sumSq, w},
      {map(2, {r, c}), map(2, {r}), map(2, {c})},
      [&](OpBuilder &ob, Location l, ValueRange a) {
        Value mean = arith::DivFOp::create(
            ob, l, a[1], scalarConstant(ob, l, f32(), double(n)));
        Value var = arith::AddFOp::create(ob, l, mean,
                                          scalarConstant(ob, l, f32(), eps));
        Value inv = math::RsqrtOp::create(ob, l, var);
        Value scaled = arith::MulFOp::create(ob, l, a[0], inv);
        return Value(arith::MulFOp::create(ob, l, a[2], scaled));
      });
}

/// x [T, K] times W^T (W: [N, K]); the constant is stored K x N.
Value GraphBuilder::linear(Value x, const ::tern::lm::Matrix &w) {
  std::vector<float> kn(w.values.size());
  for (int64_t n = 0; n < w.rows; ++n)
    for (int64_t k = 0; k < w.cols; ++k)
      kn[k * w.rows + n] = w.values[n * w.cols + k];
  Value weights = constant({w.cols, w.rows}, kn);
  auto outType = RankedTensorType::get({T, w.rows}, f32());
  Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(), f32());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value init =
      linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
          .getResult(0);
  return linalg::MatmulOp::create(b, loc, TypeRange{outType},
                                  ValueRange{x, weights}, ValueRange{init})
      .getResult(0);
}

/// BitLinear: int8 absmax activations per token, trits, one scale.
Value GraphBuilder::bitLinear(Value x, const ::tern::lm::TernaryMatrix &w) {
  auto encoding = TernaryEncodingAttr::get(ctx, TernaryScale::PerTensor,
                                           TernaryPacking::I2);
  std::vector<int8_t> packed = packing::packI2(w.trits, w.rows, w.cols);
  int64_t bytesPerRow = encoding.getBytesPerRow(w.cols);
  auto packedType =
      RankedTensorType::get({w.rows, bytesPerRow}, b.getIntegerType(8));
  Value weights = arith::ConstantOp::create(
      b, loc, packedType,
      DenseElementsAttr::get(packedType, ArrayRef<int8_t>(packed)));
  Value scales = constant({1}, {w.scale});
  auto outType = RankedTensorType::get({T, w.rows}, f32());
  auto op = TernaryMatmulOp::create(b, loc, outType, x, weights, scales,
                                    encoding, TernaryKernelAttr());
  op->setAttr(kActivationQuantEps, b.getF32FloatAttr(1e-5f));
  return op.getResult();
}

FailureOr<Value> GraphBuilder::projection(Value x, int64_t layer, Proj p) {
  bool attn = p == Proj::Q || p == Proj::K || p == Proj::V || p == Proj::O;
  at("model.layers." + std::to_string(layer) +
     (attn ? ".self_attn." : ".mlp.") + ::tern::lm::projName(p));
  if (s.ternary()) {
    auto w = check(source.ternary(layer, p));
    if (failed(w))
      return failure();
    return bitLinear(x, *w);
  }
  auto w = check(source.matrix(layer, p));
  if (failed(w))
    return failure();
  return linear(x, *w);
}

/// Rotate-half RoPE over x [T, heads * d] at positions 0 .. T-1; returns
/// [T, heads, d].
Value GraphBuilder::rope(Value x, int64_t heads) {
  int64_t d = s.headDim, half = d / 2;
  Value x3 = reshape(b, loc, x, {T, heads, d});
  std::vector<float> cosT(T * d), sinT(T * d);
  for (int64_t p = 0; p < T; ++p)
    for (int64_t i = 0; i < half; ++i) {
      // float32 as transformers computes it: inv_freq, then p * inv_freq.
      float invFreq =
          1.0f / static_cast<float>(std::pow(s.ropeTheta, double(2 * i) / d));
      float angle = static_cast<float>(p) * invFreq;
      float c = std::cos(angle), sn = std::sin(angle);
      cosT[p * d + i] = cosT[p * d + i + half] = c;
      sinT[p * d + i] = -sn; // x_i cos - x_{i+half} sin
      sinT[p * d + i + half] = sn;
    }
  Value cosV = constant({T, d}, cosT), sinV = constant({T, d}, sinT);
  AffineExpr t, h, e;
  bindDims(ctx, t, h, e);
  return parallelGeneric(
      b, loc, {T, heads, d}, f32(), {x3, cosV, sinV},
      {map(3, {t, h, e}), map(3, {t, e}), map(3, {t, e})},
      [&](OpBuilder &ob, Location l, ValueRange a) {
        Value ei = loopIndex(ob, l, 2);
        Value low = arith::CmpIOp::create(ob, l, arith::CmpIPredicate::slt, ei,
                                          indexConstant(ob, l, half));
        Value partner = select(
            ob, l, low,
            arith::AddIOp::create(ob, l, ei, indexConstant(ob, l, half)),
            arith::SubIOp::create(ob, l, ei, indexConstant(ob, l, half)));
        // The clamp changes nothing; it tells Halide the bounds.
        partner = clampIndex(ob, l, partner, 0, d - 1);
        Value other = tensor::ExtractOp::create(
            ob, l, x3,
            ValueRange{loopIndex(ob, l, 0), loopIndex(ob, l, 1), partner});
        Value c = arith::MulFOp::create(ob, l, a[0], a[1]);
        Value r = arith::MulFOp::create(ob, l, other, a[2]);
        return Value(arith::AddFOp::create(ob, l, c, r));
      });
}

/// Causal grouped-query attention: q [T, H, d], k and v [T, KV, d] (v not
/// rotated) -> [T, H * d].
Value GraphBuilder::attention(Value q, Value k, Value v) {
  int64_t H = s.heads, d = s.headDim, group = s.heads / s.kvHeads;
  float scale = 1.0f / std::sqrt(static_cast<float>(d));
  AffineExpr h, t, j, e;
  bindDims(ctx, h, t, j, e);
  // scores[h, t, j] = q[t, h, :] . k[j, h / group, :]
  Value scores =
      reductionGeneric(b, loc, {H, T, T, d}, {false, false, false, true}, f32(),
                       b.getF32FloatAttr(0), {q, k},
                       {map(4, {t, h, e}), map(4, {j, h.floorDiv(group), e})},
                       [](OpBuilder &ob, Location l, ValueRange a) {
                         Value p = arith::MulFOp::create(ob, l, a[0], a[1]);
                         return Value(arith::AddFOp::create(ob, l, a[2], p));
                       });
  // Scaled, and -inf above the diagonal.
  AffineExpr h3, t3, j3;
  bindDims(ctx, h3, t3, j3);
  Value masked = parallelGeneric(
      b, loc, {H, T, T}, f32(), {scores}, {map(3, {h3, t3, j3})},
      [&](OpBuilder &ob, Location l, ValueRange a) {
        Value causal =
            arith::CmpIOp::create(ob, l, arith::CmpIPredicate::ule,
                                  loopIndex(ob, l, 2), loopIndex(ob, l, 1));
        Value sc = arith::MulFOp::create(ob, l, a[0],
                                         scalarConstant(ob, l, f32(), scale));
        return select(ob, l, causal, sc,
                      scalarConstant(ob, l, f32(),
                                     -std::numeric_limits<double>::infinity()));
      });
  Value maxV =
      reduce(b, loc, masked, {2}, false,
             b.getF32FloatAttr(-std::numeric_limits<float>::infinity()),
             [](OpBuilder &ob, Location l, ValueRange a) {
               return Value(arith::MaximumFOp::create(ob, l, a[0], a[1]));
             });
  Value exps = parallelGeneric(b, loc, {H, T, T}, f32(), {masked, maxV},
                               {map(3, {h3, t3, j3}), map(3, {h3, t3})},
                               [](OpBuilder &ob, Location l, ValueRange a) {
                                 Value diff =
                                     arith::SubFOp::create(ob, l, a[0], a[1]);
                                 return Value(math::ExpOp::create(ob, l, diff));
                               });
  Value sums = reduce(b, loc, exps, {2}, false, b.getF32FloatAttr(0),
                      [](OpBuilder &ob, Location l, ValueRange a) {
                        return Value(arith::AddFOp::create(ob, l, a[1], a[0]));
                      });
  Value probs =
      parallelGeneric(b, loc, {H, T, T}, f32(), {exps, sums},
                      {map(3, {h3, t3, j3}), map(3, {h3, t3})},
                      [](OpBuilder &ob, Location l, ValueRange a) {
                        return Value(arith::DivFOp::create(ob, l, a[0], a[1]));
                      });
  // out[t, h, e] = sum_j probs[h, t, j] * v[j, h / group, e]
  AffineExpr ot, oh, oe, oj;
  bindDims(ctx, ot, oh, oe, oj);
  Value out = reductionGeneric(
      b, loc, {T, H, d, T}, {false, false, false, true}, f32(),
      b.getF32FloatAttr(0), {probs, v},
      {map(4, {oh, ot, oj}), map(4, {oj, oh.floorDiv(group), oe})},
      [](OpBuilder &ob, Location l, ValueRange a) {
        Value p = arith::MulFOp::create(ob, l, a[0], a[1]);
        return Value(arith::AddFOp::create(ob, l, a[2], p));
      });
  return reshape(b, loc, out, {T, H * d});
}

/// Llama and BitNet b1.58: attention and a gated FFN per layer.
LogicalResult GraphBuilder::transformerLayers(Value &x) {
  for (int64_t layer = 0; layer < s.layers; ++layer) {
    std::string base = "model.layers." + std::to_string(layer);
    auto vec = [&](Vec v) { return check(source.vec(layer, v)); };
    at(base + ".input_layernorm");
    auto attnNorm = vec(Vec::AttnNorm);
    if (failed(attnNorm))
      return failure();
    Value h = rmsNorm(x, *attnNorm, s.rmsEps);
    auto q = projection(h, layer, Proj::Q);
    auto k = projection(h, layer, Proj::K);
    auto v = projection(h, layer, Proj::V);
    if (failed(q) || failed(k) || failed(v))
      return failure();
    at(base + ".self_attn");
    Value qr = rope(*q, s.heads), kr = rope(*k, s.kvHeads);
    Value v3 = reshape(b, loc, *v, {T, s.kvHeads, s.headDim});
    Value o = attention(qr, kr, v3);
    if (s.arch == Arch::BitNet) {
      at(base + ".self_attn.attn_sub_norm");
      auto sub = vec(Vec::AttnSubNorm);
      if (failed(sub))
        return failure();
      o = rmsNorm(o, *sub, s.rmsEps);
    }
    auto proj = projection(o, layer, Proj::O);
    if (failed(proj))
      return failure();
    at(base + ".self_attn");
    x = elementwise({x, *proj}, [](OpBuilder &ob, Location l, ValueRange a) {
      return Value(arith::AddFOp::create(ob, l, a[0], a[1]));
    });

    at(base + ".post_attention_layernorm");
    auto ffnNorm = vec(Vec::FfnNorm);
    if (failed(ffnNorm))
      return failure();
    h = rmsNorm(x, *ffnNorm, s.rmsEps);
    auto gate = projection(h, layer, Proj::Gate);
    auto up = projection(h, layer, Proj::Up);
    if (failed(gate) || failed(up))
      return failure();
    at(base + ".mlp");
    Value m;
    if (s.arch == Arch::BitNet) {
      // relu(g)^2 * u, then the sub-norm.
      m = elementwise(
          {*gate, *up}, [](OpBuilder &ob, Location l, ValueRange a) {
            Value r = arith::MaximumFOp::create(
                ob, l, a[0], scalarConstant(ob, l, a[0].getType(), 0.0));
            Value sq = arith::MulFOp::create(ob, l, r, r);
            return Value(arith::MulFOp::create(ob, l, sq, a[1]));
          });
      at(base + ".mlp.ffn_sub_norm");
      auto sub = vec(Vec::FfnSubNorm);
      if (failed(sub))
        return failure();
      m = rmsNorm(m, *sub, s.rmsEps);
    } else {
      // silu(g) * u.
      m = elementwise(
          {*gate, *up}, [](OpBuilder &ob, Location l, ValueRange a) {
            return Value(arith::MulFOp::create(ob, l, silu(ob, l, a[0]), a[1]));
          });
    }
    auto down = projection(m, layer, Proj::Down);
    if (failed(down))
      return failure();
    at(base + ".mlp");
    x = elementwise({x, *down}, [](OpBuilder &ob, Location l, ValueRange a) {
      return Value(arith::AddFOp::create(ob, l, a[0], a[1]));
    });
  }

  return success();
}

/// The MLGRU state over the window: s_t = f_t * s_{t-1} + c_t (s_{-1} =
/// 0), as one reduction per position over j <= t, in the recurrence's own
/// order of operations.
Value GraphBuilder::mlgru(Value f, Value c) {
  AffineExpr t, h, j;
  bindDims(ctx, t, h, j);
  return reductionGeneric(
      b, loc, {T, s.hidden, T}, {false, false, true}, f32(),
      b.getF32FloatAttr(0), {f, c}, {map(3, {j, h}), map(3, {j, h})},
      [](OpBuilder &ob, Location l, ValueRange a) {
        Value step = arith::AddFOp::create(
            ob, l, arith::MulFOp::create(ob, l, a[0], a[2]), a[1]);
        Value in =
            arith::CmpIOp::create(ob, l, arith::CmpIPredicate::ule,
                                  loopIndex(ob, l, 2), loopIndex(ob, l, 0));
        return select(ob, l, in, step, a[2]);
      });
}

/// A FusedBitLinear: the layer's own RMSNorm, then BitLinear.
FailureOr<Value> GraphBuilder::hgrnBitLinear(Value x, const std::string &prefix,
                                             int64_t rows, int64_t cols) {
  at(prefix);
  auto norm = check(source.namedVec(prefix + ".norm.weight", cols));
  auto w = check(source.named(prefix + ".weight", rows, cols));
  if (failed(norm) || failed(w))
    return failure();
  Value h = rmsNorm(x, *norm, s.rmsEps);
  return bitLinear(h, ::tern::lm::absmeanTernary(*w));
}

/// The MatMul-free LM (examples/tiny-lm/ARCHITECTURES.md section 2): MLGRU
/// token mixing, a ternary GLU, lower bounds on the forget gates.
LogicalResult GraphBuilder::hgrnLayers(Value &x) {
  int64_t H = s.hidden, I = s.ffn, L = s.layers;
  // The lower bounds: softmax over layers per channel, cumulated, minus
  // the first (so layer 0 has none).
  std::vector<float> bounds(L * H, 0.0f);
  if (s.lowerBound) {
    at("model.lower_bounds");
    auto raw = check(source.named("model.lower_bounds", L, H));
    if (failed(raw))
      return failure();
    for (int64_t c = 0; c < H; ++c) {
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t l = 0; l < L; ++l)
        mx = std::max(mx, raw->values[l * H + c]);
      float sum = 0;
      std::vector<float> e(L);
      for (int64_t l = 0; l < L; ++l)
        sum += e[l] = std::exp(raw->values[l * H + c] - mx);
      float acc = 0;
      for (int64_t l = 0; l < L; ++l) {
        acc += e[l] / sum;
        bounds[l * H + c] = acc - e[0] / sum;
      }
    }
  }
  auto bin = [&](Value a, Value c2, auto fn) {
    return elementwise({a, c2}, fn);
  };
  for (int64_t layer = 0; layer < L; ++layer) {
    std::string base = "model.layers." + std::to_string(layer);
    at(base + ".attn_norm");
    auto attnNorm = check(source.namedVec(base + ".attn_norm.weight", H));
    if (failed(attnNorm))
      return failure();
    Value h = rmsNorm(x, *attnNorm, s.rmsEps);
    auto i = hgrnBitLinear(h, base + ".attn.i_proj", H, H);
    auto f = hgrnBitLinear(h, base + ".attn.f_proj", H, H);
    auto g = hgrnBitLinear(h, base + ".attn.g_proj", H, H);
    if (failed(i) || failed(f) || failed(g))
      return failure();
    at(base + ".attn");
    Value lb = constant({H}, ArrayRef<float>(bounds).slice(layer * H, H));
    AffineExpr t, c;
    bindDims(ctx, t, c);
    bool bounded = s.lowerBound && layer > 0;
    // The forget gate, then c = silu(i) * (1 - f).
    Value gate = parallelGeneric(
        b, loc, {T, H}, f32(), {*f, lb}, {map(2, {t, c}), map(2, {c})},
        [&](OpBuilder &ob, Location l, ValueRange a) {
          Value one = scalarConstant(ob, l, f32(), 1.0);
          Value sig = sigmoid(ob, l, a[0]);
          if (!bounded)
            return sig;
          Value rest = arith::SubFOp::create(ob, l, one, a[1]);
          return Value(arith::AddFOp::create(
              ob, l, a[1], arith::MulFOp::create(ob, l, rest, sig)));
        });
    Value input = bin(*i, gate, [](OpBuilder &ob, Location l, ValueRange a) {
      Value one = scalarConstant(ob, l, a[0].getType(), 1.0);
      return Value(arith::MulFOp::create(
          ob, l, silu(ob, l, a[0]), arith::SubFOp::create(ob, l, one, a[1])));
    });
    Value state = mlgru(gate, input);
    at(base + ".attn.g_norm");
    auto gNorm = check(source.namedVec(base + ".attn.g_norm.weight", H));
    if (failed(gNorm))
      return failure();
    Value gn = rmsNorm(*g, *gNorm, s.rmsEps);
    // RMSNorm(g) * swish(state).
    Value o = bin(gn, state, [](OpBuilder &ob, Location l, ValueRange a) {
      return Value(arith::MulFOp::create(ob, l, a[0], silu(ob, l, a[1])));
    });
    auto proj = hgrnBitLinear(o, base + ".attn.o_proj", H, H);
    if (failed(proj))
      return failure();
    at(base + ".attn");
    x = bin(x, *proj, [](OpBuilder &ob, Location l, ValueRange a) {
      return Value(arith::AddFOp::create(ob, l, a[0], a[1]));
    });

    at(base + ".mlp_norm");
    auto mlpNorm = check(source.namedVec(base + ".mlp_norm.weight", H));
    if (failed(mlpNorm))
      return failure();
    h = rmsNorm(x, *mlpNorm, s.rmsEps);
    auto z = hgrnBitLinear(h, base + ".mlp.gate_proj", 2 * I, H);
    if (failed(z))
      return failure();
    at(base + ".mlp");
    // silu(z[:, :I]) * z[:, I:]
    // (Both halves read with tensor.extract: as inputs, z's [T, 2I] shape
    // would set the loop's extent.)
    Value zv = *z;
    Value glu = parallelGeneric(
        b, loc, {T, I}, f32(), {}, {},
        [&](OpBuilder &ob, Location l, ValueRange) {
          Value row = loopIndex(ob, l, 0), col = loopIndex(ob, l, 1);
          Value second =
              arith::AddIOp::create(ob, l, col, indexConstant(ob, l, I));
          Value a[2] = {
              tensor::ExtractOp::create(ob, l, zv, ValueRange{row, col}),
              tensor::ExtractOp::create(ob, l, zv, ValueRange{row, second})};
          return Value(arith::MulFOp::create(ob, l, silu(ob, l, a[0]), a[1]));
        });
    auto down = hgrnBitLinear(glu, base + ".mlp.down_proj", H, I);
    if (failed(down))
      return failure();
    at(base + ".mlp");
    x = bin(x, *down, [](OpBuilder &ob, Location l, ValueRange a) {
      return Value(arith::AddFOp::create(ob, l, a[0], a[1]));
    });
  }
  return success();
}

LogicalResult GraphBuilder::build(ModuleOp module, StringRef name) {
  b.setInsertionPointToEnd(module.getBody());
  auto tokensType = RankedTensorType::get({T}, b.getI32Type());
  auto logitsType = RankedTensorType::get({T, s.vocab}, f32());
  auto func = func::FuncOp::create(
      b, fileLoc, name, FunctionType::get(ctx, {tokensType}, {logitsType}));
  func.setArgAttr(0, "tern.name", b.getStringAttr("tokens"));
  func.setResultAttr(0, "tern.name", b.getStringAttr("logits"));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value tokens = entry->getArgument(0);

  at(s.arch == Arch::HGRNBit ? "model.embeddings" : "model.embed_tokens");
  auto table =
      s.arch == Arch::HGRNBit
          ? check(source.named("model.embeddings.weight", s.vocab, s.hidden))
          : check(source.embedding());
  if (failed(table))
    return failure();
  Value x = embed(tokens, *table);

  if (failed(s.arch == Arch::HGRNBit ? hgrnLayers(x) : transformerLayers(x)))
    return failure();

  at("model.norm");
  auto finalNorm = check(source.finalNorm());
  if (failed(finalNorm))
    return failure();
  x = rmsNorm(x, *finalNorm, s.rmsEps);
  Value logits;
  if (s.arch == Arch::HGRNBit) {
    // Every linear layer of the MatMul-free LM is a BitLinear, the head too.
    auto head = hgrnBitLinear(x, "lm_head", s.vocab, s.hidden);
    if (failed(head))
      return failure();
    logits = *head;
  } else {
    at(s.tiedEmbedding ? "lm_head (tied to model.embed_tokens)" : "lm_head");
    auto head = check(source.head());
    if (failed(head))
      return failure();
    logits = linear(x, *head);
  }
  func::ReturnOp::create(b, loc, ValueRange{logits});
  return success();
}

} // namespace

OwningOpRef<ModuleOp>
mlir::tern::importLanguageModel(const std::string &path, MLIRContext *context,
                                const LMImportOptions &options) {
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect, TernDialect>();
  Location fileLoc = NameLoc::get(StringAttr::get(context, path));
  auto source = LMSource::open(path);
  if (!source) {
    emitError(fileLoc) << llvm::toString(source.takeError());
    return {};
  }
  const LMSpec &spec = (*source)->spec();
  int64_t seqLen = options.seqLen > 0
                       ? options.seqLen
                       : std::min<int64_t>(spec.contextLength, 128);
  if (seqLen > spec.contextLength) {
    emitError(fileLoc) << "--seq-len=" << seqLen
                       << " is longer than the model's context ("
                       << spec.contextLength << " tokens)";
    return {};
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  GraphBuilder builder(context, **source, seqLen);
  if (failed(builder.build(*module, options.functionName)))
    return {};
  return module;
}
