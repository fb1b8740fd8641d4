# SPDX-License-Identifier: Apache-2.0
# attestd/policy.cmake: cella_policy, MAA's policy language (parser, evaluator, policy hash),
# a library of its own so the service, the unit tests and the fuzz target share it.
# Include it from any folder; the first include defines the target, later ones do nothing.
include_guard(GLOBAL)
find_package(OpenSSL 3.0 REQUIRED)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)

cella_add_host_library(cella_policy STATIC SOURCES ${CMAKE_CURRENT_LIST_DIR}/policy.c)
# policy.h includes <jansson.h>: its users need jansson too.
target_link_libraries(cella_policy PUBLIC cella_common PkgConfig::JANSSON PRIVATE OpenSSL::Crypto)
