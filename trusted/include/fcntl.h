/* SPDX-License-Identifier: Apache-2.0 */
/* fcntl.h: files do not exist inside an enclave; open and friends are compile errors. */
#ifndef CELLA_LIBC_FCNTL_H
#define CELLA_LIBC_FCNTL_H

#include <sys/types.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/* Linux's values, so code that spells them compiles far enough to reach the message below. */
#define O_RDONLY   00
#define O_WRONLY   01
#define O_RDWR     02
#define O_CREAT    0100
#define O_EXCL     0200
#define O_TRUNC    01000
#define O_APPEND   02000
#define O_NONBLOCK 04000
#define O_CLOEXEC  02000000

int open(const char *path, int flags, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(open, CELLA_LIBC_USE_OCALL_FILES);
int openat(int dir_fd, const char *path, int flags, ...)
    CELLA_LIBC_NOT_IN_ENCLAVE(openat, CELLA_LIBC_USE_OCALL_FILES);
int creat(const char *path, mode_t mode)
    CELLA_LIBC_NOT_IN_ENCLAVE(creat, CELLA_LIBC_USE_OCALL_FILES);
int fcntl(int fd, int command, ...) CELLA_LIBC_NOT_IN_ENCLAVE(fcntl, CELLA_LIBC_USE_OCALL_FILES);

CELLA_LIBC_END

#endif /* CELLA_LIBC_FCNTL_H */
