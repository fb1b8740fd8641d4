/* SPDX-License-Identifier: Apache-2.0 */
/* unavailable.c: trusted code calling one function enclaves lack (chosen by -DUSE_<name>). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

int enclave_function(void);

int enclave_function(void)
{
#if defined(USE_fopen)
    return fopen("secret.txt", "r") != NULL;
#elif defined(USE_time)
    return (int)time(NULL);
#elif defined(USE_rand)
    return rand();
#elif defined(USE_socket)
    return socket(AF_INET, SOCK_STREAM, 0);
#elif defined(USE_exit)
    exit(1);
#elif defined(USE_stdout)
    return stdout != NULL;
#else
    return 0;
#endif
}
