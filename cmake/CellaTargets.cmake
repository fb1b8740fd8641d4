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
# labelled "unit" so the ASan+UBSan pass of `make test` runs it too.
function(cella_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE cella_warnings PkgConfig::CMOCKA ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${ARG_LABELS}"
    ENVIRONMENT "CELLA_SHARED_DIR=${CELLA_SHARED_DIR};${ARG_ENV}")
endfunction()
