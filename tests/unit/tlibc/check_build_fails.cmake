# SPDX-License-Identifier: Apache-2.0
# Builds SOURCE as trusted code and passes only when the build fails with EXPECT in its output.
# Compile only, or compile and link when LINK_FLAGS is given (against LIBRARY).
# Usage: cmake -DCOMPILER=cc -DFLAGS=a|b|c [-DFUNCTION=f] [-DLINK_FLAGS=x|y -DLIBRARY=lib.a]
#              -DSOURCE=file.c -DEXPECT=text -DWORK_DIR=dir -P check_build_fails.cmake
string(REPLACE "|" ";" flags "${FLAGS}")
set(command ${COMPILER} ${flags} -std=c11)
if(FUNCTION)
  list(APPEND command -DUSE_${FUNCTION})
endif()
get_filename_component(stem "${SOURCE}" NAME_WE)
if(LINK_FLAGS)
  string(REPLACE "|" ";" link_flags "${LINK_FLAGS}")
  list(APPEND command ${SOURCE} ${link_flags} ${LIBRARY} -o ${WORK_DIR}/${stem}${FUNCTION}.out)
else()
  list(APPEND command -c ${SOURCE} -o ${WORK_DIR}/${stem}${FUNCTION}.o)
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "the build succeeded but must fail:\n${command}")
endif()
string(FIND "${output}" "${EXPECT}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "the build failed without the expected text \"${EXPECT}\":\n${output}")
endif()
message(STATUS "failed as expected: ${EXPECT}")
