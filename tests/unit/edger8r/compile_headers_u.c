/* SPDX-License-Identifier: Apache-2.0 */
/* compile_headers_u.c: the untrusted headers of the header-only golden cases compile alone. */
#include "sgx_pthread_u.h"
#include "sgx_tstdc_u.h"
