/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/host/test_enclave.c: a tiny enclave image (code, data, TLS, a relocation) to sign. */

static const char greeting[] = "read-only data, measured";
char writable[64] = "writable data, measured";
int zero_filled;
_Thread_local int per_thread = 7;
_Thread_local char per_thread_zeros[100];
const char *pointer = greeting; /* a relative relocation the enclave applies itself */

int enclave_entry(void);

int enclave_entry(void)
{
    per_thread++;
    per_thread_zeros[3] = 1;
    zero_filled++;
    return writable[0] + pointer[1] + per_thread + zero_filled;
}
