/* SPDX-License-Identifier: Apache-2.0 */
/* sys/types.h: the POSIX scalar types enclave code may mention (Linux x86-64 sizes). */
#ifndef CELLA_LIBC_SYS_TYPES_H
#define CELLA_LIBC_SYS_TYPES_H

#include <stddef.h>

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
#ifndef CELLA_LIBC_TIME_T_DEFINED
#define CELLA_LIBC_TIME_T_DEFINED
typedef long time_t;
#endif

#endif /* CELLA_LIBC_SYS_TYPES_H */
