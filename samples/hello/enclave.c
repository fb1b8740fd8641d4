/* SPDX-License-Identifier: Apache-2.0 */
/* samples/hello/enclave.c: the trusted side of the hello sample. */
#include <stdio.h>
#include <string.h>

#include <sgx_trts.h>

#include "hello_t.h"

size_t hello(const char *name, char *greeting, size_t greeting_size)
{
    char line[128];

    /* `name` is the enclave's private copy: the bridge checked and copied it. */
    snprintf(line, sizeof(line), "inside the enclave: hello, %s", name);
    print_line(line); /* an OCALL */

    int written = snprintf(greeting, greeting_size, "Hello, %s, from an enclave!", name);
    return written < 0 ? 0 : (size_t)written;
}
