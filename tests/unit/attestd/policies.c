/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/policies.c: policy bodies, the policies in force, and type names. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "attestd/policies.h"
#include "attestd/service.h"
#include "attestd/store.h"

/* {"alg":"none"}.{"AttestationPolicy":base64url("version=1.0; authorizationrules{=> deny();};
 * issuancerules{};")}. */
static const char deny_text[] = "version=1.0; authorizationrules{=> deny();}; issuancerules{};";
static const char deny_jws[] =
    "eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6ImRtVnljMmx2YmoweExqQTdJR0YxZEdodmNtbDZZWF"
    "JwYjI1eWRXeGxjM3M5UGlCa1pXNTVLQ2s3ZlRzZ2FYTnpkV0Z1WTJWeWRXeGxjM3Q5T3cifQ.";

static void a_policy_jws_gives_its_text_and_itself_as_the_token(void **state)
{
    (void)state;
    cella_policies_body_t body;
    char error[256] = "";

    assert_int_equal(cella_policies_decode_body(deny_jws, sizeof(deny_jws) - 1, false, &body, error,
                                                sizeof(error)),
                     CELLA_OK);
    assert_string_equal(body.text, deny_text);
    assert_int_equal(body.text_size, sizeof(deny_text) - 1);
    assert_string_equal(body.token, deny_jws);
    assert_null(body.signer);
    cella_policies_body_clear(&body);

    /* The same inside a JSON string, with whitespace around it. */
    char quoted[sizeof(deny_jws) + 8];
    snprintf(quoted, sizeof(quoted), " \"%s\"\n", deny_jws);
    assert_int_equal(
        cella_policies_decode_body(quoted, strlen(quoted), false, &body, error, sizeof(error)),
        CELLA_OK);
    assert_string_equal(body.token, deny_jws);
    cella_policies_body_clear(&body);
}

static void plain_text_is_a_policy_whose_token_is_its_unsigned_jws(void **state)
{
    (void)state;
    cella_policies_body_t body;
    char error[256] = "";

    assert_int_equal(cella_policies_decode_body(deny_text, sizeof(deny_text) - 1, false, &body,
                                                error, sizeof(error)),
                     CELLA_OK);
    assert_string_equal(body.text, deny_text);
    assert_string_equal(body.token, deny_jws);
    cella_policies_body_clear(&body);
}

static void reset_takes_an_empty_jws_or_nothing(void **state)
{
    (void)state;
    cella_policies_body_t body;
    char error[256] = "";

    assert_int_equal(
        cella_policies_decode_body("eyJhbGciOiJub25lIn0..", 21, true, &body, error, sizeof(error)),
        CELLA_OK);
    assert_null(body.text);
    assert_string_equal(body.token, "eyJhbGciOiJub25lIn0..");
    cella_policies_body_clear(&body);
    assert_int_equal(cella_policies_decode_body("\n", 1, true, &body, error, sizeof(error)),
                     CELLA_OK);
    assert_string_equal(body.token, "");
    cella_policies_body_clear(&body);
}

static void bodies_that_say_no_policy_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        bool reset;
        cella_result_t result;
    } cases[] = {
        {"", false, CELLA_ERR_INVALID_FORMAT},
        {"  \r\n", false, CELLA_ERR_INVALID_FORMAT},
        {"eyJhbGciOiJub25lIn0.e30.", false, CELLA_ERR_INVALID_FORMAT}, /* {} */
        /* {"AttestationPolicy":"!"} */
        {"eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6IiEifQ.", false,
         CELLA_ERR_INVALID_FORMAT},
        {deny_jws, true, CELLA_ERR_INVALID_FORMAT}, /* a reset with a policy */
        {deny_text, true, CELLA_ERR_INVALID_FORMAT},
        {"eyJhbGciOiJub25lIn0..c2ln", true, CELLA_ERR_VERIFY_FAILED},      /* alg none, signed */
        {"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", false, CELLA_ERR_VERIFY_FAILED}, /* no x5c */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cella_policies_body_t body;
        char error[256] = "";
        cella_result_t r = cella_policies_decode_body(cases[i].body, strlen(cases[i].body),
                                                      cases[i].reset, &body, error, sizeof(error));
        if (r != cases[i].result || error[0] == '\0')
            fail_msg("case %zu: result %d, error '%s'", i, (int)r, error);
    }
}

static void type_names_are_maa_s(void **state)
{
    (void)state;
    cella_policies_type_t type;
    assert_true(cella_policies_type_parse("SgxEnclave", 10, &type));
    assert_int_equal(type, CELLA_POLICIES_SGX_ENCLAVE);
    assert_true(cella_policies_type_parse("OpenEnclave", 11, &type));
    assert_int_equal(type, CELLA_POLICIES_OPEN_ENCLAVE);
    assert_string_equal(cella_policies_type_str(CELLA_POLICIES_OPEN_ENCLAVE), "OpenEnclave");
    assert_false(cella_policies_type_parse("sgxenclave", 10, &type));
    assert_false(cella_policies_type_parse("SgxEnclave", 9, &type));
    assert_false(cella_policies_type_parse("Tpm", 3, &type));
}

