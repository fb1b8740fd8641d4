/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for attestd/policy.c: MAA's policy language, its evaluation and x-ms-policy-hash. */
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

#include "attestd/policy.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Enclave identities used throughout: 64 lowercase hex characters each. */
#define MRSIGNER       "c30446b4be9baf0f69728423ea613ef81a63e72acf7439fa0549001fd5482835"
#define MRENCLAVE      "a0d8c3b8a0e5d6f4c3b2a1908f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4"
#define OTHER_MRSIGNER "0000000000000000000000000000000000000000000000000000000000000001"

/* The minimal policy of the SDK tests (maa-api.md section 9.4). */
static const char minimal_policy[] =
    "version=1.0; authorizationrules{=> permit();}; issuancerules{};";

/*
 * Helpers
 */

static cella_policy_t *parse(const char *text)
{
    cella_policy_t *policy = NULL;
    char error[CELLA_POLICY_ERROR_BYTES] = "";
    const cella_result_t r = cella_policy_parse(text, strlen(text), &policy, error, sizeof(error));

    if (r != CELLA_OK)
        fail_msg("the policy does not parse: %s\n%s", error, text);
    assert_non_null(policy);
    return policy;
}

/* The incoming claims of an SGX enclave, as attestd derives them from a quote. */
static json_t *enclave_claims(bool debuggable, const char *mrsigner, json_int_t product_id,
                              json_int_t svn)
{
    json_t *claims = json_pack(
        "[{s:s,s:b},{s:s,s:s},{s:s,s:s},{s:s,s:I},{s:s,s:I},{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "type",
        "x-ms-sgx-is-debuggable", "value", debuggable, "type", "x-ms-sgx-mrsigner", "value",
        mrsigner, "type", "x-ms-sgx-mrenclave", "value", MRENCLAVE, "type", "x-ms-sgx-product-id",
        "value", product_id, "type", "x-ms-sgx-svn", "value", svn, "type", "x-ms-attestation-type",
        "value", "sgx", "type", "x-ms-ver", "value", "1.0", "type", "x-ms-sgx-report-data", "value",
        "00");

    assert_non_null(claims);
    return claims;
}

typedef struct outcome {
    bool permitted;
    json_t *issued;
    json_t *properties;
    char reason[128];
} outcome_t;

static void evaluate(const cella_policy_t *policy, const json_t *incoming, outcome_t *outcome)
{
    memset(outcome, 0, sizeof(*outcome));
    assert_int_equal(cella_policy_evaluate(policy, incoming, &outcome->permitted, &outcome->issued,
                                           &outcome->properties, outcome->reason,
                                           sizeof(outcome->reason)),
                     CELLA_OK);
    assert_true(json_is_array(outcome->issued));
    assert_true(json_is_object(outcome->properties));
}

static void release(outcome_t *outcome)
{
    json_decref(outcome->issued);
    json_decref(outcome->properties);
    outcome->issued = NULL;
    outcome->properties = NULL;
}

/* Fails, showing both, unless actual equals the JSON text expected. */
static void assert_json(const json_t *actual, const char *expected_text)
{
    json_error_t error;
    json_t *expected = json_loads(expected_text, 0, &error);

    if (expected == NULL)
        fail_msg("bad expected JSON in the test: %s", error.text);
    if (!json_equal(actual, expected)) {
        char *text = json_dumps(actual, JSON_COMPACT);
        fail_msg("expected %s\n     got %s", expected_text, text != NULL ? text : "(null)");
    }
    json_decref(expected);
}

/* A claim the policy issued: {"type", "value", "issuer": "AttestationPolicy"}. */
#define ISSUED(type, value) \
    "{\"type\":\"" type "\",\"value\":" value ",\"issuer\":\"AttestationPolicy\"}"

/* Fails unless issued holds exactly the claims of expected ({type, JSON text of the value}). */
static void assert_issued(const json_t *issued, const char *const (*expected)[2], size_t count)
{
    json_t *array = json_array();

    assert_non_null(array);
    for (size_t i = 0; i < count; i++) {
        json_t *value = json_loads(expected[i][1], JSON_DECODE_ANY, NULL);
        assert_non_null(value);
        assert_int_equal(
            json_array_append_new(array, json_pack("{s:s,s:o,s:s}", "type", expected[i][0], "value",
                                                   value, "issuer", "AttestationPolicy")),
            0);
    }
    char *text = json_dumps(array, JSON_COMPACT);
    assert_non_null(text);
    assert_json(issued, text);
    free(text);
    json_decref(array);
}

/*
 * The default policy and its hash
 */

static void default_policy_is_the_501_bytes_whose_hash_maa_publishes(void **state)
{
    char hash[44];

    (void)state;
    assert_int_equal(strlen(cella_policy_default_sgx), 501);
    assert_int_equal(cella_policy_hash(cella_policy_default_sgx, strlen(cella_policy_default_sgx),
                                       hash, sizeof(hash)),
                     CELLA_OK);
    assert_string_equal(hash, "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw");
}

static void default_policy_parses_as_version_1_0(void **state)
{
    cella_policy_t *policy = parse(cella_policy_default_sgx);

    (void)state;
    assert_int_equal(cella_policy_version(policy), 10);
    cella_policy_destroy(policy);
}

