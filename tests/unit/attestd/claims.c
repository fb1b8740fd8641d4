/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/claims.c: MAA's SGX claim names, types and derivations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/sha.h>

#include <sgx_attributes.h>

#include "attestd/claims.h"

#define ISSUER "https://attest.example.test"
#define NOW    1700000000

/* ---- a verified quote, made up ------------------------------------------------------------- */

static void make_result(cella_verify_result_t *result, uint64_t flags)
{
    memset(result, 0, sizeof(*result));
    result->tcb_evaluated = true;
    result->software_tee = true;
    result->tcb_status = CELLA_TCB_STATUS_SW_HARDENING_NEEDED;
    result->advisory_count = 2;
    snprintf(result->advisory_ids[0], sizeof(result->advisory_ids[0]), "INTEL-SA-00334");
    snprintf(result->advisory_ids[1], sizeof(result->advisory_ids[1]), "INTEL-SA-00615");
    sgx_report_body_t *body = &result->isv_report;
    body->attributes.flags = flags;
    memset(body->mr_enclave.m, 0xab, sizeof(body->mr_enclave.m));
    for (size_t i = 0; i < sizeof(body->mr_signer.m); i++)
        body->mr_signer.m[i] = (uint8_t)i;
    body->isv_prod_id = 7;
    body->isv_svn = 9;
    for (size_t i = 0; i < sizeof(body->report_data.d); i++)
        body->report_data.d[i] = (uint8_t)(0xf0 + (i & 0x0f));
    memset(body->config_id, 0x11, sizeof(body->config_id));
    body->config_svn = 4;
    memset(body->isv_ext_prod_id, 0x22, sizeof(body->isv_ext_prod_id));
    memset(body->isv_family_id, 0x33, sizeof(body->isv_family_id));
}

static const uint8_t quote[] = "the quote's bytes";
static const uint8_t runtime_bytes[] = {0xfb, 0xff, 0x00, 0x41};

/* The default policy's issued claims, and one issued twice. */
static json_t *issued_claims(void)
{
    json_t *issued = json_pack("[{s:s,s:b},{s:s,s:i},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]",
                               "type", "is-debuggable", "value", 1, "type", "svn", "value", 9,
                               "type", "tee", "value", "sgx", "type", "iss", "value", "forged",
                               "type", "group", "value", "a", "type", "group", "value", "b");
    assert_non_null(issued);
    return issued;
}

static void make_input(cella_claims_input_t *input, const cella_verify_result_t *result,
                       const cella_claims_collateral_t *hashes, const json_t *issued)
{
    memset(input, 0, sizeof(*input));
    input->result = result;
    input->quote = quote;
    input->quote_size = sizeof(quote) - 1;
    input->collateral = hashes;
    input->issued = issued;
    input->policy_hash = "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw";
    input->issuer = ISSUER;
    input->now = NOW;
}

static void hashes_of_documents(cella_claims_collateral_t *hashes)
{
    static const char tcb_info[] = "{\"tcbInfo\":{},\"signature\":\"00\"}";
    static const char chain[] = "-----BEGIN CERTIFICATE-----\n";
    static const char qe_identity[] = "{\"enclaveIdentity\":{}}";
    static const uint8_t crl[] = {0x30, 0x82, 0x01};
    cella_verify_collateral_t collateral = {
        .tcb_info = tcb_info,
        .tcb_info_size = sizeof(tcb_info) - 1,
        .tcb_info_issuer_chain = chain,
        .tcb_info_issuer_chain_size = sizeof(chain) - 1,
        .qe_identity = qe_identity,
        .qe_identity_size = sizeof(qe_identity) - 1,
        .qe_identity_issuer_chain = chain,
        .qe_identity_issuer_chain_size = sizeof(chain) - 1,
        .root_ca_crl = crl,
        .root_ca_crl_size = sizeof(crl),
    };
    cella_claims_hash_collateral(&collateral, hashes);
}

static void hex(const uint8_t *bytes, size_t size, char *text)
{
    for (size_t i = 0; i < size; i++)
        snprintf(text + 2 * i, 3, "%02x", bytes[i]);
}

static const char *string_claim(const json_t *claims, const char *name)
{
    const char *value = json_string_value(json_object_get(claims, name));
    if (value == NULL)
        fail_msg("no string claim %s", name);
    return value;
}

