/* SPDX-License-Identifier: Apache-2.0 */
/* abort.c: abort, assertion failures and the stack protector's failure path. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "internal.h"

/*
 * The canary of code built with -mstack-protector-guard=global. The runtime replaces it with
 * random bits before any protected function runs; this fallback already has a zero low byte,
 * so a string copy that overruns a buffer cannot reproduce it.
 */
uintptr_t __stack_chk_guard = (uintptr_t)0x2f8a61c5e03b4d00ull;

static void print_text(const char *text)
{
    /* Best effort on the way out: a host that refuses the text cannot stop the abort. */
    (void)cella_trts_print(text, strlen(text));
}

void cella_tlibc_fatal(const char *message)
{
    print_text("enclave aborted: ");
    print_text(message);
    print_text("\n");
    cella_trts_abort();
}

void abort(void)
{
    cella_tlibc_fatal("abort() called");
}

void __assert_fail(const char *expression, const char *file, unsigned int line,
                   const char *function)
{
    char message[512];
    int length = snprintf(message, sizeof(message), "enclave assertion failed: %s:%u: %s: %s\n",
                          file, line, function, expression);
    if (length > 0)
        (void)cella_trts_print(message, strnlen(message, sizeof(message)));
    cella_trts_abort();
}

/*
 * Called by a function whose canary was overwritten: its stack frame cannot be trusted, so this
 * uses no stack buffers and returns to nothing.
 */
void __stack_chk_fail(void)
{
    cella_tlibc_fatal("stack smashing detected");
}
