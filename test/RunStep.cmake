# run_step(WHAT COMMAND...): runs a command in WORK_DIR for the -P scripts
# of ctest (StaticLinkTest.cmake, InstallTest.cmake); stops with its output
# unless it exits 0, and leaves stdout and stderr in STEP_OUTPUT.
function(run_step what)
  execute_process(COMMAND ${ARGN}
    WORKING_DIRECTORY ${WORK_DIR}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "${what} failed (${rc}):\n${command}\n${out}${err}")
  endif()
  set(STEP_OUTPUT "${out}${err}" PARENT_SCOPE)
endfunction()
