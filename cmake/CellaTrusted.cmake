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

# The compiler's own header directory (stddef.h and friends), searched after trusted/include so
# that trusted/include/limits.h can hand over to the compiler's limits.h with #include_next.
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

if(NOT TARGET cella_trusted_flags)
  # Everything a trusted translation unit needs: flags, the trusted C library's headers and the
  # compiler's freestanding headers (in that order).
  add_library(cella_trusted_flags INTERFACE)
  target_compile_options(cella_trusted_flags INTERFACE ${CELLA_TRUSTED_C_FLAGS})
  target_include_directories(cella_trusted_flags INTERFACE ${CELLA_TRUSTED_INCLUDE_DIR})
  # An option, not an include directory: CMake drops the compiler's implicit directories from
  # include lists, but -nostdinc removed them from the search.
  target_compile_options(cella_trusted_flags INTERFACE -isystem ${CELLA_COMPILER_INCLUDE_DIR})
endif()

# cella_add_trusted_library(NAME SOURCES ...): a static library for enclaves, built freestanding
# with the project's warnings and without sanitizers.
function(cella_add_trusted_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC cella_trusted_flags PRIVATE cella_warnings)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# cella_add_trusted_executable(NAME SOURCES ... [LIBS ...]): a freestanding static-PIE program
# linked without any C library but the trusted one; an unresolved symbol is a link error.
# Enclave images are built on this.
function(cella_add_trusted_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE cella_trusted_flags cella_warnings ${ARG_LIBS})
  target_link_options(${name} PRIVATE ${CELLA_TRUSTED_LINK_FLAGS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
