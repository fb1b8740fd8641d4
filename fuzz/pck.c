/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_pck: the SGX extension of PCK certificates (verify/pck.c) on arbitrary DER. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cella/log.h>

#include "verify/pck.h"
#include "fuzz.h"

static void quiet(void *context, cella_log_level_t level, const char *message)
{
    (void)context, (void)level, (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    static int initialised;
    cella_pck_info_t info;

    if (!initialised) {
        cella_log_set_handler(quiet, NULL);
        initialised = 1;
    }
    if (cella_pck_info_parse(input, input_size, &info) == CELLA_OK)
        REQUIRE(info.sgx_type <= 2); /* an ENUMERATED of at most 2, as the parser promises */
    return 0;
}
