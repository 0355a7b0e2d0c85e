# Copies the runtime archive IN to OUT with its defined global symbols made
# weak (undefined references, to libc say, stay as they are). ternc merges
# this copy into every model library, so that a program linking several
# models, even with --whole-archive, keeps one copy of each runtime function
# instead of failing on duplicate definitions.
# SYMS receives the list of those symbols, one a line, for objcopy's
# --weaken-symbols (ternc weakens a runtime it builds for a cross target
# with it).
#   cmake -DNM=... -DOBJCOPY=... -DIN=... -DOUT=... -DSYMS=...
#         -P WeakenRuntime.cmake
execute_process(COMMAND ${NM} --defined-only --extern-only --format=posix ${IN}
  OUTPUT_VARIABLE listing RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} ${IN} failed")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(symbols)
foreach(line IN LISTS lines)
  # "symbol type value size"; archive member headers end with ':'.
  if(line MATCHES "^([^ :]+) [A-Za-z] ")
    list(APPEND symbols "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(REMOVE_DUPLICATES symbols)
list(SORT symbols)
string(REPLACE ";" "\n" text "${symbols}")
file(WRITE ${SYMS} "${text}\n")
execute_process(COMMAND ${OBJCOPY} --weaken-symbols=${SYMS} ${IN} ${OUT}.tmp
  RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${OBJCOPY} failed on ${IN}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
