// RUN: rm -rf %t
// RUN: ternc %s --entry=in_out --name=in_out -o %t/in_out --quiet
// RUN: FileCheck %s --check-prefix=IN-OUT --input-file=%t/in_out/in_out.h
// RUN: ternc %s --entry=quote --name=quote -o %t/quote --quiet
// RUN: FileCheck %s --check-prefix=QUOTE --input-file=%t/quote/quote.h
// RUN: ternc %s --entry=percent --name=percent -o %t/percent --quiet --keep-temps
// RUN: FileCheck %s --check-prefix=PERCENT --input-file=%t/percent/percent.build/percent_driver.c

// Port names come from tern.name and may be any string; the generated C
// must compile and behave whatever they are. Three ways it does not today
// (LibraryWriter.cpp):
//  - "in" and "out" become parameters of <name>_run, whose body declares
//    locals `in` and `out`: "'in' redeclared as different kind of symbol";
//  - a '"' is copied unescaped into the string literals of the NULL-pointer
//    messages (commentSafe, not cString): the driver does not compile;
//  - a '%' is copied into those literals, which tern_set_error uses as a
//    printf format with no arguments: "%s" reads a missing argument when the
//    caller passes NULL for that port.

// IN-OUT: tern_status in_out_run(in_out_model *model,
func.func @in_out(%x: tensor<4xf32> {tern.name = "in"})
    -> (tensor<4xf32> {tern.name = "out"}) {
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

// QUOTE: tern_status quote_run(quote_model *model,
func.func @quote(%x: tensor<4xf32> {tern.name = "say \22hi\22"})
    -> (tensor<4xf32> {tern.name = "y"}) {
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

// The name may appear as data (the info table), but not as format text.
// PERCENT:     percent_run(
// PERCENT-NOT: '100%s' is NULL"
func.func @percent(%x: tensor<4xf32> {tern.name = "x"})
    -> (tensor<4xf32> {tern.name = "100%s"}) {
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
