/* SPDX-License-Identifier: Apache-2.0 */
/* compile_headers_t.c: the trusted headers of the header-only golden cases compile on their own. */
#include "sgx_pthread_t.h"
#include "sgx_tstdc_t.h"
