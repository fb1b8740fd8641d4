/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_enclave_config: the Enclave.config.xml parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cella/enclave_config.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    cella_enclave_config_t config;

    if (input_size > CELLA_ENCLAVE_CONFIG_MAX_BYTES)
        return 0;
    if (cella_enclave_config_parse(input, input_size, &config) != CELLA_OK)
        return 0;
    /* Whatever parses is within the documented ranges. */
    REQUIRE(config.tcs_num >= 1);
    REQUIRE(config.tcs_policy <= 1);
    REQUIRE(config.stack_max_size >= 0x1000 && config.stack_max_size % 0x1000 == 0);
    REQUIRE(config.stack_max_size <= 0x1FFFFFFFFFULL);
    REQUIRE(config.heap_max_size % 0x1000 == 0 && config.heap_max_size <= 0x1FFFFFFFFFULL);
    REQUIRE(config.misc_select <= 1);
    return 0;
}
