/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_quote: the v3 quote parser and the Open Enclave report unwrapper on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/quote.h>

#include "fuzz.h"

static uint32_t read_u32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

/* What an accepted quote must satisfy: the layout of a v3 quote, exactly. */
static void check_accepted(const uint8_t *quote, size_t size, const cella_quote_t *parsed)
{
    REQUIRE(size >= CELLA_QUOTE3_MIN_BYTES && size <= CELLA_QUOTE_MAX_BYTES);
    REQUIRE(parsed->header.version == 3 && parsed->header.att_key_type == 2);
    REQUIRE(parsed->header.att_key_data_0 == 0);
    REQUIRE(read_u32(quote + CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET) == size - 436);
    REQUIRE(memcmp(&parsed->header, quote, 48) == 0);
    REQUIRE(memcmp(&parsed->isv_report, quote + 48, 384) == 0);
    REQUIRE(memcmp(parsed->isv_signature, quote + 436, 64) == 0);
    REQUIRE(memcmp(parsed->attestation_key, quote + 500, 64) == 0);
    REQUIRE(memcmp(&parsed->qe_report, quote + 564, 384) == 0);
    REQUIRE(memcmp(parsed->qe_signature, quote + 948, 64) == 0);
    REQUIRE(parsed->signed_bytes == quote && parsed->signed_size == 432);
    REQUIRE(parsed->qe_report_bytes == quote + 564);
    REQUIRE(parsed->qe_auth_data == quote + 1014);
    REQUIRE(parsed->qe_auth_data_size == (size_t)(quote[1012] | quote[1013] << 8));
    REQUIRE(parsed->certification_data_type >= 1 && parsed->certification_data_type <= 5);
    REQUIRE(parsed->certification_data == quote + 1020 + parsed->qe_auth_data_size);
    REQUIRE(CELLA_QUOTE3_MIN_BYTES + parsed->qe_auth_data_size + parsed->certification_data_size ==
            size);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    cella_quote_t parsed;
    const uint8_t *quote = NULL;
    size_t quote_size = 0;

    /* Copied so that a read past input_size lands outside the heap block ASan watches. */
    uint8_t *copy = malloc(input_size > 0 ? input_size : 1);
    REQUIRE(copy != NULL);
    memcpy(copy, input, input_size);

    if (cella_quote_parse(copy, input_size, &parsed) == CELLA_OK)
        check_accepted(copy, input_size, &parsed);

    if (cella_quote_from_oe_report(copy, input_size, &quote, &quote_size) == CELLA_OK) {
        REQUIRE(quote == copy + CELLA_QUOTE_OE_REPORT_HEADER_BYTES);
        REQUIRE(quote_size == input_size - CELLA_QUOTE_OE_REPORT_HEADER_BYTES);
        if (cella_quote_parse(quote, quote_size, &parsed) == CELLA_OK)
            check_accepted(quote, quote_size, &parsed);
    }
    free(copy);
    return 0;
}