static json_int_t integer_claim(const json_t *claims, const char *name)
{
    const json_t *value = json_object_get(claims, name);
    if (!json_is_integer(value))
        fail_msg("no integer claim %s", name);
    return json_integer_value(value);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void the_collateral_hashes_are_sha256_of_the_documents(void **state)
{
    (void)state;
    cella_claims_collateral_t hashes;
    char expected[65];
    uint8_t digest[32];

    hashes_of_documents(&hashes);
    SHA256((const uint8_t *)"{\"tcbInfo\":{},\"signature\":\"00\"}", 31, digest);
    hex(digest, sizeof(digest), expected);
    assert_string_equal(hashes.tcbinfohash, expected);
    SHA256((const uint8_t *)"\x30\x82\x01", 3, digest);
    hex(digest, sizeof(digest), expected);
    assert_string_equal(hashes.tcbinfocrlhash, expected);
    assert_string_equal(hashes.qeidcrlhash, hashes.tcbinfocrlhash);
    assert_string_equal(hashes.qeidcertshash, hashes.tcbinfocertshash);
    assert_string_not_equal(hashes.qeidhash, hashes.tcbinfohash);
    /* Absent documents hash as empty. */
    cella_verify_collateral_t empty;
    memset(&empty, 0, sizeof(empty));
    cella_claims_hash_collateral(&empty, &hashes);
    assert_string_equal(hashes.qeidhash,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void a_token_has_every_sgx_claim_with_maa_s_names_and_types(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = issued_claims();
    json_t *claims = NULL;
    char expected[129];
    uint8_t digest[32];

    make_result(&result, SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG | SGX_FLAGS_MODE64BIT);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    input.runtime_data.type = CELLA_CLAIMS_DATA_BINARY;
    input.runtime_data.bytes = runtime_bytes;
    input.runtime_data.size = sizeof(runtime_bytes);
    input.nonce = "nonce-1";
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_OK);

    assert_int_equal(integer_claim(claims, "iat"), NOW);
    assert_int_equal(integer_claim(claims, "nbf"), NOW);
    assert_int_equal(integer_claim(claims, "exp"), NOW + 28800);
    assert_string_equal(string_claim(claims, "iss"), ISSUER);
    const char *jti = string_claim(claims, "jti");
    assert_int_equal(strlen(jti), 64);
    assert_int_equal(strspn(jti, "0123456789abcdef"), 64);
    assert_string_equal(string_claim(claims, "nonce"), "nonce-1");
    assert_string_equal(string_claim(claims, "x-ms-ver"), "1.0");
    assert_string_equal(string_claim(claims, "x-ms-attestation-type"), "sgx");
    assert_string_equal(string_claim(claims, "x-ms-policy-hash"),
                        "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw");
    assert_true(json_is_true(json_object_get(claims, "x-ms-sgx-is-debuggable")));
    assert_string_equal(string_claim(claims, "x-ms-sgx-mrenclave"),
                        "abababababababababababababababababababababababababababababababab");
    assert_string_equal(string_claim(claims, "x-ms-sgx-mrsigner"),
                        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    assert_int_equal(integer_claim(claims, "x-ms-sgx-product-id"), 7);
    assert_int_equal(integer_claim(claims, "x-ms-sgx-svn"), 9);
    hex(result.isv_report.report_data.d, 64, expected);
    assert_string_equal(string_claim(claims, "x-ms-sgx-report-data"), expected);
    assert_string_equal(string_claim(claims, "x-ms-sgx-ehd"), "-_8AQQ");
    assert_string_equal(string_claim(claims, "aas-ehd"), "-_8AQQ");
    assert_string_equal(string_claim(claims, "maa-ehd"), "-_8AQQ");
    assert_null(json_object_get(claims, "x-ms-runtime"));

    const json_t *collateral = json_object_get(claims, "x-ms-sgx-collateral");
    assert_int_equal(json_object_size(collateral), 7);
    SHA256(quote, sizeof(quote) - 1, digest);
    hex(digest, sizeof(digest), expected);
    assert_string_equal(string_claim(collateral, "quotehash"), expected);
    assert_string_equal(string_claim(collateral, "tcbinfohash"), hashes.tcbinfohash);
    assert_string_equal(string_claim(collateral, "qeidhash"), hashes.qeidhash);
    assert_string_equal(string_claim(collateral, "qeidcrlhash"), hashes.qeidcrlhash);
    assert_true(json_equal(json_object_get(claims, "maa-attestationcollateral"), collateral));

    assert_string_equal(string_claim(claims, "x-ms-cella-tcb-status"), "SWHardeningNeeded");
    json_t *advisories = json_pack("[s,s]", "INTEL-SA-00334", "INTEL-SA-00615");
    assert_true(json_equal(json_object_get(claims, "x-ms-cella-advisory-ids"), advisories));
    json_decref(advisories);
    assert_true(json_is_true(json_object_get(claims, "x-ms-cella-software-tee")));
    /* Not a KSS enclave: no KSS claims. */
    assert_null(json_object_get(claims, "x-ms-sgx-config-id"));
    assert_null(json_object_get(claims, "x-ms-sgx-isv-family-id"));

    json_decref(claims);
    json_decref(issued);
}

static void issued_claims_make_x_ms_policy_and_top_level_copies(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = issued_claims();
    json_t *claims = NULL;

    make_result(&result, SGX_FLAGS_MODE64BIT);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_OK);
    json_t *expected = json_pack("{s:b, s:i, s:s, s:s, s:[s,s]}", "is-debuggable", 1, "svn", 9,
                                 "tee", "sgx", "iss", "forged", "group", "a", "b");
    assert_true(json_equal(json_object_get(claims, "x-ms-policy"), expected));
    assert_true(json_is_true(json_object_get(claims, "is-debuggable")));
    assert_int_equal(integer_claim(claims, "svn"), 9);
    assert_string_equal(string_claim(claims, "tee"), "sgx");
    /* An issued claim never replaces one of the service's own. */
    assert_string_equal(string_claim(claims, "iss"), ISSUER);
    /* The service's own claims come from the quote, not from the policy. */
    assert_true(json_is_false(json_object_get(claims, "x-ms-sgx-is-debuggable")));
    /* No nonce asked, none given; no runtime data, no ehd. */
    assert_null(json_object_get(claims, "nonce"));
    assert_null(json_object_get(claims, "x-ms-sgx-ehd"));
    json_decref(expected);
    json_decref(claims);
    json_decref(issued);
}

static void json_runtime_and_init_time_data_are_objects_without_ehd(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = json_array();
    json_t *runtime = json_pack("{s:{s:s, s:s}}", "jwk", "crv", "P-256", "kty", "EC");
    json_t *init_time = json_pack("{s:i}", "setting", 1);
    json_t *claims = NULL;

    make_result(&result, SGX_FLAGS_MODE64BIT);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    input.runtime_data.type = CELLA_CLAIMS_DATA_JSON;
    input.runtime_data.bytes = (const uint8_t *)"{}";
    input.runtime_data.size = 2;
    input.runtime_data.json = runtime;
    input.init_time_data.type = CELLA_CLAIMS_DATA_JSON;
    input.init_time_data.json = init_time;
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_OK);
    assert_true(json_equal(json_object_get(claims, "x-ms-runtime"), runtime));
    assert_true(json_equal(json_object_get(claims, "x-ms-inittime"), init_time));
    assert_null(json_object_get(claims, "x-ms-sgx-ehd"));
    assert_null(json_object_get(claims, "maa-ehd"));
    assert_int_equal(json_object_size(json_object_get(claims, "x-ms-policy")), 0);
    json_decref(claims);
    json_decref(runtime);
    json_decref(init_time);
    json_decref(issued);
}

static void kss_enclaves_get_their_kss_claims(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = json_array();
    json_t *claims = NULL;

    make_result(&result, SGX_FLAGS_MODE64BIT | SGX_FLAGS_KSS);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_OK);
    assert_int_equal(strlen(string_claim(claims, "x-ms-sgx-config-id")), 128);
    assert_int_equal(integer_claim(claims, "x-ms-sgx-config-svn"), 4);
    assert_string_equal(string_claim(claims, "x-ms-sgx-isv-extended-product-id"),
                        "22222222222222222222222222222222");
    assert_string_equal(string_claim(claims, "x-ms-sgx-isv-family-id"),
                        "33333333333333333333333333333333");
    json_decref(claims);
    json_decref(issued);
}

