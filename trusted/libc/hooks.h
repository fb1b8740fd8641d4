/* SPDX-License-Identifier: Apache-2.0 */
/* hooks.h: what the trusted C library needs from the trusted runtime, which implements it. */
#ifndef CELLA_TLIBC_HOOKS_H
#define CELLA_TLIBC_HOOKS_H

#include <stddef.h>

/*
 * The trusted C library makes no system calls and owns no threads; everything that needs the
 * outside world or per-thread state goes through these functions. The trusted runtime defines
 * them; a host-side test defines its own. All may be called from any enclave thread at any time
 * after the runtime's initialisation, and none may call back into malloc or printf.
 *
 * The runtime's other duties towards the library:
 *   - before calling any function built with -fstack-protector, store a random value in
 *     `uintptr_t __stack_chk_guard` (the function that does so must not itself be protected);
 *   - enter every thread with the ABI's default state: RFLAGS.DF clear (memcpy and memset use
 *     `rep movsb`/`rep stosb`), default x87 control word and MXCSR (printf and strtod round
 *     to nearest).
 */

/*
 * Writes size bytes of text (not terminated; may contain any byte) to the host's standard
 * output: the print OCALL. Returns 0 when the host accepted all of it, -1 otherwise. printf,
 * puts and putchar send their output in pieces of at most CELLA_TLIBC_PRINT_CHUNK_BYTES (256,
 * internal.h), so the runtime can copy each piece to untrusted memory in one go.
 */
int cella_trts_print(const char *text, size_t size);

/*
 * Stops the enclave for good: the runtime marks it crashed (every later ECALL fails), tells
 * the host, and never returns to the caller. abort(), failed assertions, stack-smashing
 * detection and heap corruption end here after printing a message with cella_trts_print.
 */
void cella_trts_abort(void) __attribute__((noreturn));

/*
 * The calling thread's errno (thread-local storage of the runtime). Never NULL; the same
 * pointer for the lifetime of the thread. errno.h defines errno as *cella_trts_errno_location().
 */
int *cella_trts_errno_location(void) __attribute__((const));

/*
 * The enclave's heap region: [base, base + size), as laid out by the signer (HeapMaxSize).
 * The allocator asks once, on the first allocation, and owns the region afterwards. A NULL
 * base or a size too small for the allocator's bookkeeping makes every allocation fail with
 * ENOMEM. The region must be readable and writable and must not be used for anything else.
 */
void *cella_trts_heap_base(void);
size_t cella_trts_heap_size(void);

/*
 * The allocator's lock is a spinlock on C11 atomics that spins with `pause`. A runtime that can
 * sleep cheaply (a futex OCALL) may later replace the waiting in malloc.c; the lock word and
 * its acquire/release protocol stay the same.
 */

#endif /* CELLA_TLIBC_HOOKS_H */