static void default_policy_permits_and_issues_the_six_enclave_claims(void **state)
{
    cella_policy_t *policy = parse(cella_policy_default_sgx);
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_true(outcome.permitted);
    assert_string_equal(outcome.reason, "");
    static const char *const expected[][2] = {
        {"is-debuggable", "false"},
        {"sgx-mrsigner", "\"" MRSIGNER "\""},
        {"sgx-mrenclave", "\"" MRENCLAVE "\""},
        {"product-id", "1"},
        {"svn", "7"},
        {"tee", "\"sgx\""},
    };
    assert_issued(outcome.issued, expected, ARRAY_COUNT(expected));
    assert_json(outcome.properties, "{}");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void default_policy_permits_a_debug_enclave_and_only_reports_it(void **state)
{
    cella_policy_t *policy = parse(cella_policy_default_sgx);
    json_t *claims = enclave_claims(true, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_true(outcome.permitted);
    assert_json(json_array_get(outcome.issued, 0), ISSUED("is-debuggable", "true"));
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void evaluation_leaves_the_incoming_claims_unchanged(void **state)
{
    cella_policy_t *policy = parse(
        "version=1.1; configurationrules{=> issueproperty(type=\"p\", value=1);};"
        "authorizationrules{c:[type==\"x-ms-sgx-svn\"] => add(type=\"added\", value=c.value);"
        "=> permit();};"
        "issuancerules{c:[type==\"added\"] => issue(claim=c); => add(type=\"more\", value=2);};");
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    char *before = json_dumps(claims, JSON_COMPACT);
    outcome_t outcome;

    (void)state;
    assert_non_null(before);
    evaluate(policy, claims, &outcome);
    assert_true(outcome.permitted);
    assert_json(outcome.issued, "[" ISSUED("added", "7") "]");
    assert_json(claims, before);
    release(&outcome);
    free(before);
    json_decref(claims);
    cella_policy_destroy(policy);
}

/*
 * Authorization
 */

static void minimal_sdk_policy_permits_and_issues_nothing(void **state)
{
    cella_policy_t *policy = parse(minimal_policy);
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    json_t *none = json_array();
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_true(outcome.permitted);
    assert_json(outcome.issued, "[]");
    release(&outcome);
    /* No claims at all: `=> permit();` has no condition to fail. */
    evaluate(policy, none, &outcome);
    assert_true(outcome.permitted);
    release(&outcome);
    json_decref(none);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void a_policy_without_authorization_rules_refuses(void **state)
{
    cella_policy_t *policy = parse("version=1.0; issuancerules{=> issue(type=\"a\", value=1);};");
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_false(outcome.permitted);
    assert_string_equal(outcome.reason, "no rule permitted");
    /* A refusal issues nothing, not even what issuancerules would have. */
    assert_json(outcome.issued, "[]");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

/* The Azure SQL Always Encrypted rule of the MAA documentation, with a deny() fallback. */
static const char production_policy[] =
    "version= 1.0;\n"
    "authorizationrules\n"
    "{\n"
    "    [ type==\"x-ms-sgx-is-debuggable\", value==false ]\n"
    "    && [ type==\"x-ms-sgx-product-id\", value==4639 ]\n"
    "    && [ type==\"x-ms-sgx-svn\", value>= 0 ]\n"
    "    && [ type==\"x-ms-sgx-mrsigner\", value==\"" MRSIGNER "\"]\n"
    "    => permit();\n"
    "    => deny();\n"
    "};\n"
    "issuancerules\n"
    "{\n"
    "    c:[type==\"x-ms-sgx-mrsigner\"] => issue(type=\"enclave-signer\", value=c.value);\n"
    "};\n";

static void production_rule_permits_only_the_right_non_debug_enclave(void **state)
{
    static const struct {
        const char *name;
        bool debuggable;
        const char *mrsigner;
        json_int_t product_id;
        json_int_t svn;
        bool permitted;
    } cases[] = {
        {"the expected enclave", false, MRSIGNER, 4639, 0, true},
        {"a later svn", false, MRSIGNER, 4639, 65535, true},
        {"a debug build", true, MRSIGNER, 4639, 0, false},
        {"another signer", false, OTHER_MRSIGNER, 4639, 0, false},
        {"another product", false, MRSIGNER, 4640, 0, false},
        {"a negative svn", false, MRSIGNER, 4639, -1, false},
    };
    cella_policy_t *policy = parse(production_policy);

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        json_t *claims = enclave_claims(cases[i].debuggable, cases[i].mrsigner, cases[i].product_id,
                                        cases[i].svn);
        outcome_t outcome;
        evaluate(policy, claims, &outcome);
        if (outcome.permitted != cases[i].permitted)
            fail_msg("%s: permitted %d, expected %d", cases[i].name, outcome.permitted,
                     cases[i].permitted);
        if (cases[i].permitted) {
            assert_string_equal(outcome.reason, "");
            assert_json(outcome.issued, "[" ISSUED("enclave-signer", "\"" MRSIGNER "\"") "]");
        } else {
            assert_string_equal(outcome.reason, "deny() in authorizationrules rule 2");
            assert_json(outcome.issued, "[]");
        }
        release(&outcome);
        json_decref(claims);
    }
    cella_policy_destroy(policy);
}

static void production_rule_refuses_a_missing_or_mistyped_claim(void **state)
{
    cella_policy_t *policy = parse(production_policy);
    json_t *claims = enclave_claims(false, MRSIGNER, 4639, 0);
    outcome_t outcome;

    (void)state;
    /* svn as a string: "0" is no integer, so value>= 0 does not hold. */
    assert_int_equal(json_object_set_new(json_array_get(claims, 4), "value", json_string("0")), 0);
    evaluate(policy, claims, &outcome);
    assert_false(outcome.permitted);
    release(&outcome);
    /* No svn claim at all. */
    assert_int_equal(json_array_remove(claims, 4), 0);
    evaluate(policy, claims, &outcome);
    assert_false(outcome.permitted);
    assert_string_equal(outcome.reason, "deny() in authorizationrules rule 2");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void integer_comparisons_follow_their_operators(void **state)
{
    static const struct {
        const char *test;
        bool holds; /* for a claim whose value is 5 */
    } cases[] = {
        {"value == 5", true},
        {"value == 4", false},
        {"value != 4", true},
        {"value != 5", false},
        {"value < 6", true},
        {"value < 5", false},
        {"value <= 5", true},
        {"value <= 4", false},
        {"value > 4", true},
        {"value > 5", false},
        {"value >= 5", true},
        {"value >= 6", false},
        {"value > -6", true},
        {"value < -6", false},
        {"value == \"5\"", false},
        {"value != \"5\"", false}, /* different types: not even != holds */
        {"value >= -9223372036854775808", true},
        {"value <= 9223372036854775807", true},
    };

    (void)state;
    json_t *claims = json_pack("[{s:s,s:i}]", "type", "n", "value", 5);
    assert_non_null(claims);
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "version=1.0; authorizationrules{[type==\"n\", %s] => permit();};", cases[i].test);
        cella_policy_t *policy = parse(text);
        outcome_t outcome;
        evaluate(policy, claims, &outcome);
        if (outcome.permitted != cases[i].holds)
            fail_msg("5 %s: %d, expected %d", cases[i].test + 6, outcome.permitted, cases[i].holds);
        release(&outcome);
        cella_policy_destroy(policy);
    }
    json_decref(claims);
}

static void deny_wins_when_it_comes_first_and_loses_when_it_comes_second(void **state)
{
    cella_policy_t *deny_first =
        parse("version=1.0; authorizationrules{[type==\"x-ms-sgx-is-debuggable\", value==false] => "
              "add(type=\"checked\", value=true); => deny(); => permit();};");
    cella_policy_t *permit_first =
        parse("version=1.0; authorizationrules{=> permit(); => deny();};");
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    evaluate(deny_first, claims, &outcome);
    assert_false(outcome.permitted);
    /* add() decides nothing: the deny() after it is rule 2 of the section. */
    assert_string_equal(outcome.reason, "deny() in authorizationrules rule 2");
    release(&outcome);
    evaluate(permit_first, claims, &outcome);
    assert_true(outcome.permitted);
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(permit_first);
    cella_policy_destroy(deny_first);
}

static void add_feeds_the_rules_after_it_but_is_not_issued(void **state)
{
    cella_policy_t *policy =
        parse("version=1.0;"
              "authorizationrules{"
              "  c:[type==\"x-ms-sgx-svn\", value>=2] => add(type=\"svn-ok\", value=true);"
              "  [type==\"svn-ok\", value==true, issuer==\"AttestationPolicy\"] => permit();"
              "};"
              "issuancerules{"
              "  c:[type==\"x-ms-sgx-svn\"] => add(type=\"svn-copy\", value=c.value);"
              "  c:[type==\"svn-copy\"] => issue(type=\"svn\", value=c.value);"
              "};");
    json_t *recent = enclave_claims(false, MRSIGNER, 1, 2);
    json_t *old = enclave_claims(false, MRSIGNER, 1, 1);
    outcome_t outcome;

    (void)state;
    evaluate(policy, recent, &outcome);
    assert_true(outcome.permitted);
    assert_json(outcome.issued, "[" ISSUED("svn", "2") "]");
    release(&outcome);
    evaluate(policy, old, &outcome);
    assert_false(outcome.permitted);
    assert_string_equal(outcome.reason, "no rule permitted");
    release(&outcome);
    json_decref(old);
    json_decref(recent);
    cella_policy_destroy(policy);
}

static void a_rule_does_not_see_the_claim_it_adds(void **state)
{
    /* If the add() were visible to its own rule's conditions it would still fire once. */
    cella_policy_t *policy =
        parse("version=1.0; authorizationrules{=> permit();};"
              "issuancerules{ => add(type=\"a\", value=1); c:[type==\"a\"] => issue(claim=c);"
              "  c:[type==\"a\"] => add(type=\"a\", value=2); c:[type==\"a\", value==2] => "
              "issue(claim=c);};");
    json_t *claims = json_array();
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_json(outcome.issued, "[" ISSUED("a", "1") "," ISSUED("a", "2") "]");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

/*
 * Issuance and properties
 */

static void issueproperty_in_configurationrules_sets_a_property_claim(void **state)
{
    cella_policy_t *policy = parse(
        "version=1.1;"
        "configurationrules{ => issueproperty(type=\"x-ms-sgx-tcbidentifier\", value=\"13\"); };"
        "authorizationrules{ [type==\"x-ms-sgx-tcbidentifier\", value==\"13\"] => permit(); };"
        "issuancerules{ => issueproperty(type=\"report_validity_in_minutes\", value=1440);"
        "  => issueproperty(type=\"x-ms-sgx-tcbidentifier\", value=\"12\"); };");
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    assert_int_equal(cella_policy_version(policy), 11);
    evaluate(policy, claims, &outcome);
    /* The property also joined the incoming claims: authorizationrules saw it. */
    assert_true(outcome.permitted);
    assert_json(outcome.issued, "[]");
    /* The later issueproperty() of the same type replaced the value. */
    assert_json(outcome.properties,
                "{\"x-ms-sgx-tcbidentifier\":\"12\",\"report_validity_in_minutes\":1440}");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void issued_values_come_from_literals_and_from_c_value_and_c_type(void **state)
{
    cella_policy_t *policy =
        parse("version=1.0; authorizationrules{=> permit();};"
              "issuancerules{"
              "  c:[type==\"x-ms-sgx-mrsigner\"] => issue(type=\"which\", value=c.type);"
              "  c:[type==\"x-ms-sgx-product-id\"] => issue(type=c.type, value=c.value);"
              "  c:[type==\"x-ms-sgx-is-debuggable\"] => issue(claim=c);"
              "  => issue(type=\"quote\\\"back\\\\slash\", value=\"caf\xc3\xa9\");"
              "  => issue(type=\"flag\", value=true);"
              "  => issue(type=\"lowest\", value=-9223372036854775808);"
              "};");
    json_t *claims = enclave_claims(false, MRSIGNER, 42, 7);
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_true(outcome.permitted);
    static const char *const expected[][2] = {
        {"which", "\"x-ms-sgx-mrsigner\""},
        {"x-ms-sgx-product-id", "42"},
        {"x-ms-sgx-is-debuggable", "false"},
        {"quote\"back\\slash", "\"caf\xc3\xa9\""},
        {"flag", "true"},
        {"lowest", "-9223372036854775808"},
    };
    assert_issued(outcome.issued, expected, ARRAY_COUNT(expected));
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void a_condition_holds_when_any_of_several_claims_of_a_type_matches(void **state)
{
    cella_policy_t *policy = parse(
        "version=1.0; authorizationrules{[type==\"group\", value==\"admins\"] => permit();};"
        "issuancerules{c:[type==\"group\"] => issue(claim=c);"
        "  c:[type==\"group\", value!=\"users\"] => issue(type=\"first-other\", value=c.value);};");
    json_t *members =
        json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "type", "group", "value", "users", "type",
                  "group", "value", "staff", "type", "group", "value", "admins");
    json_t *outsiders = json_pack("[{s:s,s:s},{s:s,s:s}]", "type", "group", "value", "users",
                                  "type", "other", "value", "admins");
    outcome_t outcome;

    (void)state;
    evaluate(policy, members, &outcome);
    assert_true(outcome.permitted);
    /* c names the first claim that matched, in the incoming order. */
    assert_json(outcome.issued,
                "[" ISSUED("group", "\"users\"") "," ISSUED("first-other", "\"staff\"") "]");
    release(&outcome);
    /* One claim must meet all the tests: type and value from two claims do not add up. */
    evaluate(policy, outsiders, &outcome);
    assert_false(outcome.permitted);
    release(&outcome);
    json_decref(outsiders);
    json_decref(members);
    cella_policy_destroy(policy);
}

static void a_test_can_compare_with_a_claim_an_earlier_condition_bound(void **state)
{
    /* The example of MAA's claim rule grammar. */
    cella_policy_t *policy =
        parse("version=1.1; authorizationrules{=> permit();};"
              "issuancerules{"
              "  F1:[type==\"OSName\", issuer==\"CustomClaim\"] &&"
              "  C2:[type==\"OSName\", issuer==\"AttestationService\", value==F1.value]"
              "  => issue(claim=C2);"
              "  F1:[type==\"OSName\", issuer==\"CustomClaim\"] &&"
              "  [type==\"OSName\", issuer==\"AttestationService\", value==F1.value]"
              "  => issueproperty(type=\"report_validity_in_minutes\", value=1440);"
              "};");
    /* The first CustomClaim has no service twin; the second has, after another claim. */
    json_t *claims = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s},{s:s,s:s}]", "type",
                               "OSName", "value", "Plan9", "issuer", "CustomClaim", "type",
                               "OSName", "value", "Linux", "issuer", "CustomClaim", "type",
                               "OSName", "value", "Windows", "type", "OSName", "value", "Linux");
    json_t *unmatched = json_pack("[{s:s,s:s,s:s},{s:s,s:s}]", "type", "OSName", "value", "Plan9",
                                  "issuer", "CustomClaim", "type", "OSName", "value", "Linux");
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    assert_json(outcome.issued, "[" ISSUED("OSName", "\"Linux\"") "]");
    assert_json(outcome.properties, "{\"report_validity_in_minutes\":1440}");
    release(&outcome);
    evaluate(policy, unmatched, &outcome);
    assert_json(outcome.issued, "[]");
    assert_json(outcome.properties, "{}");
    release(&outcome);
    json_decref(unmatched);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void issuer_and_value_type_tests_read_the_claim(void **state)
{
    cella_policy_t *policy = parse(
        "version=1.0; authorizationrules{=> permit();};"
        "issuancerules{"
        "  c:[valueType==\"Integer\"] => issue(type=\"integer\", value=c.type);"
        "  c:[valueType==\"Boolean\"] => issue(type=\"boolean\", value=c.type);"
        "  c:[valueType==\"String\", issuer!=\"AttestationService\"] => issue(type=\"custom\","
        "    value=c.value);"
        "};");
    json_t *claims = json_pack("[{s:s,s:s},{s:s,s:b},{s:s,s:s,s:s},{s:s,s:i}]", "type", "s",
                               "value", "text", "type", "b", "value", 1, "type", "c", "value",
                               "mine", "issuer", "CustomClaim", "type", "i", "value", 3);
    outcome_t outcome;

    (void)state;
    evaluate(policy, claims, &outcome);
    static const char *const expected[][2] = {
        {"integer", "\"i\""},
        {"boolean", "\"b\""},
        {"custom", "\"mine\""},
    };
    assert_issued(outcome.issued, expected, ARRAY_COUNT(expected));
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void a_negated_condition_of_version_1_2_holds_when_no_claim_matches(void **state)
{
    cella_policy_t *policy =
        parse("version=1.2; authorizationrules{"
              "  ![type==\"x-ms-sgx-is-debuggable\", value==true] && c:[type==\"x-ms-sgx-svn\"]"
              "  && ![type==\"revoked-svn\", value==c.value] => permit();};");
    json_t *release_build = enclave_claims(false, MRSIGNER, 1, 7);
    json_t *debug_build = enclave_claims(true, MRSIGNER, 1, 7);
    outcome_t outcome;

    (void)state;
    assert_int_equal(cella_policy_version(policy), 12);
    evaluate(policy, release_build, &outcome);
    assert_true(outcome.permitted);
    release(&outcome);
    evaluate(policy, debug_build, &outcome);
    assert_false(outcome.permitted);
    release(&outcome);
    json_t *revoked = json_pack("{s:s,s:i}", "type", "revoked-svn", "value", 7);
    assert_int_equal(json_array_append_new(release_build, revoked), 0);
    evaluate(policy, release_build, &outcome);
    assert_false(outcome.permitted);
    release(&outcome);
    json_decref(debug_build);
    json_decref(release_build);
    cella_policy_destroy(policy);
}

static void an_evaluation_past_the_work_limit_is_refused(void **state)
{
    /* Four conditions that each match all 100 claims, then one that needs all four equal
     * and never holds: 100^4 combinations to rule out. */
    cella_policy_t *policy =
        parse("version=1.0; authorizationrules{"
              "  a:[type==\"n\"] && b:[type==\"n\"] && c:[type==\"n\"] && d:[type==\"n\"] &&"
              "  [type==\"n\", value==a.value, value==b.value, value==c.value, value==d.value,"
              "   value==-1] => permit(); => permit();};");
    json_t *claims = json_array();
    outcome_t outcome;

    (void)state;
    for (int i = 0; i < 100; i++)
        assert_int_equal(
            json_array_append_new(claims, json_pack("{s:s,s:i}", "type", "n", "value", i)), 0);
    evaluate(policy, claims, &outcome);
    assert_false(outcome.permitted);
    assert_string_equal(outcome.reason, "evaluation needs more than 4194304 claim comparisons");
    release(&outcome);
    json_decref(claims);
    cella_policy_destroy(policy);
}

/*
 * Syntax
 */

static void whitespace_is_allowed_between_every_token(void **state)
{
    cella_policy_t *policy = parse("\r\n version \t= 1 . 0 ;\n authorizationrules \n{\n"
                                   "  c : [ type == \"n\" , value >= -3 ] && [ type != \"m\" ]"
                                   "  =>\tpermit ( ) ;\n} ;\nissuancerules { } ;\n");

    (void)state;
    assert_int_equal(cella_policy_version(policy), 10);
    cella_policy_destroy(policy);
}

static void parse_reads_exactly_size_bytes_without_a_terminator(void **state)
{
    char text[sizeof(minimal_policy) - 1 + 4];
    cella_policy_t *policy = NULL;
    char error[CELLA_POLICY_ERROR_BYTES];

    (void)state;
    memcpy(text, minimal_policy, strlen(minimal_policy));
    memcpy(text + strlen(minimal_policy), "junk", 4);
    assert_int_equal(
        cella_policy_parse(text, strlen(minimal_policy), &policy, error, sizeof(error)), CELLA_OK);
    cella_policy_destroy(policy);
    policy = NULL;
    /* The same bytes with the junk counted are refused. */
    assert_int_equal(cella_policy_parse(text, sizeof(text), &policy, error, sizeof(error)),
                     CELLA_ERR_INVALID_FORMAT);
    assert_string_equal(error, "line 1, column 64: expected authorizationrules, issuancerules "
                               "or end of input, found 'junk'");
    assert_null(policy);
}

#define V10   "version=1.0;"
#define V11   "version=1.1;"
#define V12   "version=1.2;"
#define AUTH  "authorizationrules{"
#define ISSUE "issuancerules{"

static void parse_reports_where_and_what_it_expected(void **state)
{
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        /* The version statement. */
        {"", "line 1, column 1: expected 'version', found end of input"},
        {"   \n  ", "line 2, column 3: expected 'version', found end of input"},
        {"versio=1.0;", "line 1, column 1: expected 'version', found 'versio'"},
        {"version 1.0;", "line 1, column 9: expected '=', found '1'"},
        {"version=1.0", "line 1, column 12: expected ';', found end of input"},
        {"version=1;", "line 1, column 10: expected '.', found ';'"},
        {"version=one;", "line 1, column 9: expected a version number (1.0, 1.1 or 1.2), "
                         "found 'one'"},
        {"version=1.x;", "line 1, column 11: expected a minor version number, found 'x'"},
        {"version=2.0;", "line 1, column 9: expected version 1.0, 1.1 or 1.2, found 2.0"},
        {"version= 1.3;", "line 1, column 10: expected version 1.0, 1.1 or 1.2, found 1.3"},
        /* Sections. */
        {"version=1.0 authorizationrules{=> permit();};",
         "line 1, column 13: expected ';', found 'authorizationrules'"},
        {V10 "policyrules{};", "line 1, column 13: expected authorizationrules, issuancerules "
                               "or end of input, found 'policyrules'"},
        {V11 "policyrules{};", "line 1, column 13: expected authorizationrules, issuancerules, "
                               "configurationrules or end of input, found 'policyrules'"},
        {V10 "configurationrules{};",
         "line 1, column 13: configurationrules needs policy version 1.1"},
        {V10 "issuancerules{};issuancerules{};",
         "line 1, column 29: a second issuancerules section"},
        {V10 "authorizationrules => permit();};", "line 1, column 32: expected '{', found '=>'"},
        {V10 AUTH "=> permit();}", "line 1, column 45: expected ';' after '}', found end of input"},
        {V10 AUTH "=> permit()};", "line 1, column 43: expected ';', found '}'"},
        {V10 AUTH "=> permit();", "line 1, column 44: expected a rule or '}', found end of input"},
        {V10 AUTH "=> permit();}; @",
         "line 1, column 47: expected authorizationrules, issuancerules or end of input, found "
         "'@'"},
        {V10 "\x01", "line 1, column 13: expected authorizationrules, issuancerules or end of "
                     "input, found byte 0x01"},
        {V10 AUTH "# => permit();};", "line 1, column 32: expected a rule or '}', found '#'"},
        {V10 "\nauthorizationrules\n{\n  => permit()\n};",
         "line 5, column 1: expected ';', found '}'"},
        /* Actions. */
        {V10 AUTH "=> allow();};", "line 1, column 35: expected an action (permit, deny, add, "
                                   "issue or issueproperty), found 'allow'"},
        {V10 AUTH "=> \"permit\"();};", "line 1, column 35: expected an action (permit, deny, "
                                        "add, issue or issueproperty), found \"permit\""},
        {V10 AUTH "=> permit;};", "line 1, column 41: expected '(', found ';'"},
        {V10 AUTH "=> permit(1);};", "line 1, column 42: expected ')', found '1'"},
        {V10 AUTH "=> issue(type=\"a\", value=1);};",
         "line 1, column 35: issue() is not allowed in authorizationrules"},
        {V10 ISSUE "=> permit();};", "line 1, column 30: permit() is not allowed in issuancerules"},
        {V11 "configurationrules{=> add(type=\"a\", value=1);};",
         "line 1, column 35: add() is not allowed in configurationrules"},
        {V10 ISSUE "=> issueproperty(type=\"a\", value=1);};",
         "line 1, column 30: issueproperty() needs policy version 1.1"},
        {V10 ISSUE "=> add(value=1);};",
         "line 1, column 34: expected type or claim, found 'value'"},
        {V11 ISSUE "[type==\"a\"] => issueproperty(claim=c);};",
         "line 1, column 56: expected type, found 'claim'"},
        {V10 ISSUE "=> add(type=\"a\");};", "line 1, column 42: expected ',', found ')'"},
        {V10 ISSUE "=> add(type=1, value=1);};",
         "line 1, column 39: expected a string or name.type, found '1'"},
        {V10 ISSUE "c:[type==\"a\"] => add(type=c.value, value=1);};",
         "line 1, column 53: a claim type is a string or name.type, not name.value"},
        {V10 ISSUE "=> add(type=\"a\", value=);};",
         "line 1, column 50: expected a value (an integer, a string, true, false, name.value or "
         "name.type), found ')'"},
        /* Claim names. */
        {V10 ISSUE "[type==\"a\"] => issue(type=\"b\", value=d.value);};",
         "line 1, column 64: 'd' is not bound by a condition of this rule"},
        {V10 ISSUE "[type==\"a\"] => issue(claim=d);};",
         "line 1, column 54: 'd' is not bound by a condition of this rule"},
        {V10 ISSUE "c:[type==\"a\", value==c.value] => issue(claim=c);};",
         "line 1, column 48: 'c' is not bound by an earlier condition of this rule"},
        {V10 ISSUE "c:[type==\"a\"] => issue(type=\"b\", value=c.issuer);};",
         "line 1, column 68: expected value or type, found 'issuer'"},
        {V10 ISSUE "c:[type==\"a\"] && c:[type==\"b\"] => issue(claim=c);};",
         "line 1, column 44: 'c' is already bound in this rule"},
        {V10 ISSUE "c [type==\"a\"] => issue(claim=c);};",
         "line 1, column 29: expected ':' after a claim name, found '['"},
        /* Conditions and tests. */
        {V10 AUTH "[type==\"a\"] permit();};", "line 1, column 44: expected '&&' or '=>', found "
                                               "'permit'"},
        {V10 AUTH "[type==\"a\"] & [type==\"b\"] => permit();};",
         "line 1, column 44: expected '&&' or '=>', found '&'"},
        {V10 AUTH "[type==\"a\"] && => permit();};",
         "line 1, column 47: expected a condition, found '=>'"},
        {V10 AUTH "[] => permit();};",
         "line 1, column 33: expected type, value, issuer or valueType, found ']'"},
        {V10 AUTH "[kind==\"a\"] => permit();};",
         "line 1, column 33: expected type, value, issuer or valueType, found 'kind'"},
        {V10 AUTH "[type \"a\"] => permit();};",
         "line 1, column 38: expected a comparison (==, !=, <, <=, >, >=), found \"a\""},
        {V10 AUTH "[type=\"a\"] => permit();};",
         "line 1, column 37: expected a comparison (==, !=, <, <=, >, >=), found '='"},
        {V10 AUTH "[type==\"a\" value==1] => permit();};",
         "line 1, column 43: expected ',' or ']', found 'value'"},
        {V10 AUTH "[type==\"a\", value<\"b\"] => permit();};",
         "line 1, column 50: expected an integer after '<', found \"b\""},
        {V10 AUTH "[value>=true] => permit();};",
         "line 1, column 40: expected an integer after '>=', found 'true'"},
        {V10 AUTH "[type<\"a\"] => permit();};",
         "line 1, column 37: expected == or != (type is a string), found '<'"},
        {V10 AUTH "[issuer>=\"a\"] => permit();};",
         "line 1, column 39: expected == or != (issuer is a string), found '>='"},
        {V10 AUTH "[type==5] => permit();};",
         "line 1, column 39: expected a string (type is a string), found '5'"},
        {V10 AUTH "[valueType==\"Float\"] => permit();};",
         "line 1, column 42: valueType is \"Integer\", \"Boolean\" or \"String\""},
        {V10 AUTH "[value==] => permit();};",
         "line 1, column 40: expected a value (an integer, a string, true, false or name.value), "
         "found ']'"},
        {V10 AUTH "![type==\"a\"] => permit();};",
         "line 1, column 32: '!' (no claim matches) needs policy version 1.2"},
        {V12 AUTH "!c:[type==\"a\"] => permit();};",
         "line 1, column 33: a negated condition matches no claim, so it cannot name one"},
        {V12 ISSUE "c:[type==\"a\"] => issue(type=\"b\", value=JmesPath(c.value, \"x\"));};",
         "line 1, column 66: function calls (policy version 1.2 functions) are not supported"},
        /* Literals. */
        {V10 AUTH "[type==\"abc", "line 1, column 39: unterminated string"},
        {V10 AUTH "[type==\"abc\\", "line 1, column 39: unterminated string"},
        {V10 AUTH "[type==\"a\\nb\"] => permit();};",
         "line 1, column 41: unknown escape in a string (only \\\" and \\\\ are allowed)"},
        {V10 AUTH "[type==\"a\nb\"] => permit();};",
         "line 1, column 41: control character 0x0a in a string (strings are one line)"},
        {V10 AUTH "[type==\"a\xff\"] => permit();};",
         "line 1, column 41: invalid UTF-8 in a string"},
        {V10 AUTH "[type==\"\xc3\"] => permit();};",
         "line 1, column 40: invalid UTF-8 in a string"},
        {V10 AUTH "[type==\"\xed\xa0\x80\"] => permit();};",
         "line 1, column 40: invalid UTF-8 in a string"},
        {V10 AUTH "[value==9223372036854775808] => permit();};",
         "line 1, column 40: integer out of range (integers are 64-bit)"},
        {V10 AUTH "[value==-9223372036854775809] => permit();};",
         "line 1, column 40: integer out of range (integers are 64-bit)"},
        {V10 AUTH "[value==- 1] => permit();};",
         "line 1, column 40: expected a value (an integer, a string, true, false or name.value), "
         "found '-'"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        cella_policy_t *policy = NULL;
        char error[CELLA_POLICY_ERROR_BYTES] = "";
        const cella_result_t r =
            cella_policy_parse(cases[i].text, strlen(cases[i].text), &policy, error, sizeof(error));
        if (r != CELLA_ERR_INVALID_FORMAT || strcmp(error, cases[i].error) != 0)
            fail_msg("case %zu: %s\n  result %d, error   %s\n  expected error   %s", i,
                     cases[i].text, r, error, cases[i].error);
        assert_null(policy);
    }
}

/* Repeats piece count times after prefix and before suffix. */
static char *repeat(const char *prefix, const char *piece, size_t count, const char *suffix)
{
    const size_t size = strlen(prefix) + strlen(piece) * count + strlen(suffix);
    char *text = malloc(size + 1);
    char *at = text;

    assert_non_null(text);
    at += sprintf(at, "%s", prefix);
    for (size_t i = 0; i < count; i++)
        at += sprintf(at, "%s", piece);
    sprintf(at, "%s", suffix);
    return text;
}

static void parse_refuses_texts_beyond_its_limits(void **state)
{
    static const struct {
        const char *prefix;
        const char *piece;
        size_t count;
        const char *suffix;
        const char *error; /* NULL: parses */
    } cases[] = {
        {V10 AUTH, "=>permit();", 1024, "};", NULL},
        {V10 AUTH, "=>permit();", 1025, "};",
         "line 1, column 11296: more than 1024 rules in one policy"},
        {V10 AUTH "[type==\"a\"]", "&&[type==\"a\"]", 15, "=>permit();};", NULL},
        {V10 AUTH "[type==\"a\"]", "&&[type==\"a\"]", 16, "=>permit();};",
         "line 1, column 240: more than 16 conditions in one rule"},
        {V10 AUTH "[type==\"a\"", ",type==\"a\"", 15, "]=>permit();};", NULL},
        {V10 AUTH "[type==\"a\"", ",type==\"a\"", 16, "]=>permit();};",
         "line 1, column 193: more than 16 tests in one condition"},
        /* Exactly the limit in bytes, with a long string, parses; one more byte does not. */
        {V10 ISSUE "=>issue(type=\"a\",value=\"", "a", 65536 - 55, "\");};", NULL},
        {V10 ISSUE "=>issue(type=\"a\",value=\"", "a", 65536 - 54, "\");};",
         "line 1, column 65537: policy text longer than 65536 bytes"},
        {"", "\n", 70000, "", "line 65537, column 1: policy text longer than 65536 bytes"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        char *text = repeat(cases[i].prefix, cases[i].piece, cases[i].count, cases[i].suffix);
        cella_policy_t *policy = NULL;
        char error[CELLA_POLICY_ERROR_BYTES] = "";
        const cella_result_t r =
            cella_policy_parse(text, strlen(text), &policy, error, sizeof(error));
        if (cases[i].error == NULL) {
            if (r != CELLA_OK)
                fail_msg("case %zu (%zu bytes) does not parse: %s", i, strlen(text), error);
            cella_policy_destroy(policy);
        } else if (r != CELLA_ERR_INVALID_FORMAT || strcmp(error, cases[i].error) != 0) {
            fail_msg("case %zu: result %d, error %s\n  expected %s", i, r, error, cases[i].error);
        }
        free(text);
    }
}

static void parse_truncates_a_long_error_to_the_buffer(void **state)
{
    cella_policy_t *policy = NULL;
    char error[24];
    const char text[] = "version=1.0;thisisaverylongsectionnamethatgoesonandonandonandon{};";

    (void)state;
    memset(error, 'x', sizeof(error));
    assert_int_equal(cella_policy_parse(text, strlen(text), &policy, error, sizeof(error)),
                     CELLA_ERR_INVALID_FORMAT);
    assert_string_equal(error, "line 1, column 13: expe");
    /* Quoted tokens are cut too, so a message never runs on. */
    char full[CELLA_POLICY_ERROR_BYTES];
    assert_int_equal(cella_policy_parse(text, strlen(text), &policy, full, sizeof(full)),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(full, "found 'thisisaverylongsectionnamethatgoesonando...'"));
    /* No error buffer at all is fine. */
    assert_int_equal(cella_policy_parse(text, strlen(text), &policy, NULL, 0),
                     CELLA_ERR_INVALID_FORMAT);
    assert_null(policy);
}

static void parse_rejects_bad_arguments(void **state)
{
    cella_policy_t *policy = NULL;
    char error[CELLA_POLICY_ERROR_BYTES];

    (void)state;
    assert_int_equal(
        cella_policy_parse(minimal_policy, strlen(minimal_policy), NULL, error, sizeof(error)),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_policy_parse(NULL, 1, &policy, error, sizeof(error)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_policy_parse(minimal_policy, strlen(minimal_policy), &policy, NULL, sizeof(error)),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_null(policy);
    /* No text at all is an empty policy: a format error, not an argument error. */
    assert_int_equal(cella_policy_parse(NULL, 0, &policy, error, sizeof(error)),
                     CELLA_ERR_INVALID_FORMAT);
    assert_string_equal(error, "line 1, column 1: expected 'version', found end of input");
    /* Destroying nothing is allowed; a missing policy has no version. */
    cella_policy_destroy(NULL);
    assert_int_equal(cella_policy_version(NULL), 0);
}

/*
 * Evaluation arguments
 */

static void evaluate_rejects_bad_arguments(void **state)
{
    cella_policy_t *policy = parse(minimal_policy);
    json_t *claims = json_array();
    bool permitted = true;
    json_t *issued = NULL;
    json_t *properties = NULL;
    char reason[64];

    (void)state;
    assert_int_equal(cella_policy_evaluate(NULL, claims, &permitted, &issued, &properties, reason,
                                           sizeof(reason)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_policy_evaluate(policy, NULL, &permitted, &issued, &properties, reason,
                                           sizeof(reason)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_policy_evaluate(policy, claims, NULL, &issued, &properties, reason, sizeof(reason)),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_policy_evaluate(policy, claims, &permitted, NULL, &properties, reason,
                                           sizeof(reason)),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        cella_policy_evaluate(policy, claims, &permitted, &issued, NULL, reason, sizeof(reason)),
        CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_policy_evaluate(policy, claims, &permitted, &issued, &properties, NULL,
                                           sizeof(reason)),
                     CELLA_ERR_INVALID_ARGUMENT);
    /* Without a reason buffer the evaluation still works. */
    assert_int_equal(
        cella_policy_evaluate(policy, claims, &permitted, &issued, &properties, NULL, 0), CELLA_OK);
    assert_true(permitted);
    json_decref(issued);
    json_decref(properties);
    json_decref(claims);
    cella_policy_destroy(policy);
}

static void evaluate_rejects_incoming_claims_of_the_wrong_shape(void **state)
{
    static const struct {
        const char *incoming;
        const char *reason;
    } cases[] = {
        {"{\"type\":\"a\",\"value\":1}", "incoming claims are not a JSON array"},
        {"[\"a\"]", "incoming claim 0: not a JSON object"},
        {"[{\"type\":\"a\",\"value\":1},{\"value\":1}]",
         "incoming claim 1: \"type\" is not a string"},
        {"[{\"type\":7,\"value\":1}]", "incoming claim 0: \"type\" is not a string"},
        {"[{\"type\":\"a\"}]",
         "incoming claim 0: \"value\" is not an integer, a boolean or a string"},
        {"[{\"type\":\"a\",\"value\":1.5}]",
         "incoming claim 0: \"value\" is not an integer, a boolean or a string"},
        {"[{\"type\":\"a\",\"value\":null}]",
         "incoming claim 0: \"value\" is not an integer, a boolean or a string"},
        {"[{\"type\":\"a\",\"value\":{\"b\":1}}]",
         "incoming claim 0: \"value\" is not an integer, a boolean or a string"},
        {"[{\"type\":\"a\",\"value\":1,\"issuer\":false}]",
         "incoming claim 0: \"issuer\" is not a string"},
    };
    cella_policy_t *policy = parse(cella_policy_default_sgx);

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        json_t *incoming = json_loads(cases[i].incoming, JSON_DECODE_ANY, NULL);
        bool permitted = true;
        json_t *issued = NULL;
        json_t *properties = NULL;
        char reason[128] = "";
        assert_non_null(incoming);
        const cella_result_t r = cella_policy_evaluate(policy, incoming, &permitted, &issued,
                                                       &properties, reason, sizeof(reason));
        if (r != CELLA_ERR_INVALID_ARGUMENT || strcmp(reason, cases[i].reason) != 0)
            fail_msg("case %zu: result %d, reason %s", i, r, reason);
        /* Outputs are written only on success. */
        assert_null(issued);
        assert_null(properties);
        json_decref(incoming);
    }
    cella_policy_destroy(policy);
}

/* jansson allocations fail after allocations_left successes. */
static size_t allocations_left;

static void *failing_malloc(size_t size)
{
    if (allocations_left == 0)
        return NULL;
    allocations_left--;
    return malloc(size);
}

static void evaluate_reports_out_of_memory_and_leaks_nothing(void **state)
{
    cella_policy_t *policy =
        parse("version=1.1; configurationrules{=> issueproperty(type=\"p\", value=\"v\");};"
              "authorizationrules{=> permit();};"
              "issuancerules{c:[type==\"x-ms-sgx-svn\"] => issue(claim=c);"
              "  => issueproperty(type=\"q\", value=true);};");
    json_t *claims = enclave_claims(false, MRSIGNER, 1, 7);
    size_t out_of_memory_count = 0;
    size_t budget;

    (void)state;
    for (budget = 0;; budget++) {
        bool permitted = false;
        json_t *issued = NULL;
        json_t *properties = NULL;
        char reason[64] = "";
        allocations_left = budget;
        json_set_alloc_funcs(failing_malloc, free);
        const cella_result_t r = cella_policy_evaluate(policy, claims, &permitted, &issued,
                                                       &properties, reason, sizeof(reason));
        json_set_alloc_funcs(malloc, free);
        if (r == CELLA_OK) {
            assert_true(permitted);
            assert_json(properties, "{\"p\":\"v\",\"q\":true}");
            json_decref(issued);
            json_decref(properties);
            break;
        }
        assert_int_equal(r, CELLA_ERR_OUT_OF_MEMORY);
        assert_string_equal(reason, "out of memory");
        assert_null(issued);
        assert_null(properties);
        out_of_memory_count++;
    }
    assert_true(out_of_memory_count >= 5);
    json_decref(claims);
    cella_policy_destroy(policy);
}

/*
 * cella_policy_hash
 */

static void hash_matches_known_answers(void **state)
{
    static const struct {
        const char *text;
        const char *hash;
    } cases[] = {
        /* SHA-256 of the empty string: base64url of nothing is nothing. */
        {"", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"},
        /* base64url("version=1.0; authorizationrules{=> permit();}; issuancerules{};"),
         * hashed as ASCII (checked with Python's hashlib and base64). */
        {minimal_policy, "z0FRjKS0ssQTNur1V6BV8WIrh9M3fzgTo0EfHRvapWU"},
    };
    char hash[44];

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        assert_int_equal(
            cella_policy_hash(cases[i].text, strlen(cases[i].text), hash, sizeof(hash)), CELLA_OK);
        assert_string_equal(hash, cases[i].hash);
    }
    /* A NULL text of size 0 is the empty text. */
    assert_int_equal(cella_policy_hash(NULL, 0, hash, sizeof(hash)), CELLA_OK);
    assert_string_equal(hash, cases[0].hash);
}

static void hash_rejects_a_short_buffer_and_bad_arguments(void **state)
{
    char hash[44];

    (void)state;
    assert_int_equal(cella_policy_hash(minimal_policy, strlen(minimal_policy), hash, 43),
                     CELLA_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(cella_policy_hash(minimal_policy, strlen(minimal_policy), NULL, 44),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_policy_hash(NULL, 1, hash, sizeof(hash)), CELLA_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_policy_is_the_501_bytes_whose_hash_maa_publishes),
        cmocka_unit_test(default_policy_parses_as_version_1_0),
        cmocka_unit_test(default_policy_permits_and_issues_the_six_enclave_claims),
        cmocka_unit_test(default_policy_permits_a_debug_enclave_and_only_reports_it),
        cmocka_unit_test(evaluation_leaves_the_incoming_claims_unchanged),
        cmocka_unit_test(minimal_sdk_policy_permits_and_issues_nothing),
        cmocka_unit_test(a_policy_without_authorization_rules_refuses),
        cmocka_unit_test(production_rule_permits_only_the_right_non_debug_enclave),
        cmocka_unit_test(production_rule_refuses_a_missing_or_mistyped_claim),
        cmocka_unit_test(integer_comparisons_follow_their_operators),
        cmocka_unit_test(deny_wins_when_it_comes_first_and_loses_when_it_comes_second),
        cmocka_unit_test(add_feeds_the_rules_after_it_but_is_not_issued),
        cmocka_unit_test(a_rule_does_not_see_the_claim_it_adds),
        cmocka_unit_test(issueproperty_in_configurationrules_sets_a_property_claim),
        cmocka_unit_test(issued_values_come_from_literals_and_from_c_value_and_c_type),
        cmocka_unit_test(a_condition_holds_when_any_of_several_claims_of_a_type_matches),
        cmocka_unit_test(a_test_can_compare_with_a_claim_an_earlier_condition_bound),
        cmocka_unit_test(issuer_and_value_type_tests_read_the_claim),
        cmocka_unit_test(a_negated_condition_of_version_1_2_holds_when_no_claim_matches),
        cmocka_unit_test(an_evaluation_past_the_work_limit_is_refused),
        cmocka_unit_test(whitespace_is_allowed_between_every_token),
        cmocka_unit_test(parse_reads_exactly_size_bytes_without_a_terminator),
        cmocka_unit_test(parse_reports_where_and_what_it_expected),
        cmocka_unit_test(parse_refuses_texts_beyond_its_limits),
        cmocka_unit_test(parse_truncates_a_long_error_to_the_buffer),
        cmocka_unit_test(parse_rejects_bad_arguments),
        cmocka_unit_test(evaluate_rejects_bad_arguments),
        cmocka_unit_test(evaluate_rejects_incoming_claims_of_the_wrong_shape),
        cmocka_unit_test(evaluate_reports_out_of_memory_and_leaks_nothing),
        cmocka_unit_test(hash_matches_known_answers),
        cmocka_unit_test(hash_rejects_a_short_buffer_and_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