static void two_tokens_have_different_jtis(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = json_array();
    json_t *first = NULL, *second = NULL;

    make_result(&result, 0);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    assert_int_equal(cella_claims_build(&input, &first), CELLA_OK);
    assert_int_equal(cella_claims_build(&input, &second), CELLA_OK);
    assert_string_not_equal(string_claim(first, "jti"), string_claim(second, "jti"));
    json_decref(first);
    json_decref(second);
    json_decref(issued);
}

static void build_refuses_missing_inputs(void **state)
{
    (void)state;
    cella_verify_result_t result;
    cella_claims_collateral_t hashes;
    cella_claims_input_t input;
    json_t *issued = json_array();
    json_t *claims = NULL;

    make_result(&result, 0);
    hashes_of_documents(&hashes);
    make_input(&input, &result, &hashes, issued);
    input.policy_hash = NULL;
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_ERR_INVALID_ARGUMENT);
    make_input(&input, &result, &hashes, NULL);
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_ERR_INVALID_ARGUMENT);
    make_input(&input, &result, &hashes, issued);
    input.runtime_data.type = CELLA_CLAIMS_DATA_JSON; /* without its parsed form */
    assert_int_equal(cella_claims_build(&input, &claims), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_claims_build(NULL, &claims), CELLA_ERR_INVALID_ARGUMENT);
    assert_null(claims);
    json_decref(issued);
}

