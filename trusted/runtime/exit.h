/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/exit.h: the one way enclave code calls a function of the untrusted side. */
#ifndef CELLA_TRTS_EXIT_H
#define CELLA_TRTS_EXIT_H

#include <stdint.h>

/*
 * Calls function(a0, ..., a5), a function of cella_entry_ops_t (outside the enclave), and
 * returns what it left in %rax; unused arguments are passed as 0. Scrubs the registers the
 * function has no need for before the call and puts DF, AC, the x87 state and MXCSR back in
 * place after it (exit.S says exactly what). Every call through thread->ops goes here.
 */
__attribute__((visibility("hidden"))) uint64_t cella_trts_call_out(uintptr_t function, uint64_t a0,
                                                                   uint64_t a1, uint64_t a2,
                                                                   uint64_t a3, uint64_t a4,
                                                                   uint64_t a5);

#endif /* CELLA_TRTS_EXIT_H */
