/* SPDX-License-Identifier: Apache-2.0 */
/* limits.h: the compiler's own limits.h, told that cella's trusted C library adds nothing to it. */
#ifndef CELLA_LIBC_LIMITS_H
#define CELLA_LIBC_LIMITS_H

/* #include_next is an extension; this header is part of the implementation. */
#pragma GCC system_header

/* GCC's limits.h looks for a C library's limits.h unless this says it is already there. */
#ifndef _LIBC_LIMITS_H_
#define _LIBC_LIMITS_H_ 1
#endif

#include_next <limits.h>

#endif /* CELLA_LIBC_LIMITS_H */
