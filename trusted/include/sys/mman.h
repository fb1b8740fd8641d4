/* SPDX-License-Identifier: Apache-2.0 */
/* sys/mman.h: enclave memory is fixed when the enclave is signed; mapping calls are errors. */
#ifndef CELLA_LIBC_SYS_MMAN_H
#define CELLA_LIBC_SYS_MMAN_H

#include "../cella_libc_defs.h"
#include "types.h"

CELLA_LIBC_BEGIN

/* Linux's values, so code that spells them compiles far enough to reach the message below. */
#define PROT_NONE     0
#define PROT_READ     1
#define PROT_WRITE    2
#define PROT_EXEC     4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED    ((void *)-1)

#define CELLA_LIBC_USE_HEAP \
    "use malloc; the enclave heap's size (HeapMaxSize) is fixed when it is signed"

void *mmap(void *address, size_t size, int protection, int flags, int fd, off_t offset)
    CELLA_LIBC_NOT_IN_ENCLAVE(mmap, CELLA_LIBC_USE_HEAP);
int munmap(void *address, size_t size) CELLA_LIBC_NOT_IN_ENCLAVE(munmap, CELLA_LIBC_USE_HEAP);
int mprotect(void *address, size_t size, int protection)
    CELLA_LIBC_NOT_IN_ENCLAVE(mprotect, "page permissions are fixed when the enclave is signed");

CELLA_LIBC_END

#endif /* CELLA_LIBC_SYS_MMAN_H */
