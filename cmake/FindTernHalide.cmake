# Defines the imported target Halide::Halide for Debian's Halide 14 without
# calling find_package(Halide). Halide's own package config runs
# find_dependency(LLVM 14), which overwrites LLVM_INCLUDE_DIRS and friends that
# MLIR's config set for LLVM 22, so the MLIR side would then compile against
# LLVM 14 headers. Halide.h itself includes no LLVM header, so the library and
# its header directory are all that is needed.
find_library(TERN_HALIDE_LIBRARY NAMES Halide14 Halide
  HINTS /usr/lib/x86_64-linux-gnu)
find_path(TERN_HALIDE_INCLUDE_DIR Halide.h
  HINTS /usr/include/halide14 PATH_SUFFIXES halide14)
if(NOT TERN_HALIDE_LIBRARY OR NOT TERN_HALIDE_INCLUDE_DIR)
  message(FATAL_ERROR "Halide 14 not found: install libhalide14-0-dev "
    "(apt-get install libhalide14-0-dev)")
endif()
find_package(Threads REQUIRED)
add_library(Halide::Halide SHARED IMPORTED GLOBAL)
set_target_properties(Halide::Halide PROPERTIES
  IMPORTED_LOCATION ${TERN_HALIDE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${TERN_HALIDE_INCLUDE_DIR}
  INTERFACE_COMPILE_DEFINITIONS "HALIDE_ENABLE_RTTI;HALIDE_WITH_EXCEPTIONS"
  INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS}")
message(STATUS "Halide: ${TERN_HALIDE_LIBRARY} (${TERN_HALIDE_INCLUDE_DIR})")
