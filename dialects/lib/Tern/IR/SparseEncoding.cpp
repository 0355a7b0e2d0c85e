//===- SparseEncoding.cpp - Which sparse format a weight type names -------===//

#include "tern/Dialect/Tern/IR/SparseEncoding.h"
#include "tern/Dialect/Tern/IR/TernAttrs.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/SparseTensor/IR/SparseTensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace mlir::tern;
namespace st = mlir::sparse_tensor;

std::string SparseWeightFormat::str() const {
  switch (kind) {
  case Csr:
    return "CSR";
  case Ell:
    return "ELL (row length " + std::to_string(rowLength) + ")";
  case NM:
    return std::to_string(keep) + ":" + std::to_string(group);
  case Bsr:
    return "BSR " + std::to_string(blockRows) + "x" + std::to_string(blockCols);
  }
  return "?";
}

/// `d floordiv c` or `d mod c` with a positive constant c: c, else 0.
static int64_t constantRhs(AffineExpr e, AffineExprKind kind, unsigned dim) {
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin || bin.getKind() != kind)
    return 0;
  auto d = dyn_cast<AffineDimExpr>(bin.getLHS());
  auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
  if (!d || !c || d.getPosition() != dim || c.getValue() <= 0)
    return 0;
  return c.getValue();
}

FailureOr<SparseWeightFormat>
mlir::tern::getSparseWeightFormat(Attribute encoding, std::string &why) {
  SparseWeightFormat f;
  if (!encoding) {
    why = "the weights' type has no encoding (expected a "
          "#sparse_tensor.encoding for CSR, BSR or N:M, or #tern.ell)";
    return failure();
  }
  if (auto ell = dyn_cast<EllEncodingAttr>(encoding)) {
    f.kind = SparseWeightFormat::Ell;
    f.rowLength = ell.getRowLength();
    return f;
  }
  auto enc = dyn_cast<st::SparseTensorEncodingAttr>(encoding);
  if (!enc) {
    why = "the weights' encoding is neither #sparse_tensor.encoding nor "
          "#tern.ell";
    return failure();
  }
  if (enc.getDimRank() != 2) {
    why = "the weights' encoding is not for a matrix";
    return failure();
  }
  ArrayRef<st::LevelType> lvls = enc.getLvlTypes();
  AffineMap map = enc.getDimToLvl();
  bool identity = !map || map.isIdentity();
  if (identity && lvls.size() == 2 && st::isDenseLT(lvls[0]) &&
      st::isCompressedLT(lvls[1])) {
    f.kind = SparseWeightFormat::Csr;
    return f;
  }
  if (identity && lvls.size() == 2 && st::isDenseLT(lvls[0]) &&
      st::isNOutOfMLT(lvls[1])) {
    f.kind = SparseWeightFormat::NM;
    f.keep = static_cast<int>(st::getN(lvls[1]));
    f.group = static_cast<int>(st::getM(lvls[1]));
    if (f.keep <= 0 || f.keep >= f.group) {
      why = "structured[" + std::to_string(f.keep) + ", " +
            std::to_string(f.group) + "] needs 0 < N < M";
      return failure();
    }
    return f;
  }
  if (map && map.getNumResults() == 4 && lvls.size() == 4 &&
      st::isDenseLT(lvls[0]) && st::isCompressedLT(lvls[1]) &&
      st::isDenseLT(lvls[2]) && st::isDenseLT(lvls[3])) {
    int64_t br = constantRhs(map.getResult(0), AffineExprKind::FloorDiv, 0);
    int64_t bc = constantRhs(map.getResult(1), AffineExprKind::FloorDiv, 1);
    if (br && bc &&
        constantRhs(map.getResult(2), AffineExprKind::Mod, 0) == br &&
        constantRhs(map.getResult(3), AffineExprKind::Mod, 1) == bc) {
      f.kind = SparseWeightFormat::Bsr;
      f.blockRows = static_cast<int>(br);
      f.blockCols = static_cast<int>(bc);
      return f;
    }
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << encoding;
  why = "unsupported sparse encoding " + s +
        " (tern.sparse_matmul takes CSR (dense, compressed), N:M (dense, "
        "structured[N, M]), BSR (i floordiv R : dense, j floordiv C : "
        "compressed, i mod R : dense, j mod C : dense) or #tern.ell)";
  return failure();
}

Attribute mlir::tern::getSparseWeightEncoding(MLIRContext *ctx,
                                              const SparseWeightFormat &f) {
  std::string text;
  switch (f.kind) {
  case SparseWeightFormat::Ell:
    return EllEncodingAttr::get(ctx, f.rowLength);
  case SparseWeightFormat::Csr:
    text = "(i, j) -> (i : dense, j : compressed)";
    break;
  case SparseWeightFormat::NM:
    text = "(i, j) -> (i : dense, j : structured[" + std::to_string(f.keep) +
           ", " + std::to_string(f.group) + "])";
    break;
  case SparseWeightFormat::Bsr: {
    std::string r = std::to_string(f.blockRows),
                c = std::to_string(f.blockCols);
    text = "(i, j) -> (i floordiv " + r + " : dense, j floordiv " + c +
           " : compressed, i mod " + r + " : dense, j mod " + c + " : dense)";
    break;
  }
  }
  ctx->getOrLoadDialect<st::SparseTensorDialect>();
  return parseAttribute("#sparse_tensor.encoding<{map = " + text + "}>", ctx);
}
