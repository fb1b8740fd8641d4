/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_policy: MAA policy text parsed, hashed and, when it parses, evaluated on fixed claims. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attestd/policy.h"
#include "fuzz.h"

/* An SGX enclave's claims, plus claims of every value type and issuer, some sharing a type. */
static const char claims_text[] =
    "[{\"type\":\"x-ms-sgx-is-debuggable\",\"value\":false},"
    "{\"type\":\"x-ms-sgx-mrsigner\",\"value\":"
    "\"c30446b4be9baf0f69728423ea613ef81a63e72acf7439fa0549001fd5482835\"},"
    "{\"type\":\"x-ms-sgx-mrenclave\",\"value\":"
    "\"a0d8c3b8a0e5d6f4c3b2a1908f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4\"},"
    "{\"type\":\"x-ms-sgx-product-id\",\"value\":1},"
    "{\"type\":\"x-ms-sgx-svn\",\"value\":7},"
    "{\"type\":\"x-ms-attestation-type\",\"value\":\"sgx\"},"
    "{\"type\":\"x-ms-ver\",\"value\":\"1.0\"},"
    "{\"type\":\"OSName\",\"value\":\"Linux\",\"issuer\":\"CustomClaim\"},"
    "{\"type\":\"OSName\",\"value\":\"Linux\"},"
    "{\"type\":\"n\",\"value\":-9223372036854775808},"
    "{\"type\":\"n\",\"value\":9223372036854775807},"
    "{\"type\":\"\",\"value\":true}]";

static json_t *claims;

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    const char *text = (const char *)input;
    cella_policy_t *policy = NULL;
    char error[CELLA_POLICY_ERROR_BYTES];
    char hash[44];
    cella_result_t r;

    if (claims == NULL) {
        claims = json_loads(claims_text, 0, NULL);
        REQUIRE(claims != NULL);
    }

    REQUIRE(cella_policy_hash(text, input_size, hash, sizeof(hash)) == CELLA_OK);
    REQUIRE(strlen(hash) == 43);

    r = cella_policy_parse(text, input_size, &policy, error, sizeof(error));
    if (r != CELLA_OK) {
        /* Every refusal says where: one line, within the buffer. */
        REQUIRE(r == CELLA_ERR_INVALID_FORMAT && policy == NULL);
        REQUIRE(strncmp(error, "line ", 5) == 0 && strlen(error) < sizeof(error));
        REQUIRE(strchr(error, '\n') == NULL);
        return 0;
    }
    const int version = cella_policy_version(policy);
    REQUIRE(version == 10 || version == 11 || version == 12);

    char *before = json_dumps(claims, JSON_COMPACT);
    bool permitted = false;
    json_t *issued = NULL;
    json_t *properties = NULL;
    char reason[128];
    REQUIRE(before != NULL);
    r = cella_policy_evaluate(policy, claims, &permitted, &issued, &properties, reason,
                              sizeof(reason));
    REQUIRE(r == CELLA_OK);
    REQUIRE(json_is_array(issued) && json_is_object(properties));
    if (permitted) {
        REQUIRE(reason[0] == '\0');
        for (size_t i = 0; i < json_array_size(issued); i++) {
            const json_t *claim = json_array_get(issued, i);
            REQUIRE(json_is_string(json_object_get(claim, "type")));
            REQUIRE(json_object_get(claim, "value") != NULL);
        }
    } else {
        REQUIRE(reason[0] != '\0');
        REQUIRE(json_array_size(issued) == 0 && json_object_size(properties) == 0);
    }
    /* The caller's claims are only read. */
    char *after = json_dumps(claims, JSON_COMPACT);
    REQUIRE(after != NULL && strcmp(before, after) == 0);
    free(after);
    free(before);
    json_decref(issued);
    json_decref(properties);
    cella_policy_destroy(policy);
    return 0;
}
