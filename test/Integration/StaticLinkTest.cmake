# Compiles examples/ternary-mlp/model.mlir with ternc, builds the example's
# main.c against the static library with -std=c99 -Wall -Werror, runs it and
# requires exit 0 and its success line. Run by ctest as
#   cmake -DTERNC=... -DCC=... -DEXAMPLE_DIR=... -DWORK_DIR=... -P <this file>

foreach(var TERNC CC EXAMPLE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "StaticLinkTest.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

include(${CMAKE_CURRENT_LIST_DIR}/../RunStep.cmake)

run_step("ternc" ${TERNC} ${EXAMPLE_DIR}/model.mlir -o ${WORK_DIR}
  --name ternary_mlp --quiet)
foreach(f libternary_mlp.a ternary_mlp.h tern/runtime.h)
  if(NOT EXISTS ${WORK_DIR}/${f})
    message(FATAL_ERROR "ternc did not write ${WORK_DIR}/${f}")
  endif()
endforeach()

# EXTRA_FLAGS: the sanitizer build's flags (its libraries are instrumented).
separate_arguments(extra UNIX_COMMAND "${EXTRA_FLAGS}")
run_step("compiling main.c" ${CC} -std=c99 -Wall -Werror ${extra}
  ${EXAMPLE_DIR}/main.c -I${WORK_DIR} -I${EXAMPLE_DIR}
  -L${WORK_DIR} -l:libternary_mlp.a -lpthread -ldl -lm
  -o ${WORK_DIR}/ternary_mlp_main)

run_step("running the example" ${WORK_DIR}/ternary_mlp_main)
message(STATUS "example output:\n${STEP_OUTPUT}")
if(NOT STEP_OUTPUT MATCHES "(^|\n)all 4 outputs match the reference\n")
  message(FATAL_ERROR "the example did not print "
    "'all 4 outputs match the reference'")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
