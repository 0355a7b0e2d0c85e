//===- SparseEncoding.h - Which sparse format a weight type names -*- C++
//-*-===//
//
// tern.sparse_matmul's weights carry their format in the tensor type's
// encoding: upstream `#sparse_tensor.encoding` for CSR, BSR and N:M, Tern's
// `#tern.ell` for the padded row length upstream cannot say. This is the
// one place that reads (and builds) those encodings, so verifier, passes
// and reports agree on what each one means.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_SPARSEENCODING_H
#define TERN_DIALECT_TERN_IR_SPARSEENCODING_H

#include "mlir/IR/Attributes.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>

namespace mlir::tern {

/// A weight format and its parameters.
struct SparseWeightFormat {
  enum Kind { Csr, Ell, NM, Bsr };
  Kind kind = Csr;
  int64_t rowLength = 0;   ///< Ell
  int keep = 0, group = 0; ///< NM: `keep` nonzeros in every `group` inputs
  int blockRows = 0, blockCols = 0; ///< Bsr: outputs x inputs per block

  /// "CSR", "ELL (row length 52)", "2:4", "BSR 4x4".
  std::string str() const;
};

/// Reads the format of an `N x K` weight type's encoding; failure with
/// `why` naming the problem for any other encoding (or none).
FailureOr<SparseWeightFormat> getSparseWeightFormat(Attribute encoding,
                                                    std::string &why);

/// The encoding attribute for `format` (upstream's, or #tern.ell).
Attribute getSparseWeightEncoding(MLIRContext *ctx,
                                  const SparseWeightFormat &format);

} // namespace mlir::tern

#endif // TERN_DIALECT_TERN_IR_SPARSEENCODING_H
