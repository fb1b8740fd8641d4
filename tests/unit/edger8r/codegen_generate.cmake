# SPDX-License-Identifier: Apache-2.0
# Runs `cella edger8r` for one golden case at build time, keeping its expected warnings (the
# Warnings case has some) out of the build log; errors are shown and fail the build.
#   cmake -DCELLA=<cella> -DOUT=<dir> "-DARGS=<options and file>" -P codegen_generate.cmake
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${CELLA}" edger8r ${ARGS} --trusted-dir "${OUT}" --untrusted-dir "${OUT}"
  RESULT_VARIABLE status ERROR_VARIABLE errors OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cella edger8r failed (${status}):\n${errors}")
endif()
