/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/attest.c: decoding MAA attestation request bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/quote.h>

#include "attestd/attest.h"

/* Bytes "\xfb\xff\xfe\x01" in each encoding a client may use (maa-api.md §3.1). */
static const char *const encodings[] = {
    "-__-AQ",   /* base64url, no padding (the SDKs) */
    "-__-AQ==", /* base64url, padded */
    "+//+AQ==", /* standard base64 (the 2025-06-01 examples) */
    "+//+AQ",   /* standard base64 without padding */
};
static const uint8_t expected_bytes[] = {0xfb, 0xff, 0xfe, 0x01};

static cella_result_t parse(const char *body, cella_policies_type_t type,
                            cella_attest_request_t *request, char *error, size_t error_size)
{
    return cella_attest_request_parse(body, strlen(body), type, request, error, error_size);
}

static void quotes_decode_from_base64url_and_base64_with_or_without_padding(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++) {
        char body[256];
        char error[CELLA_ATTEST_ERROR_BYTES] = "";
        cella_attest_request_t request;

        snprintf(body, sizeof(body),
                 "{\"quote\": \"%s\", \"runtimeData\": {\"data\": \"%s\", \"dataType\": "
                 "\"Binary\"}, \"nonce\": \"n\", \"unknownMember\": 1}",
                 encodings[i], encodings[i]);
        if (parse(body, CELLA_POLICIES_SGX_ENCLAVE, &request, error, sizeof(error)) != CELLA_OK)
            fail_msg("%s: %s", encodings[i], error);
        assert_int_equal(request.quote_size, sizeof(expected_bytes));
        assert_memory_equal(request.quote, expected_bytes, sizeof(expected_bytes));
        assert_ptr_equal(request.quote, request.evidence);
        assert_int_equal(request.runtime_data.type, CELLA_CLAIMS_DATA_BINARY);
        assert_memory_equal(request.runtime_data.bytes, expected_bytes, sizeof(expected_bytes));
        assert_string_equal(request.nonce, "n");
        assert_null(request.draft_policy);
        assert_int_equal(request.init_time_data.type, CELLA_CLAIMS_DATA_NONE);
        cella_attest_request_clear(&request);
    }
}

static void json_runtime_data_is_parsed_and_binary_is_the_default(void **state)
{
    (void)state;
    /* {"jwk":{"crv":"P-256"}} */
    static const char body[] =
        "{\"quote\":\"AQ\",\"runtimeData\":{\"data\":\"eyJqd2siOnsiY3J2IjoiUC0yNTYifX0\","
        "\"dataType\":\"JSON\"},\"initTimeData\":{\"data\":\"AQID\"},"
        "\"draftPolicyForAttestation\":\"version=1.0;\"}";
    char error[CELLA_ATTEST_ERROR_BYTES] = "";
    cella_attest_request_t request;

    assert_int_equal(parse(body, CELLA_POLICIES_SGX_ENCLAVE, &request, error, sizeof(error)),
                     CELLA_OK);
    assert_int_equal(request.runtime_data.type, CELLA_CLAIMS_DATA_JSON);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(request.runtime_data.json, "jwk"), "crv")),
                        "P-256");
    assert_int_equal(request.init_time_data.type, CELLA_CLAIMS_DATA_BINARY);
    assert_int_equal(request.init_time_data.size, 3);
    assert_int_equal(request.draft_policy_size, strlen("version=1.0;"));
    assert_string_equal(request.draft_policy, "version=1.0;");
    assert_null(request.nonce);
    cella_attest_request_clear(&request);
}

static void an_open_enclave_report_holds_the_quote_after_its_header(void **state)
{
    (void)state;
    /* version 1, type 2, size 2, then the quote bytes 0xaa 0xbb (base64url). */
    static const char body[] = "{\"report\":\"AQAAAAIAAAACAAAAAAAAAKq7\"}";
    static const char local[] = "{\"report\":\"AQAAAAEAAAACAAAAAAAAAKq7\"}"; /* type 1 */
    char error[CELLA_ATTEST_ERROR_BYTES] = "";
    cella_attest_request_t request;

    assert_int_equal(parse(body, CELLA_POLICIES_OPEN_ENCLAVE, &request, error, sizeof(error)),
                     CELLA_OK);
    assert_int_equal(request.evidence_size, 18);
    assert_int_equal(request.quote_size, 2);
    assert_ptr_equal(request.quote, request.evidence + 16);
    assert_int_equal(request.quote[0], 0xaa);
    cella_attest_request_clear(&request);
    assert_int_equal(parse(local, CELLA_POLICIES_OPEN_ENCLAVE, &request, error, sizeof(error)),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(error, "Open Enclave"));
    /* The OpenEnclave endpoint takes "report", not "quote". */
    assert_int_equal(
        parse("{\"quote\":\"AQ\"}", CELLA_POLICIES_OPEN_ENCLAVE, &request, error, sizeof(error)),
        CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(error, "report"));
}

