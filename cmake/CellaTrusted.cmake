# SPDX-License-Identifier: Apache-2.0
# Flags and helpers for trusted (enclave) code: freestanding, position independent, never sanitized.
#
# Trusted code sees only cella's trusted C library headers (trusted/include) and the compiler's
# own freestanding headers (stddef.h, stdint.h, stdarg.h, limits.h, float.h, stdatomic.h, ...).
# The build type's sanitizer flags (Asan, Tsan, Fuzz) never reach it: `-fno-sanitize=all` comes
# after them on every trusted compile and link line.
#
# Stack protection uses one global canary, `__stack_chk_guard` (defined by the trusted C library),
# rather than the TLS slot at %fs:0x28, so trusted code does not depend on a TLS layout. The
# trusted runtime stores a random value in it before it calls any protected function.

if(NOT TARGET cella::trusted_flags)
  # In cella's own tree. For an installed cella, cellaConfig.cmake defines the imported
  # cella::trusted_flags (with the project's own compiler's header folder) and
  # CELLA_TRUSTED_LINK_FLAGS before it includes this file for the functions below.

  # The compiler's own header directory (stddef.h and friends), searched after trusted/include
  # so that trusted/include/limits.h can hand over to the compiler's limits.h with #include_next.
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
    OUTPUT_VARIABLE compiler_include_dir OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(CELLA_COMPILER_INCLUDE_DIR "${compiler_include_dir}" CACHE INTERNAL
    "The C compiler's freestanding header directory")
  set(CELLA_TRUSTED_INCLUDE_DIR "${PROJECT_SOURCE_DIR}/trusted/include" CACHE INTERNAL
    "The trusted C library's headers")

  set(CELLA_TRUSTED_C_FLAGS
    -ffreestanding -nostdinc -fPIE
    -fstack-protector-strong -mstack-protector-guard=global
    -fno-sanitize=all
    CACHE INTERNAL "Compile options of every trusted (enclave) translation unit")
  set(CELLA_TRUSTED_LINK_FLAGS
    -nostdlib -static-pie -fno-sanitize=all -Wl,--no-undefined -Wl,-z,noexecstack
    CACHE INTERNAL "Link options of every trusted (enclave) image")

  # Everything a trusted translation unit needs: flags, the trusted C library's headers and the
  # compiler's freestanding headers (in that order). Installed, the headers are in
  # <prefix>/include/cella/tlibc.
  add_library(cella_trusted_flags INTERFACE)
  add_library(cella::trusted_flags ALIAS cella_trusted_flags)
  set_target_properties(cella_trusted_flags PROPERTIES EXPORT_NAME trusted_flags)
  target_compile_options(cella_trusted_flags INTERFACE ${CELLA_TRUSTED_C_FLAGS})
  target_include_directories(cella_trusted_flags INTERFACE
    $<BUILD_INTERFACE:${CELLA_TRUSTED_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/cella/tlibc>)
  # An option, not an include directory: CMake drops the compiler's implicit directories from
  # include lists, but -nostdinc removed them from the search. Not exported: it names this
  # build's compiler.
  target_compile_options(cella_trusted_flags INTERFACE
    "$<BUILD_INTERFACE:SHELL:-isystem ${CELLA_COMPILER_INCLUDE_DIR}>")
  install(TARGETS cella_trusted_flags EXPORT cellaTargets)
endif()

# cella_add_trusted_library(NAME SOURCES ...): a static library for enclaves, built freestanding
# with the project's warnings and without sanitizers.
function(cella_add_trusted_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC cella::trusted_flags)
  if(TARGET cella_warnings)
    # cella's own warnings, in cella's tree only.
    target_link_libraries(${name} PRIVATE $<BUILD_INTERFACE:cella_warnings>)
  endif()
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# cella_add_trusted_executable(NAME SOURCES ... [LIBS ...]): a freestanding static-PIE program
# linked without any C library but the trusted one; an unresolved symbol is a link error.
# Enclave images are built on this.
function(cella_add_trusted_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE cella::trusted_flags ${ARG_LIBS})
  if(TARGET cella_warnings)
    target_link_libraries(${name} PRIVATE cella_warnings)
  endif()
  target_link_options(${name} PRIVATE ${CELLA_TRUSTED_LINK_FLAGS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
