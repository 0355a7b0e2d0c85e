//===- TernBase.td - The tern dialect and its base op class -*- tablegen -*-===//
//
// The dialect definition and the base class every tern op derives from. The
// dialect holds only what upstream MLIR cannot say: encoded (packed) weights
// and the ops that consume them. Everything else stays in linalg/tensor/arith.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_BASE_TD
#define TERN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tern_Dialect : Dialect {
  let name = "tern";
  let cppNamespace = "::mlir::tern";
  let summary = "Ternary and sparse weight encodings and the ops that use them";
  let description = [{
    The `tern` dialect represents layers whose weights are ternary
    ({-a, 0, +a}) or sparse, with the weights stored in a packed encoding that
    the op's attribute describes. Activations stay builtin tensors. Passes
    raise `linalg` matmuls with suitable constant weights into tern ops
    (`tern-raise`) and lower tern ops into kernel form: `linalg.generic` ops
    with add/subtract accumulations and no multiplication by weights
    (`tern-lower-ternary`), which the Halide emitter then compiles.

    Activation sparsity is carried by two dialect attributes on other
    dialects' ops, verified by the dialect:

    - `tern.skip_zero_input = i` on a `linalg.generic` accumulation: the
      reduction steps where input operand `i` (read through its indexing
      map) is zero are skipped at run time. Set by
      `tern-skip-zero-activations` only where a zero provably leaves the
      sum unchanged; the Halide emitter turns it into a branch around each
      step, so a zero activation skips its row of weights.
    - `tern.activation_threshold = T` on a `linalg.matmul` or
      `tern.ternary_matmul`: inputs with `|x| <= T` are treated as zero
      (TEAL); `tern-activation-threshold` materializes it.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Discardable attributes with a meaning (tern.skip_zero_input,
  // tern.activation_threshold) are checked where they appear.
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::sparse_tensor::SparseTensorDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

// Base class for all tern ops. Every tern op is free of side effects: weights
// are values, not memory.
class Tern_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tern_Dialect, mnemonic, !listconcat(traits, [Pure])>;

class Tern_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tern_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // TERN_BASE_TD