static void the_policies_in_force_come_from_the_store_or_default(void **state)
{
    (void)state;
    char dir[] = "/tmp/cella-attestd-policies.XXXXXX";
    char path[64];
    cella_store_t *store = NULL;
    cella_policies_t *policies = NULL;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/db", dir);
    assert_int_equal(cella_store_open(path, &store), CELLA_OK);
    assert_int_equal(
        cella_store_set_policy(store, "OpenEnclave", deny_text, sizeof(deny_text) - 1, NULL, 1),
        CELLA_OK);
    /* A stored text that no longer parses refuses everything rather than stopping the service. */
    assert_int_equal(cella_store_set_policy(store, "SgxEnclave", "version=9.9;", 12, NULL, 1),
                     CELLA_OK);
    assert_int_equal(cella_policies_create(store, &policies), CELLA_OK);
    cella_policies_entry_t *sgx = cella_policies_acquire(policies, CELLA_POLICIES_SGX_ENCLAVE);
    cella_policies_entry_t *oe = cella_policies_acquire(policies, CELLA_POLICIES_OPEN_ENCLAVE);
    assert_null(sgx->policy);
    assert_false(sgx->is_default);
    assert_non_null(oe->policy);
    assert_string_equal(oe->text, deny_text);
    cella_policies_release(policies, sgx);
    cella_policies_release(policies, oe);
    cella_policies_destroy(policies);

    assert_int_equal(cella_store_reset_policy(store, "SgxEnclave", 2), CELLA_OK);
    assert_int_equal(cella_policies_create(store, &policies), CELLA_OK);
    sgx = cella_policies_acquire(policies, CELLA_POLICIES_SGX_ENCLAVE);
    assert_true(sgx->is_default);
    assert_non_null(sgx->policy);
    assert_string_equal(sgx->text, cella_policy_default_sgx);
    assert_string_equal(sgx->hash, "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw");
    cella_policies_release(policies, sgx);
    cella_policies_destroy(policies);
    cella_store_close(store);
    assert_int_equal(cella_policies_create(NULL, &policies), CELLA_ERR_INVALID_ARGUMENT);

    char command[128];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* Who may change policies: the bearer of the admin token, or anyone in dev mode without one. */
static void policy_changes_need_the_admin_token(void **state)
{
    (void)state;
    char token[] = "s3cret-Token_value";
    cella_service_t service;
    memset(&service, 0, sizeof(service));

    /* No token configured: dev mode lets anyone, production mode nobody. */
    assert_false(cella_service_may_manage_policies(&service, NULL));
    assert_false(cella_service_may_manage_policies(&service, "Bearer s3cret-Token_value"));
    service.dev = true;
    assert_true(cella_service_may_manage_policies(&service, NULL));

    service.admin_token = token;
    service.admin_token_size = strlen(token);
    static const struct {
        const char *authorization;
        bool allowed;
    } cases[] = {
        {"Bearer s3cret-Token_value", true},
        {"bearer s3cret-Token_value", true}, /* the scheme is case-insensitive */
        {"BEARER   s3cret-Token_value", true},
        {NULL, false},
        {"", false},
        {"Bearer", false},
        {"Bearer ", false},
        {"Bearers3cret-Token_value", false},
        {"Basic s3cret-Token_value", false},
        {"Bearer s3cret-token_value", false}, /* the token itself is not */
        {"Bearer s3cret-Token_valu", false},
        {"Bearer s3cret-Token_value2", false},
        {"Bearer s3cret-Token_value ", false},
        {"s3cret-Token_value", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cella_service_may_manage_policies(&service, cases[i].authorization) != cases[i].allowed)
            fail_msg("Authorization: %s: expected %s",
                     cases[i].authorization ? cases[i].authorization : "(none)",
                     cases[i].allowed ? "allowed" : "refused");
    }
    /* With a token, dev mode no longer lets anyone. */
    assert_false(cella_service_may_manage_policies(&service, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_policy_jws_gives_its_text_and_itself_as_the_token),
        cmocka_unit_test(plain_text_is_a_policy_whose_token_is_its_unsigned_jws),
        cmocka_unit_test(reset_takes_an_empty_jws_or_nothing),
        cmocka_unit_test(bodies_that_say_no_policy_are_refused),
        cmocka_unit_test(type_names_are_maa_s),
        cmocka_unit_test(the_policies_in_force_come_from_the_store_or_default),
        cmocka_unit_test(policy_changes_need_the_admin_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
