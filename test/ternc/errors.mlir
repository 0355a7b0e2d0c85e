// Bad input to ternc: each fails with a nonzero exit status and one message
// that says what is wrong, at a source location where there is one.

// Malformed MLIR: the parser's error at file:line:col, then ternc's.
// RUN: not ternc %S/Inputs/malformed.mlir --emit=kernel 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: malformed.mlir:3:10: error: use of undeclared SSA value name
// MALFORMED: ternc: error: cannot parse '{{.*}}malformed.mlir' (see the errors above)

// A missing input file.
// RUN: rm -f %t.missing.mlir
// RUN: not ternc %t.missing.mlir --emit=kernel 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: ternc: error: cannot open input file '{{.*}}missing.mlir'{{.*}}: No such file or directory

// Unwritable outputs: a text emit into a folder that does not exist, a text
// emit and a library under a regular file.
// RUN: not ternc %s --emit=mlir -o /proc/nonexistent/x 2>&1 | FileCheck %s --check-prefix=NOENT
// NOENT: ternc: error: cannot write '/proc/nonexistent/x': No such file or directory
// RUN: rm -rf %t.file
// RUN: touch %t.file
// RUN: not ternc %s --emit=kernel -o %t.file/x.mlir 2>&1 | FileCheck %s --check-prefix=NOTDIR-TEXT
// NOTDIR-TEXT: ternc: error: cannot write '{{.*}}.file/x.mlir': Not a directory
// RUN: not ternc %s --emit=halide-stmt -o %t.file/x.stmt 2>&1 | FileCheck %s --check-prefix=NOTDIR-STMT
// NOTDIR-STMT: ternc: error: cannot write '{{.*}}.file/x.stmt': Not a directory
// RUN: not ternc %s --emit=lib -o %t.file/out --quiet 2>&1 | FileCheck %s --check-prefix=NOTDIR-LIB
// NOTDIR-LIB: ternc: error: cannot create output directory '{{.*}}.file/out': Not a directory

// Model names must be C identifiers and not C keywords (checked before
// anything is parsed).
// RUN: not ternc %s --name=1abc 2>&1 | FileCheck %s --check-prefix=NAME -DNAME=1abc "-DWHY=a C identifier starts with a letter or '_'"
// RUN: not ternc %s --name=int 2>&1 | FileCheck %s --check-prefix=NAME -DNAME=int "-DWHY=it is a C keyword"
// RUN: not ternc %s --name=my-model 2>&1 | FileCheck %s --check-prefix=NAME -DNAME=my-model "-DWHY='-' is not allowed in a C identifier"
// RUN: not ternc %s --name=struct --emit=mlir 2>&1 | FileCheck %s --check-prefix=NAME -DNAME=struct "-DWHY=it is a C keyword"
// RUN: not ternc %s --name=halide_x 2>&1 | FileCheck %s --check-prefix=NAME -DNAME=halide_x "-DWHY=names starting with 'halide' are reserved for Halide's runtime"
// NAME: ternc: error: invalid model name '[[NAME]]': [[WHY]]; give another with --name, e.g. --name=my_model
// NAME-NOT: parsing

// An invalid target string.
// RUN: not ternc %s --target=bogus-os-arch --emit=halide-stmt 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: ternc: error: invalid --target 'bogus-os-arch': unknown halide target 'bogus-os-arch', expected "host", "host-cuda" or a Halide target string such as "x86-64-linux-avx2"

// An op the emitter cannot translate: its name and location, and no output
// folder is created.
// RUN: rm -rf %t.out
// RUN: not ternc %S/Inputs/untranslatable.mlir --emit=obj -o %t.out --quiet 2>&1 | FileCheck %s --check-prefix=UNTRANSLATABLE
// RUN: not ls %t.out
// UNTRANSLATABLE: untranslatable.mlir:9:10: error: 'math.atan' cannot be translated by the Halide emitter
// UNTRANSLATABLE: ternc: error: cannot generate code for '{{.*}}untranslatable.mlir' (see the errors above)

// Two public functions: ternc asks for --entry and lists the candidates
// (not the private helper); --entry picks one; an unknown --entry is an
// error.
// RUN: not ternc %S/Inputs/two-public.mlir --emit=halide-stmt 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: two-public.mlir:{{[0-9]+}}:{{[0-9]+}}: error: the module has 2 public functions; name the one to compile with --entry=NAME
// TWO: two-public.mlir:2:1: note: candidate 'first'
// TWO: two-public.mlir:14:1: note: candidate 'second'
// TWO-NOT: candidate 'helper'
// RUN: ternc %S/Inputs/two-public.mlir --emit=halide-stmt --entry=second --name=m --target=x86-64-linux-avx2 | FileCheck %s --check-prefix=ENTRY
// ENTRY: // kernel m_k0
// ENTRY: abs(in0[
// ENTRY-NOT: // kernel
// RUN: not ternc %S/Inputs/two-public.mlir --emit=halide-stmt --entry=third 2>&1 | FileCheck %s --check-prefix=NO-ENTRY
// RUN: not ternc %S/Inputs/two-public.mlir --emit=kernel --entry=third 2>&1 | FileCheck %s --check-prefix=NO-ENTRY
// NO-ENTRY: error: no function named 'third' with a body in the module

// --emit=kernel prints the whole module, or with --entry that function only
// (it used to ignore --entry).
// RUN: ternc %S/Inputs/two-public.mlir --emit=kernel --entry=second | FileCheck %s --check-prefix=KERNEL-ENTRY
// KERNEL-ENTRY-NOT: module
// KERNEL-ENTRY-NOT: @first
// KERNEL-ENTRY:     func.func @second(
// KERNEL-ENTRY:       math.absf
// KERNEL-ENTRY-NOT: @first
// KERNEL-ENTRY-NOT: @helper

// --dump-after names passes; a name that is no pass is an error (it used to
// print nothing).
// RUN: not ternc %s --emit=kernel --dump-after=tern-raise,tern-rasie 2>&1 | FileCheck %s --check-prefix=DUMP
// DUMP: ternc: error: --dump-after: no pass is named 'tern-rasie' (pass names are the tern-opt flags listed by `tern-opt --help`, without the dashes, e.g. tern-raise)
// DUMP-NOT: IR Dump

// MLIR's own IR printing flags take Tern's pass names (they were looked up
// before the passes were registered: "Cannot find option named").
// RUN: ternc %s --emit=kernel --mlir-print-ir-before=tern-raise 2>&1 >/dev/null | FileCheck %s --check-prefix=BEFORE
// BEFORE: IR Dump Before TernRaisePass (tern-raise)

func.func @negate(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
