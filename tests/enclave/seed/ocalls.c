/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/seed/ocalls.c: the OCALL the seed sample's App.c leaves to the application. */
#include <stdio.h>

#include "Enclave_u.h"

/* Writes the enclave's result where the enclave asks, as a real application would. */
void write_result_to_file(const char *filename, const uint8_t *data, size_t data_len)
{
    FILE *file = fopen(filename, "wb");
    if (file == NULL)
        return;
    if (data_len != 0)
        fwrite(data, 1, data_len, file);
    fclose(file);
}
