/* SPDX-License-Identifier: Apache-2.0 */
/* time.h: time types only; an enclave has no trusted clock, so the functions do not exist. */
#ifndef CELLA_LIBC_TIME_H
#define CELLA_LIBC_TIME_H

#include <stddef.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

#ifndef CELLA_LIBC_TIME_T_DEFINED
#define CELLA_LIBC_TIME_T_DEFINED
typedef long time_t;
#endif
typedef long clock_t;
typedef int clockid_t;

#define CLOCKS_PER_SEC  ((clock_t)1000000)
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

struct tm {
    int tm_sec;
    int tm_min;
    int tm_hour;
    int tm_mday;
    int tm_mon;
    int tm_year;
    int tm_wday;
    int tm_yday;
    int tm_isdst;
    long tm_gmtoff;
    const char *tm_zone;
};

time_t time(time_t *out) CELLA_LIBC_NOT_IN_ENCLAVE(time, CELLA_LIBC_USE_OCALL_TIME);
clock_t clock(void) CELLA_LIBC_NOT_IN_ENCLAVE(clock, CELLA_LIBC_USE_OCALL_TIME);
int clock_gettime(clockid_t clock, struct timespec *out)
    CELLA_LIBC_NOT_IN_ENCLAVE(clock_gettime, CELLA_LIBC_USE_OCALL_TIME);
int nanosleep(const struct timespec *duration, struct timespec *remaining)
    CELLA_LIBC_NOT_IN_ENCLAVE(nanosleep, "make an OCALL to the host to wait");
struct tm *localtime(const time_t *when)
    CELLA_LIBC_NOT_IN_ENCLAVE(localtime, CELLA_LIBC_USE_OCALL_TIME);
struct tm *localtime_r(const time_t *when, struct tm *out)
    CELLA_LIBC_NOT_IN_ENCLAVE(localtime_r, CELLA_LIBC_USE_OCALL_TIME);
struct tm *gmtime(const time_t *when) CELLA_LIBC_NOT_IN_ENCLAVE(gmtime, CELLA_LIBC_USE_OCALL_TIME);
struct tm *gmtime_r(const time_t *when, struct tm *out)
    CELLA_LIBC_NOT_IN_ENCLAVE(gmtime_r, CELLA_LIBC_USE_OCALL_TIME);
time_t mktime(struct tm *broken_down) CELLA_LIBC_NOT_IN_ENCLAVE(mktime, CELLA_LIBC_USE_OCALL_TIME);
char *ctime(const time_t *when) CELLA_LIBC_NOT_IN_ENCLAVE(ctime, CELLA_LIBC_USE_OCALL_TIME);
char *asctime(const struct tm *broken_down)
    CELLA_LIBC_NOT_IN_ENCLAVE(asctime, CELLA_LIBC_USE_OCALL_TIME);
size_t strftime(char *buffer, size_t size, const char *format, const struct tm *broken_down)
    CELLA_LIBC_NOT_IN_ENCLAVE(strftime, "format the time on the host");

CELLA_LIBC_END

#endif /* CELLA_LIBC_TIME_H */
