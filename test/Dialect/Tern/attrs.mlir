// RUN: tern-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// #tern.ternary round-trips wherever an attribute may stand; here on
// functions, where nothing else (no op verifier) looks at it.

// CHECK-LABEL: func.func @per_row
// CHECK-SAME:    attributes {enc = #tern.ternary<scale = per_row, packing = i2>}
func.func @per_row() attributes {
    enc = #tern.ternary<scale = per_row, packing = i2>} {
  return
}

// -----

// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME:    attributes {enc = #tern.ternary<scale = per_tensor, packing = i2>}
func.func @per_tensor() attributes {
    enc = #tern.ternary<scale = per_tensor, packing = i2>} {
  return
}

// -----

// The parameters are a struct: any order parses, the printer uses the
// declared one.
// CHECK-LABEL: func.func @any_order
// CHECK-SAME:    attributes {enc = #tern.ternary<scale = per_row, packing = i2>}
func.func @any_order() attributes {
    enc = #tern.ternary<packing = i2, scale = per_row>} {
  return
}

// -----

// Inside other attributes too.
// CHECK-LABEL: func.func @nested
// CHECK-SAME:    attributes {encs = [#tern.ternary<scale = per_tensor, packing = i2>, #tern.ternary<scale = per_row, packing = i2>]}
func.func @nested() attributes {
    encs = [#tern.ternary<scale = per_tensor, packing = i2>,
            #tern.ternary<scale = per_row, packing = i2>]} {
  return
}

// -----

// expected-error @+2 {{expected ::mlir::tern::TernaryScale to be one of: per_tensor, per_row}}
// expected-error @+1 {{failed to parse Tern_TernaryEncodingAttr parameter 'scale' which is to be a `::mlir::tern::TernaryScale`}}
func.func @unknown_scale() attributes {enc = #tern.ternary<scale = per_col, packing = i2>} {
  return
}

// -----

// expected-error @+2 {{expected ::mlir::tern::TernaryPacking to be one of: i2}}
// expected-error @+1 {{failed to parse Tern_TernaryEncodingAttr parameter 'packing' which is to be a `::mlir::tern::TernaryPacking`}}
func.func @unknown_packing() attributes {enc = #tern.ternary<scale = per_row, packing = i3>} {
  return
}

// -----

// Both parameters are required.
// expected-error @+1 {{expected ','}}
func.func @missing_packing() attributes {enc = #tern.ternary<scale = per_row>} {
  return
}

// -----

// expected-error @+1 {{expected '>'}}
func.func @unknown_parameter() attributes {enc = #tern.ternary<scale = per_row, packing = i2, bits = 2>} {
  return
}

// -----

// expected-error @+1 {{unknown attribute `tern` in dialect `tern`}}
func.func @unknown_mnemonic() attributes {enc = #tern.tern<scale = per_row, packing = i2>} {
  return
}
