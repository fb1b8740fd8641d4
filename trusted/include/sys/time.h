/* SPDX-License-Identifier: Apache-2.0 */
/* sys/time.h: struct timeval only; an enclave has no trusted clock. */
#ifndef CELLA_LIBC_SYS_TIME_H
#define CELLA_LIBC_SYS_TIME_H

#include "../cella_libc_defs.h"
#include "types.h"

CELLA_LIBC_BEGIN

struct timeval {
    time_t tv_sec;
    long tv_usec;
};

int gettimeofday(struct timeval *out, void *zone)
    CELLA_LIBC_NOT_IN_ENCLAVE(gettimeofday, CELLA_LIBC_USE_OCALL_TIME);

CELLA_LIBC_END

#endif /* CELLA_LIBC_SYS_TIME_H */
