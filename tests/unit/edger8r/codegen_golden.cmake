# SPDX-License-Identifier: Apache-2.0
# Runs `cella edger8r` on every golden case and compares its outputs with golden/<case>/.
#
#   cmake -DCELLA=<cella> -DCELLA_CODEGEN_DIR=<tests/unit/edger8r> \
#         -DCELLA_CODEGEN_SGX_DIR=<include/sgx> -DWORK_DIR=<scratch> [-DUPDATE=ON] \
#         -P codegen_golden.cmake
#
# With -DUPDATE=ON the outputs replace the golden files instead (review the diff, then commit);
# `cmake --build <build> --target update_edger8r_goldens` does that.
cmake_minimum_required(VERSION 3.25)
include("${CELLA_CODEGEN_DIR}/codegen_cases.cmake")
set(failures "")
foreach(case IN LISTS CELLA_CODEGEN_CASES)
  set(out "${WORK_DIR}/${case}")
  file(REMOVE_RECURSE "${out}")
  file(MAKE_DIRECTORY "${out}")
  execute_process(
    COMMAND "${CELLA}" edger8r ${CELLA_CODEGEN_${case}_ARGS} --trusted-dir "${out}"
            --untrusted-dir "${out}" "${CELLA_CODEGEN_${case}_EDL}"
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE status ERROR_VARIABLE errors OUTPUT_QUIET)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "cella edger8r failed on ${case} (${status}):\n${errors}")
  endif()
  cella_codegen_outputs(${case} files)
  file(GLOB produced RELATIVE "${out}" "${out}/*")
  list(SORT produced)
  set(expected_files ${files})
  list(SORT expected_files)
  if(NOT produced STREQUAL expected_files)
    list(APPEND failures "${case}: produced [${produced}], expected [${expected_files}]")
  endif()
  foreach(file IN LISTS files)
    set(golden "${CELLA_CODEGEN_DIR}/golden/${case}/${file}")
    if(UPDATE)
      file(MAKE_DIRECTORY "${CELLA_CODEGEN_DIR}/golden/${case}")
      file(COPY_FILE "${out}/${file}" "${golden}")
      continue()
    endif()
    if(NOT EXISTS "${golden}")
      list(APPEND failures "${case}: ${golden} is missing")
      continue()
    endif()
    file(READ "${out}/${file}" actual)
    file(READ "${golden}" wanted)
    if(NOT actual STREQUAL wanted)
      list(APPEND failures "${case}: ${file} differs from ${golden} (diff ${out}/${file})")
    endif()
  endforeach()
endforeach()
if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "generated code differs from the goldens:\n  ${text}\n"
    "If the change is intended: cmake --build <build> --target update_edger8r_goldens")
endif()
if(UPDATE)
  message(STATUS "golden files updated in ${CELLA_CODEGEN_DIR}/golden")
endif()
