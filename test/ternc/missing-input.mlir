// RUN: rm -f %t.missing.mlir
// RUN: not ternc %t.missing.mlir --emit=kernel 2>&1 | FileCheck %s

// The message for a missing input says "cannot open input file" once.
// Today openInputFile's message already starts with it and Driver.cpp adds
// its own prefix, giving
//   ternc: error: cannot open input file 'X': cannot open input file 'X': No such file or directory

// CHECK:     ternc: error: cannot open input file '{{[^']*}}missing.mlir': No such file or directory
// CHECK-NOT: cannot open input file
