# SPDX-License-Identifier: Apache-2.0
# Compiler flags: warnings everywhere, hardening on host code, and the project's build types.

set(CELLA_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes
  -Wmissing-prototypes -Wvla -Wwrite-strings -Wcast-qual -Wimplicit-fallthrough
  -Wswitch-enum -Wundef)
if(CELLA_WERROR)
  list(APPEND CELLA_WARNINGS -Werror)
endif()

# Interface targets carry the flags so trusted (enclave) code can take the warnings
# without the host hardening.
add_library(cella_warnings INTERFACE)
target_compile_options(cella_warnings INTERFACE ${CELLA_WARNINGS})

add_library(cella_hardening INTERFACE)
target_compile_options(cella_hardening INTERFACE -fstack-protector-strong)
target_link_options(cella_hardening INTERFACE -pie -Wl,-z,relro,-z,now,-z,noexecstack)
# _FORTIFY_SOURCE needs optimisation and conflicts with the sanitizers.
target_compile_definitions(cella_hardening INTERFACE
  $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:_FORTIFY_SOURCE=3>)

# Extra build types.
set(CMAKE_C_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    CACHE STRING "ASan+UBSan build" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_ASAN "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_C_FLAGS_TSAN "-O1 -g -fno-omit-frame-pointer -fsanitize=thread"
    CACHE STRING "ThreadSanitizer build" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_TSAN "-fsanitize=thread" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_TSAN "-fsanitize=thread" CACHE STRING "" FORCE)
# Fuzz: libraries get coverage instrumentation; fuzz targets add -fsanitize=fuzzer at link.
set(CMAKE_C_FLAGS_FUZZ "-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
    CACHE STRING "libFuzzer build (clang)" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_FUZZ "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_FUZZ "-fsanitize=address,undefined" CACHE STRING "" FORCE)
mark_as_advanced(CMAKE_C_FLAGS_ASAN CMAKE_EXE_LINKER_FLAGS_ASAN CMAKE_SHARED_LINKER_FLAGS_ASAN
  CMAKE_C_FLAGS_TSAN CMAKE_EXE_LINKER_FLAGS_TSAN CMAKE_SHARED_LINKER_FLAGS_TSAN
  CMAKE_C_FLAGS_FUZZ CMAKE_EXE_LINKER_FLAGS_FUZZ CMAKE_SHARED_LINKER_FLAGS_FUZZ)

string(TOUPPER "${CMAKE_BUILD_TYPE}" CELLA_BUILD_TYPE_UPPER)
if(CELLA_BUILD_TYPE_UPPER STREQUAL "FUZZ" AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "The Fuzz build type needs clang: configure with -DCMAKE_C_COMPILER=clang")
endif()
