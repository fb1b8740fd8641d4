# SPDX-License-Identifier: Apache-2.0
# The installed package: find_package(cella) and pkg-config files for projects built against an
# installed cella (docs/install.md).
#
#   <prefix>/lib/cmake/cella/   cellaConfig.cmake, cellaConfigVersion.cmake, cellaTargets*.cmake
#                               (cella::host, image, common, platform, trts, tlibc,
#                               tcrypto, trusted_flags), CellaEnclave.cmake, CellaTrusted.cmake
#   <prefix>/lib/pkgconfig/     cella-host.pc, cella-trusted.pc
#
# The libraries install themselves next to their definitions, into the export set cellaTargets;
# inside this tree the same cella:: names are aliases, so one project's CMake works in both.
include(CMakePackageConfigHelpers)

add_executable(cella::cella ALIAS cella)

set(CELLA_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cella)
install(EXPORT cellaTargets NAMESPACE cella:: DESTINATION ${CELLA_CMAKE_INSTALL_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cellaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cellaConfig.cmake
  INSTALL_DESTINATION ${CELLA_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cellaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cellaConfig.cmake
  ${PROJECT_BINARY_DIR}/cellaConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/CellaEnclave.cmake
  ${PROJECT_SOURCE_DIR}/cmake/CellaTrusted.cmake
  DESTINATION ${CELLA_CMAKE_INSTALL_DIR})

# pkg-config: relocatable; the prefix is found from the .pc file's own place, unless the
# library folder was given as an absolute path.
set(CELLA_PC_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(CELLA_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH pc_to_prefix /prefix/${CELLA_PC_INSTALL_DIR} /prefix)
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(CELLA_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
endif()
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(CELLA_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(CELLA_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
string(JOIN " " CELLA_PC_TRUSTED_CFLAGS ${CELLA_TRUSTED_C_FLAGS})
string(JOIN " " CELLA_PC_TRUSTED_LINK_FLAGS ${CELLA_TRUSTED_LINK_FLAGS})
foreach(pc cella-host cella-trusted)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CELLA_PC_INSTALL_DIR})
endforeach()
