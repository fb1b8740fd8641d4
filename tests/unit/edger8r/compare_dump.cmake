# SPDX-License-Identifier: Apache-2.0
# Runs cella-edl-dump on the golden Enclave.edl and compares its output with Enclave.golden.
# Usage: cmake -DTOOL=<cella-edl-dump> -DDIR=<tests/unit/edger8r/edl> -P compare_dump.cmake
execute_process(
  COMMAND ${TOOL} --search-path ${DIR}/sdk --search-path ${DIR}
          -D CELLA_TEST_DEFINE -DCELLA_TEST_VALUE=3 ${DIR}/Enclave.edl
  OUTPUT_VARIABLE actual
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cella-edl-dump failed (${status}):\n${errors}")
endif()
file(READ ${DIR}/Enclave.golden expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "cella-edl-dump output differs from ${DIR}/Enclave.golden:\n${actual}")
endif()