/* The type and JSON type of each incoming claim a policy sees. */
static void the_policy_sees_the_quote_s_claims_under_both_names(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        json_type json_type;
    } expected[] = {
        {"x-ms-sgx-is-debuggable", JSON_TRUE},  {"$is-debuggable", JSON_TRUE},
        {"x-ms-sgx-product-id", JSON_INTEGER},  {"$product-id", JSON_INTEGER},
        {"x-ms-sgx-svn", JSON_INTEGER},         {"$svn", JSON_INTEGER},
        {"x-ms-sgx-mrsigner", JSON_STRING},     {"$sgx-mrsigner", JSON_STRING},
        {"x-ms-sgx-mrenclave", JSON_STRING},    {"$sgx-mrenclave", JSON_STRING},
        {"x-ms-attestation-type", JSON_STRING}, {"$tee", JSON_STRING},
        {"x-ms-sgx-report-data", JSON_STRING},  {"x-ms-cella-tcb-status", JSON_STRING},
        {"x-ms-cella-software-tee", JSON_TRUE}, {"x-ms-cella-advisory-ids", JSON_STRING},
    };
    cella_verify_result_t result;
    json_t *incoming = NULL;

    make_result(&result, SGX_FLAGS_DEBUG);
    assert_int_equal(cella_claims_incoming(&result, &incoming), CELLA_OK);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        size_t index;
        json_t *claim;
        bool found = false;
        json_array_foreach(incoming, index, claim)
        {
            if (strcmp(json_string_value(json_object_get(claim, "type")), expected[i].type) == 0 &&
                json_typeof(json_object_get(claim, "value")) == expected[i].json_type)
                found = true;
        }
        if (!found)
            fail_msg("no incoming claim %s of the right JSON type", expected[i].type);
    }
    /* Two advisories, two claims. */
    size_t advisories = 0, index;
    json_t *claim;
    json_array_foreach(incoming, index, claim)
    {
        if (strcmp(json_string_value(json_object_get(claim, "type")), "x-ms-cella-advisory-ids") ==
            0)
            advisories++;
    }
    assert_int_equal(advisories, 2);
    json_decref(incoming);
    assert_int_equal(cella_claims_incoming(NULL, &incoming), CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_collateral_hashes_are_sha256_of_the_documents),
        cmocka_unit_test(a_token_has_every_sgx_claim_with_maa_s_names_and_types),
        cmocka_unit_test(issued_claims_make_x_ms_policy_and_top_level_copies),
        cmocka_unit_test(json_runtime_and_init_time_data_are_objects_without_ehd),
        cmocka_unit_test(kss_enclaves_get_their_kss_claims),
        cmocka_unit_test(two_tokens_have_different_jtis),
        cmocka_unit_test(build_refuses_missing_inputs),
        cmocka_unit_test(the_policy_sees_the_quote_s_claims_under_both_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
