/* SPDX-License-Identifier: Apache-2.0 */
/* pthread.h: an enclave cannot create threads; the host's threads enter it through ECALLs. */
#ifndef CELLA_LIBC_PTHREAD_H
#define CELLA_LIBC_PTHREAD_H

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

typedef unsigned long pthread_t;
typedef struct cella_libc_pthread_attr pthread_attr_t;

int pthread_create(pthread_t *thread, const pthread_attr_t *attributes,
                   void *(*start)(void *argument), void *argument)
    CELLA_LIBC_NOT_IN_ENCLAVE(pthread_create, CELLA_LIBC_USE_HOST_THREADS);
int pthread_join(pthread_t thread, void **result)
    CELLA_LIBC_NOT_IN_ENCLAVE(pthread_join, CELLA_LIBC_USE_HOST_THREADS);
int pthread_detach(pthread_t thread)
    CELLA_LIBC_NOT_IN_ENCLAVE(pthread_detach, CELLA_LIBC_USE_HOST_THREADS);
void pthread_exit(void *result) CELLA_LIBC_NORETURN
    CELLA_LIBC_NOT_IN_ENCLAVE(pthread_exit, "return from the ECALL instead");

CELLA_LIBC_END

#endif /* CELLA_LIBC_PTHREAD_H */
