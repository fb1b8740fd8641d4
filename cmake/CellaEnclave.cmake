# SPDX-License-Identifier: Apache-2.0
# Building SGX-style applications with cella: enclaves and the untrusted bridge.
#
#   cella_add_enclave(<name>
#       [EDL <file.edl>] [EDL_SEARCH_PATHS <dir>...]
#       SOURCES <file>...
#       [CONFIG <Enclave.config.xml>]
#       KEY <private.pem>
#       [LIBS <trusted library>...]
#       [OUTPUT <file>])
#
# builds the enclave image <name>_unsigned (a static PIE linked without the host's C library,
# against cella's trusted runtime and C library), runs `cella edger8r --trusted` on the EDL
# first when one is given, and signs the image with `cella sign` into
# ${CMAKE_CURRENT_BINARY_DIR}/<name>.signed.so (or OUTPUT). The target <name> stands for the
# signed file; its path is in the target property CELLA_SIGNED_FILE.
#
#   cella_add_untrusted_bridge(<target> EDL <file.edl> [EDL_SEARCH_PATHS <dir>...])
#
# generates <file>_u.c/.h with `cella edger8r --untrusted` and adds them to the host
# program or library <target>.
#
# The commands come from CELLA_EDGER8R_COMMAND and CELLA_SIGN_COMMAND, and the SGX SDK
# compatible headers from CELLA_SDK_INCLUDE_DIRS (all set by the cella build tree or by
# find_package(cella)).

function(cella__edger8r side edl search_paths outdir out_c out_h)
  get_filename_component(edl_abs "${edl}" ABSOLUTE)
  get_filename_component(edl_name "${edl}" NAME_WE)
  get_filename_component(edl_dir "${edl_abs}" DIRECTORY)
  set(args --${side} "${edl_abs}" --${side}-dir "${outdir}" --search-path "${edl_dir}")
  foreach(dir IN LISTS search_paths)
    get_filename_component(dir_abs "${dir}" ABSOLUTE)
    list(APPEND args --search-path "${dir_abs}")
  endforeach()
  if(side STREQUAL "trusted")
    set(suffix _t)
  else()
    set(suffix _u)
  endif()
  set(c "${outdir}/${edl_name}${suffix}.c")
  set(h "${outdir}/${edl_name}${suffix}.h")
  # The depfile names every EDL file read, imports included, so editing an imported EDL
  # regenerates the bridges.
  set(depfile "${outdir}/${edl_name}${suffix}.d")
  add_custom_command(OUTPUT "${c}" "${h}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${outdir}"
    COMMAND ${CELLA_EDGER8R_COMMAND} ${args} --depfile "${depfile}"
    DEPENDS "${edl_abs}" ${CELLA_EDGER8R_DEPENDS}
    DEPFILE "${depfile}"
    COMMENT "Generating the ${side} bridge of ${edl_name}.edl" VERBATIM)
  set(${out_c} "${c}" PARENT_SCOPE)
  set(${out_h} "${h}" PARENT_SCOPE)
endfunction()

function(cella_add_enclave name)
  cmake_parse_arguments(ARG "" "EDL;CONFIG;KEY;OUTPUT" "SOURCES;EDL_SEARCH_PATHS;LIBS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "cella_add_enclave(${name}): SOURCES is required")
  endif()
  if(NOT ARG_KEY)
    message(FATAL_ERROR "cella_add_enclave(${name}): KEY is required (an RSA-3072 key with "
      "exponent 3: openssl genrsa -3 -out private.pem 3072)")
  endif()
  set(sources ${ARG_SOURCES})
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/${name}_trusted")
  if(ARG_EDL)
    cella__edger8r(trusted "${ARG_EDL}" "${ARG_EDL_SEARCH_PATHS}" "${gen_dir}" t_c t_h)
    list(APPEND sources "${t_c}")
  endif()

  set(unsigned ${name}_unsigned)
  add_executable(${unsigned} ${sources})
  target_include_directories(${unsigned} PRIVATE "${gen_dir}" ${CMAKE_CURRENT_SOURCE_DIR}
    ${CELLA_SDK_INCLUDE_DIRS})
  # Every enclave gets the trusted crypto library (sgx_tcrypto.h), as with the SGX SDK.
  target_link_libraries(${unsigned} PRIVATE cella::trusted_flags ${ARG_LIBS} cella::tcrypto
    "$<LINK_LIBRARY:WHOLE_ARCHIVE,cella::trts>" cella::tlibc gcc)
  target_link_options(${unsigned} PRIVATE ${CELLA_TRUSTED_LINK_FLAGS}
    -Wl,-e,cella_enclave_entry -Wl,--build-id=none)
  set_target_properties(${unsigned} PROPERTIES POSITION_INDEPENDENT_CODE ON SUFFIX ".so"
    OUTPUT_NAME "${name}")

  if(ARG_OUTPUT)
    set(signed "${ARG_OUTPUT}")
  else()
    set(signed "${CMAKE_CURRENT_BINARY_DIR}/${name}.signed.so")
  endif()
  get_filename_component(key "${ARG_KEY}" ABSOLUTE)
  set(sign_args sign -key "${key}" -enclave "$<TARGET_FILE:${unsigned}>" -out "${signed}")
  set(depends ${unsigned} "${key}" ${CELLA_SIGN_DEPENDS})
  if(ARG_CONFIG)
    get_filename_component(config "${ARG_CONFIG}" ABSOLUTE)
    list(APPEND sign_args -config "${config}")
    list(APPEND depends "${config}")
  endif()
  add_custom_command(OUTPUT "${signed}"
    COMMAND ${CELLA_SIGN_COMMAND} ${sign_args}
    DEPENDS ${depends}
    COMMENT "Signing the enclave ${name}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${signed}")
  set_target_properties(${name} PROPERTIES CELLA_SIGNED_FILE "${signed}")
endfunction()

function(cella_add_untrusted_bridge target)
  cmake_parse_arguments(ARG "" "EDL" "EDL_SEARCH_PATHS" ${ARGN})
  if(NOT ARG_EDL)
    message(FATAL_ERROR "cella_add_untrusted_bridge(${target}): EDL is required")
  endif()
  get_filename_component(edl_name "${ARG_EDL}" NAME_WE)
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_untrusted_${edl_name}")
  cella__edger8r(untrusted "${ARG_EDL}" "${ARG_EDL_SEARCH_PATHS}" "${gen_dir}" u_c u_h)
  target_sources(${target} PRIVATE "${u_c}")
  target_include_directories(${target} PRIVATE "${gen_dir}" ${CELLA_SDK_INCLUDE_DIRS})
endfunction()
