/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_attest_request: cella-attestd's attestation request bodies, decoded without HTTP. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attestd/attest.h"
#include "fuzz.h"

/* What a decoded request must satisfy. */
static void check_accepted(const cella_attest_request_t *request, cella_policies_type_t type)
{
    REQUIRE(request->evidence != NULL && request->evidence_size > 0);
    REQUIRE(request->quote >= request->evidence &&
            request->quote + request->quote_size <= request->evidence + request->evidence_size);
    if (type == CELLA_POLICIES_SGX_ENCLAVE)
        REQUIRE(request->quote == request->evidence &&
                request->quote_size == request->evidence_size);
    const cella_attest_data_t *data[] = {&request->runtime_data, &request->init_time_data};
    for (size_t i = 0; i < 2; i++) {
        REQUIRE(data[i]->type == CELLA_CLAIMS_DATA_NONE ||
                data[i]->type == CELLA_CLAIMS_DATA_BINARY ||
                data[i]->type == CELLA_CLAIMS_DATA_JSON);
        REQUIRE((data[i]->type == CELLA_CLAIMS_DATA_JSON) == json_is_object(data[i]->json));
        REQUIRE(data[i]->size == 0 || data[i]->bytes != NULL);
    }
    if (request->draft_policy != NULL)
        REQUIRE(strlen(request->draft_policy) <= request->draft_policy_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    /* The body in a buffer of its own size, so reading past it is caught. */
    char *body = malloc(input_size == 0 ? 1 : input_size);
    if (body == NULL)
        return 0;
    if (input_size != 0)
        memcpy(body, input, input_size);
    for (int kind = 0; kind < 2; kind++) {
        cella_policies_type_t type =
            kind == 0 ? CELLA_POLICIES_SGX_ENCLAVE : CELLA_POLICIES_OPEN_ENCLAVE;
        cella_attest_request_t request;
        char error[CELLA_ATTEST_ERROR_BYTES];
        cella_result_t r =
            cella_attest_request_parse(body, input_size, type, &request, error, sizeof(error));
        if (r == CELLA_OK) {
            check_accepted(&request, type);
            cella_attest_request_clear(&request);
        } else {
            REQUIRE(r == CELLA_ERR_INVALID_FORMAT || r == CELLA_ERR_OUT_OF_MEMORY);
            REQUIRE(memchr(error, '\0', sizeof(error)) != NULL && error[0] != '\0');
        }
    }
    free(body);
    return 0;
}
