# SPDX-License-Identifier: Apache-2.0
# Fails when the host-test build of the trusted C library defines a global symbol that is not
# prefixed (cella_tlibc_ or cella_trts_): it would replace the host's function of that name.
# Sanitizer bookkeeping symbols are allowed.
# Usage: cmake -DNM=<nm> -DLIBRARY=<archive> -P check_symbols.cmake
execute_process(COMMAND ${NM} -g --defined-only ${LIBRARY} OUTPUT_VARIABLE symbols
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(bad "")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F]+ [A-Za-z] (.+)$")
    set(name "${CMAKE_MATCH_1}")
    math(EXPR count "${count} + 1")
    # Sanitizer builds add their own bookkeeping symbols (ASan's ODR indicators).
    if(NOT name MATCHES "^cella_tlibc_" AND NOT name MATCHES "^cella_trts_"
       AND NOT name MATCHES "^__(odr_asan|asan_|ubsan_|sancov_)")
      list(APPEND bad "${name}")
    endif()
  endif()
endforeach()
if(count LESS 100)
  message(FATAL_ERROR "only ${count} global symbols in ${LIBRARY}: wrong archive?")
endif()
if(bad)
  message(FATAL_ERROR "unprefixed global symbols (add them to trusted/libc/test_rename.h): ${bad}")
endif()
message(STATUS "${count} global symbols, all prefixed")
