//===- InitAll.cpp - Dialects and passes Tern's tools use -------*- C++ -*-===//
//
// See InitAll.h.
//
//===----------------------------------------------------------------------===//

#include "tern/InitAll.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Pipelines/Pipelines.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void mlir::tern::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<
      mlir::arith::ArithDialect, mlir::func::FuncDialect,
      mlir::linalg::LinalgDialect, mlir::math::MathDialect,
      mlir::tensor::TensorDialect, mlir::bufferization::BufferizationDialect,
      mlir::sparse_tensor::SparseTensorDialect, mlir::tern::TernDialect>();
}

void mlir::tern::registerPasses() {
  mlir::tern::registerTernTransformsPasses();
  mlir::tern::registerTernConversionPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerLinalgGeneralizeNamedOpsPass();
  registerPipelines();
}
