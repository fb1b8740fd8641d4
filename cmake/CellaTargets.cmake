# SPDX-License-Identifier: Apache-2.0
# Helpers that give every target of one kind the same flags.

# cella_add_host_library(NAME [STATIC|SHARED] SOURCES ...): a library for host code.
function(cella_add_host_library name)
  cmake_parse_arguments(ARG "STATIC;SHARED" "" "SOURCES" ${ARGN})
  set(kind STATIC)
  if(ARG_SHARED)
    set(kind SHARED)
  endif()
  add_library(${name} ${kind} ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # Build-tree only: an installed static library must not ask its users for cella's flags.
  target_link_libraries(${name} PRIVATE $<BUILD_INTERFACE:cella_warnings>
    $<BUILD_INTERFACE:cella_hardening>)
endfunction()

# cella_add_host_executable(NAME SOURCES ...): a host program.
function(cella_add_host_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PRIVATE cella_warnings cella_hardening)
endfunction()

# cella_add_unit_test(NAME SOURCES ... [LIBS ...] [ENV ...]): a cmocka test run by CTest,
# labelled "unit" so the ASan+UBSan pass of `make test` runs it too. Its platform secrets
# (sealing keys) live in the build tree, never in the home of whoever runs the tests.
function(cella_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE cella_warnings PkgConfig::CMOCKA ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${ARG_LABELS}"
    ENVIRONMENT "CELLA_SHARED_DIR=${CELLA_SHARED_DIR};CELLA_STATE_DIR=${PROJECT_BINARY_DIR}/tests/state;${ARG_ENV}")
endfunction()

# cella_add_sim_variant(TEST [COMMAND ...] [WORKING_DIRECTORY DIR]): runs an enclave test (by
# default the program of the same name) a second time, as TEST_sim, with CELLA_BACKEND=sim.
# Enclave tests run on the default backend (the sandbox) under their own name; this keeps the
# in-process backend under the same tests. TEST's labels, environment, pass/fail expressions
# and timeout are kept.
function(cella_add_sim_variant name)
  cmake_parse_arguments(ARG "" "WORKING_DIRECTORY" "COMMAND" ${ARGN})
  set(command ${name})
  if(ARG_COMMAND)
    set(command ${ARG_COMMAND})
  endif()
  set(directory ${CMAKE_CURRENT_BINARY_DIR})
  if(ARG_WORKING_DIRECTORY)
    set(directory ${ARG_WORKING_DIRECTORY})
  endif()
  add_test(NAME ${name}_sim COMMAND ${command} WORKING_DIRECTORY ${directory})
  foreach(property LABELS ENVIRONMENT PASS_REGULAR_EXPRESSION FAIL_REGULAR_EXPRESSION TIMEOUT)
    get_test_property(${name} ${property} value)
    if(value)
      if(property STREQUAL "ENVIRONMENT")
        list(APPEND value "CELLA_BACKEND=sim")
      endif()
      set_tests_properties(${name}_sim PROPERTIES ${property} "${value}")
    elseif(property STREQUAL "ENVIRONMENT")
      set_tests_properties(${name}_sim PROPERTIES ENVIRONMENT "CELLA_BACKEND=sim")
    endif()
  endforeach()
endfunction()
