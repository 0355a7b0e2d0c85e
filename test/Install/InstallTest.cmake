# Installs this build into a fresh prefix and uses nothing but that prefix:
# the installed tools start (their RUNPATH reaches MLIR, LLVM and Halide),
# the installed ternc compiles the ternary MLP example against the installed
# runtime, and the example is built twice, with pkg-config's tern.pc when
# pkg-config is there and with find_package(Tern) + tern_add_model, and run.
# Run by ctest as
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DCC=...
#         -P InstallTest.cmake

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR CC)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "InstallTest.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(example ${SOURCE_DIR}/examples/ternary-mlp)

include(${CMAKE_CURRENT_LIST_DIR}/../RunStep.cmake)

run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR}
  --prefix ${prefix})
foreach(f bin/ternc bin/tern-opt bin/tern-translate bin/tern-onnx-conformance
    bin/tern-hls-lint bin/tern-run lib/libtern_runtime.a include/tern/runtime.h
    lib/cmake/Tern/TernConfig.cmake lib/cmake/Tern/TernTargets.cmake
    lib/pkgconfig/tern.pc share/tern/conformance/claimed-ops.txt
    share/tern/conformance/expected-failures.txt lib/libtern_runtime_weak.a
    lib/libtern_runtime.syms share/tern/runtime/src/Threads.cpp)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()

# Every installed tool starts.
run_step("installed ternc --version" ${prefix}/bin/ternc --version)
if(NOT STEP_OUTPUT MATCHES "Tern [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ")
  message(FATAL_ERROR "ternc --version printed:\n${STEP_OUTPUT}")
endif()
run_step("installed tern-opt" ${prefix}/bin/tern-opt --version)
run_step("installed tern-translate" ${prefix}/bin/tern-translate --version)
run_step("installed tern-hls-lint" ${prefix}/bin/tern-hls-lint --help)
# No test data given: exit 77 (skip) once the lists were read, not 2.
execute_process(COMMAND ${prefix}/bin/tern-onnx-conformance
  --ternc ${prefix}/bin/ternc --data ${WORK_DIR}/no-such-data
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 77)
  message(FATAL_ERROR "installed tern-onnx-conformance exited ${rc}:\n"
    "${out}${err}")
endif()

# The installed ternc, a C compiler and the installed runtime only.
run_step("installed ternc" ${prefix}/bin/ternc ${example}/model.mlir
  -o ${WORK_DIR}/model --name ternary_mlp --quiet)
# The installed tern-run loads what it compiled.
run_step("installed tern-run" ${prefix}/bin/tern-run ${WORK_DIR}/model
  --bench --repetitions 2)
if(NOT STEP_OUTPUT MATCHES "output logits: f32 \\[1, 10\\]")
  message(FATAL_ERROR "tern-run printed:\n${STEP_OUTPUT}")
endif()
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
  run_step("pkg-config" ${PKG_CONFIG} --cflags --libs tern)
  string(STRIP "${STEP_OUTPUT}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run_step("compiling main.c with pkg-config's flags" ${CC} -std=c99 -Wall
    -Werror ${example}/main.c -I${WORK_DIR}/model -I${example}
    ${WORK_DIR}/model/libternary_mlp.a ${flags} -o ${WORK_DIR}/with_pkgconfig)
  run_step("running the pkg-config build" ${WORK_DIR}/with_pkgconfig)
  if(NOT STEP_OUTPUT MATCHES "all 4 outputs match the reference")
    message(FATAL_ERROR "the pkg-config build printed:\n${STEP_OUTPUT}")
  endif()
else()
  message(STATUS "pkg-config not found: tern.pc not exercised")
endif()

# A CMake project that finds the installed Tern.
run_step("configuring the find_package(Tern) project" ${CMAKE_COMMAND}
  -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${WORK_DIR}/consumer
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${CC}
  -DEXAMPLE_DIR=${example})
run_step("building the find_package(Tern) project" ${CMAKE_COMMAND}
  --build ${WORK_DIR}/consumer)
run_step("running the find_package(Tern) build"
  ${WORK_DIR}/consumer/ternary_mlp_main)
if(NOT STEP_OUTPUT MATCHES "all 4 outputs match the reference")
  message(FATAL_ERROR "the find_package(Tern) build printed:\n${STEP_OUTPUT}")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
