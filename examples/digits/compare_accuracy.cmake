# Runs two accuracy binaries of one digits model (SPARSE: sparse kernels or
# thresholded activations; DENSE: the reference build) and fails unless they
# agree within MAX_DIFF samples (default 1) and SPARSE reaches MIN_ACCURACY.
# See CMakeLists.txt.
foreach(v SPARSE DENSE TEST_X TEST_Y MIN_ACCURACY)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "compare_accuracy.cmake: -D${v}=... missing")
  endif()
endforeach()

function(run_accuracy exe out_correct out_line)
  execute_process(COMMAND ${exe} ${TEST_X} ${TEST_Y}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${exe} failed (${rc}): ${out}${err}")
  endif()
  if(NOT out MATCHES "accuracy: ([0-9.]+) \\(([0-9]+)/([0-9]+)\\)")
    message(FATAL_ERROR "${exe}: no accuracy line in: ${out}")
  endif()
  set(${out_correct} ${CMAKE_MATCH_2} PARENT_SCOPE)
  set(total ${CMAKE_MATCH_3} PARENT_SCOPE)
  string(STRIP "${out}" out)
  set(${out_line} "${out}" PARENT_SCOPE)
endfunction()

if(NOT DEFINED MAX_DIFF)
  set(MAX_DIFF 1)
endif()
run_accuracy(${SPARSE} sparse sparse_line)
run_accuracy(${DENSE} dense dense_line)
message(STATUS "sparse: ${sparse_line}")
message(STATUS "dense:  ${dense_line}")
math(EXPR diff "${sparse} - ${dense}")
math(EXPR negative "0 - ${MAX_DIFF}")
if(diff GREATER MAX_DIFF OR diff LESS negative)
  message(FATAL_ERROR "the two builds' correct counts differ by ${diff} "
                      "(more than ${MAX_DIFF})")
endif()
string(REGEX REPLACE "^0?\\." "" frac "${MIN_ACCURACY}")
string(SUBSTRING "${frac}000" 0 3 frac)
math(EXPR needed "(${total} * ${frac} + 999) / 1000")
if(sparse LESS needed)
  message(FATAL_ERROR "accuracy ${sparse}/${total} is below ${MIN_ACCURACY}")
endif()
