/* SPDX-License-Identifier: Apache-2.0 */
/* undeclared.c: trusted code that declares and calls a function no enclave library provides. */
#include <stddef.h>

int gethostname(char *name, size_t size);
void _start(void);

void _start(void)
{
    char name[64];
    (void)gethostname(name, sizeof(name));
    for (;;) {
    }
}
