//===- TernPrune.cpp - Magnitude pruning of matmul weights ------*- C++ -*-===//
//
// Compile-time pruning: the weights of the selected layers lose their
// smallest magnitudes to an N:M, block or unstructured pattern, and each
// layer's remark says what that cost (relative error). The zeros are
// stored in the dense constant; tern-classify-weights then finds them.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Analysis/SparseWeights.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cmath>
#include <cstdio>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNPRUNEPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// A parsed `pattern=` option.
struct PruneSpec {
  enum Kind { NM, Block, Unstructured } kind = NM;
  int keep = 0, group = 0; // NM
  int rows = 0, cols = 0;  // Block
  double sparsity = 0;     // Block, Unstructured
};

bool parseInt(StringRef s, int &out) {
  return !s.trim().getAsInteger(10, out) && out > 0;
}

bool parseFraction(StringRef s, double &out) {
  s = s.trim();
  if (s.getAsDouble(out))
    return false;
  return out >= 0.0 && out <= 1.0;
}

/// Parses `N:M`, `block:RxC:S` or `unstructured:S`; false with `why`.
bool parseSpec(StringRef text, PruneSpec &spec, std::string &why) {
  SmallVector<StringRef> parts;
  text.split(parts, ':');
  if (parts.size() == 2 && parts[0] == "unstructured") {
    spec.kind = PruneSpec::Unstructured;
    if (!parseFraction(parts[1], spec.sparsity)) {
      why = "the sparsity of 'unstructured:S' must be a number in [0, 1], "
            "found '" +
            parts[1].str() + "'";
      return false;
    }
    return true;
  }
  if (parts.size() == 3 && parts[0] == "block") {
    spec.kind = PruneSpec::Block;
    auto [r, c] = parts[1].split('x');
    if (!parseInt(r, spec.rows) || !parseInt(c, spec.cols)) {
      why = "the block size of 'block:RxC:S' must be two positive integers "
            "like 4x4, found '" +
            parts[1].str() + "'";
      return false;
    }
    if (!parseFraction(parts[2], spec.sparsity)) {
      why = "the sparsity of 'block:RxC:S' must be a number in [0, 1], "
            "found '" +
            parts[2].str() + "'";
      return false;
    }
    return true;
  }
  if (parts.size() == 2 && parseInt(parts[0], spec.keep) &&
      parseInt(parts[1], spec.group)) {
    spec.kind = PruneSpec::NM;
    if (spec.keep >= spec.group) {
      why = "N:M pruning needs N < M, found '" + text.str() + "'";
      return false;
    }
    return true;
  }
  why = "unknown pattern '" + text.str() +
        "': expected N:M (e.g. 2:4), block:RxC:S (e.g. block:4x4:0.75) or "
        "unstructured:S (e.g. unstructured:0.9)";
  return false;
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * v);
  return buf;
}

struct TernPrunePass : public tern::impl::TernPrunePassBase<TernPrunePass> {
  using TernPrunePassBase::TernPrunePassBase;

  void runOnOperation() override {
    PruneSpec spec;
    std::string why;
    if (!parseSpec(pattern, spec, why)) {
      getOperation().emitError() << "tern-prune: " << why;
      return signalPassFailure();
    }
    if (global && spec.kind != PruneSpec::Unstructured) {
      getOperation().emitError()
          << "tern-prune: global=true needs pattern=unstructured:S (N:M and "
             "block patterns hold per layer)";
      return signalPassFailure();
    }

    // Layers: matmuls whose weights are a float constant we can read.
    SmallVector<linalg::MatmulOp> found;
    SmallVector<WeightSource> sources;
    SmallVector<WeightMatrix> weights;
    getOperation()->walk([&](linalg::MatmulOp op) {
      std::string ignored;
      FailureOr<WeightSource> source = findWeights(op, ignored);
      if (failed(source))
        return;
      FailureOr<WeightMatrix> w = readWeights(*source, ignored);
      if (failed(w))
        return;
      found.push_back(op);
      sources.push_back(*source);
      weights.push_back(std::move(*w));
    });
    SmallVector<Operation *> ops(found.begin(), found.end());
    FailureOr<std::vector<bool>> selected = selectLayers(
        ops, layers, DefaultLayers::All, getOperation(), "tern-prune");
    if (failed(selected))
      return signalPassFailure();

    float threshold = 0;
    if (global) {
      std::vector<float> magnitudes;
      for (size_t i = 0; i < found.size(); ++i)
        if ((*selected)[i])
          for (float v : weights[i].values)
            magnitudes.push_back(std::fabs(v));
      threshold = sparse::magnitudeThreshold(magnitudes, spec.sparsity);
    }

    IRRewriter rewriter(&getContext());
    for (size_t i = 0; i < found.size(); ++i) {
      if (!(*selected)[i])
        continue;
      WeightMatrix &w = weights[i];
      double error = 0;
      switch (spec.kind) {
      case PruneSpec::NM:
        error = sparse::pruneNM(w.values, w.n, w.k, spec.keep, spec.group);
        break;
      case PruneSpec::Block:
        error = sparse::pruneBlocks(w.values, w.n, w.k, spec.rows, spec.cols,
                                    spec.sparsity);
        break;
      case PruneSpec::Unstructured:
        error = global ? sparse::pruneBelow(w.values, threshold)
                       : sparse::pruneUnstructured(w.values, w.n, w.k,
                                                   spec.sparsity);
        break;
      }
      int64_t nnz = 0;
      for (float v : w.values)
        nnz += v != 0.0f;
      Location loc = found[i].getLoc();
      replaceWeights(rewriter, found[i], sources[i], w);
      char err[32];
      std::snprintf(err, sizeof(err), "%.4f", error);
      emitRemark(loc) << "tern-prune: pruned layer '" << layerName(loc) << "' ("
                      << w.n << " x " << w.k << ") to " << pattern
                      << (global ? " (global threshold)" : "") << ": density "
                      << percent(w.values.empty()
                                     ? 0.0
                                     : double(nnz) / w.values.size())
                      << ", relative error " << err;
    }
  }
};

} // namespace