static void malformed_bodies_are_refused_with_a_reason(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        const char *reason; /* part of the error */
    } cases[] = {
        {"", "not JSON"},
        {"{\"quote\": \"AQ\"", "not JSON"},
        {"[\"quote\"]", "JSON object"},
        {"{}", "\"quote\""},
        {"{\"quote\": 5}", "\"quote\""},
        {"{\"quote\": \"\"}", "\"quote\""},
        {"{\"quote\": \"A\"}", "\"quote\""},    /* no encoding is 1 character long */
        {"{\"quote\": \"-_+/\"}", "\"quote\""}, /* both alphabets */
        {"{\"quote\": \"AQ\", \"quote\": \"AQ\"}", "not JSON"}, /* a duplicate key */
        {"{\"quote\": \"AQ\", \"runtimeData\": \"AQ\"}", "runtimeData"},
        {"{\"quote\": \"AQ\", \"runtimeData\": {\"dataType\": \"Binary\"}}", "runtimeData"},
        {"{\"quote\": \"AQ\", \"runtimeData\": {\"data\": \"AQ\", \"dataType\": \"Text\"}}",
         "dataType"},
        {"{\"quote\": \"AQ\", \"runtimeData\": {\"data\": \"!!\"}}", "runtimeData.data"},
        {"{\"quote\": \"AQ\", \"runtimeData\": {\"data\": \"WzFd\", \"dataType\": \"JSON\"}}",
         "JSON object"}, /* [1] */
        {"{\"quote\": \"AQ\", \"initTimeData\": {\"data\": 1}}", "initTimeData"},
        {"{\"quote\": \"AQ\", \"nonce\": 5}", "nonce"},
        {"{\"quote\": \"AQ\", \"draftPolicyForAttestation\": []}", "draftPolicyForAttestation"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char error[CELLA_ATTEST_ERROR_BYTES] = "";
        cella_attest_request_t request;
        memset(&request, 0x5a, sizeof(request));
        cella_result_t r =
            parse(cases[i].body, CELLA_POLICIES_SGX_ENCLAVE, &request, error, sizeof(error));
        if (r != CELLA_ERR_INVALID_FORMAT || strstr(error, cases[i].reason) == NULL)
            fail_msg("body %s: result %d, error '%s' (expected '%s')", cases[i].body, (int)r, error,
                     cases[i].reason);
    }
}

static void a_quote_larger_than_the_verifier_takes_is_refused(void **state)
{
    (void)state;
    size_t size = 4 * (CELLA_QUOTE_MAX_BYTES + 64) / 3 + 64;
    char *body = malloc(size + 32);
    assert_non_null(body);
    size_t used = (size_t)snprintf(body, 32, "{\"quote\":\"");
    memset(body + used, 'A', size);
    memcpy(body + used + size, "\"}", 3);
    char error[CELLA_ATTEST_ERROR_BYTES] = "";
    cella_attest_request_t request;
    assert_int_equal(parse(body, CELLA_POLICIES_SGX_ENCLAVE, &request, error, sizeof(error)),
                     CELLA_ERR_INVALID_FORMAT);
    free(body);
}

static void parse_refuses_bad_arguments(void **state)
{
    (void)state;
    char error[CELLA_ATTEST_ERROR_BYTES];
    cella_attest_request_t request;
    assert_int_equal(cella_attest_request_parse(NULL, 3, CELLA_POLICIES_SGX_ENCLAVE, &request,
                                                error, sizeof(error)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_attest_request_parse("{}", 2, CELLA_POLICIES_SGX_ENCLAVE, NULL, error, sizeof(error)),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_attest_request_parse("{}", 2, (cella_policies_type_t)7, &request, error,
                                                sizeof(error)),
                     CELLA_ERR_INVALID_ARGUMENT);
    cella_attest_request_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quotes_decode_from_base64url_and_base64_with_or_without_padding),
        cmocka_unit_test(json_runtime_data_is_parsed_and_binary_is_the_default),
        cmocka_unit_test(an_open_enclave_report_holds_the_quote_after_its_header),
        cmocka_unit_test(malformed_bodies_are_refused_with_a_reason),
        cmocka_unit_test(a_quote_larger_than_the_verifier_takes_is_refused),
        cmocka_unit_test(parse_refuses_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
