/* SPDX-License-Identifier: Apache-2.0 */
/* assert.h: assertions of cella's trusted C library; a failure is logged to the host and aborts. */
/* No include guard for assert itself: C requires it to follow NDEBUG at each inclusion. */
#include "cella_libc_defs.h"

#ifndef CELLA_LIBC_ASSERT_H
#define CELLA_LIBC_ASSERT_H

CELLA_LIBC_BEGIN

/*
 * Prints "enclave assertion failed: <file>:<line>: <function>: <expression>" through the
 * host's standard output and stops the enclave (abort). Called by assert; never returns.
 */
void __assert_fail(const char *expression, const char *file, unsigned int line,
                   const char *function) CELLA_LIBC_NORETURN;

CELLA_LIBC_END

#if !defined(__cplusplus) && !defined(static_assert)
#define static_assert _Static_assert
#endif

#endif /* CELLA_LIBC_ASSERT_H */

#undef assert
#ifdef NDEBUG
#define assert(expression) ((void)0)
#else
#define assert(expression) \
    ((expression) ? (void)0 : __assert_fail(#expression, __FILE__, __LINE__, __func__))
#endif
