/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/claims.c: MAA's SGX claims from a verified quote, its collateral and the request. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cella/collateral.h>
#include <cella/encoding.h>
#include <sgx_attributes.h>

#include "claims.h"
#include "jws.h"

#define JTI_BYTES 32

/* Lower-case hex of size bytes into text (2 * size + 1 bytes, which the callers provide). */
static void hex(const uint8_t *bytes, size_t size, char *text)
{
    size_t text_size = 2 * size + 1;
    if (cella_encoding_hex_encode(bytes, size, text, &text_size) != CELLA_OK)
        text[0] = '\0';
}

static json_t *hex_string(const uint8_t *bytes, size_t size)
{
    char text[2 * 64 + 1];

    if (size > 64)
        return NULL;
    hex(bytes, size, text);
    return json_string(text);
}

static void sha256_hex(const void *data, size_t size, char text[CELLA_CLAIMS_HASH_HEX_BYTES])
{
    uint8_t digest[SHA256_DIGEST_LENGTH];

    SHA256(size == 0 ? (const uint8_t *)"" : data, size, digest);
    hex(digest, sizeof(digest), text);
}

void cella_claims_hash_collateral(const cella_verify_collateral_t *collateral,
                                  cella_claims_collateral_t *hashes)
{
    sha256_hex(collateral->tcb_info, collateral->tcb_info_size, hashes->tcbinfohash);
    sha256_hex(collateral->tcb_info_issuer_chain, collateral->tcb_info_issuer_chain_size,
               hashes->tcbinfocertshash);
    sha256_hex(collateral->root_ca_crl, collateral->root_ca_crl_size, hashes->tcbinfocrlhash);
    sha256_hex(collateral->qe_identity, collateral->qe_identity_size, hashes->qeidhash);
    sha256_hex(collateral->qe_identity_issuer_chain, collateral->qe_identity_issuer_chain_size,
               hashes->qeidcertshash);
    memcpy(hashes->qeidcrlhash, hashes->tcbinfocrlhash, sizeof(hashes->qeidcrlhash));
}

/* ---- incoming claims ------------------------------------------------------------------------ */

/* Appends {"type": type, "value": value} (value's reference is stolen). */
static bool add_incoming(json_t *claims, const char *type, json_t *value)
{
    json_t *claim = value != NULL ? json_pack("{s:s, s:o}", "type", type, "value", value) : NULL;
    return claim != NULL && json_array_append_new(claims, claim) == 0;
}

cella_result_t cella_claims_incoming(const cella_verify_result_t *result, json_t **out)
{
    /* A claim under its current name and MAA's deprecated one (maa-api.md §4.2). */
    static const struct {
        const char *name;
        const char *deprecated;
    } names[] = {
        {"x-ms-sgx-is-debuggable", "$is-debuggable"},
        {"x-ms-sgx-product-id", "$product-id"},
        {"x-ms-sgx-svn", "$svn"},
        {"x-ms-sgx-mrsigner", "$sgx-mrsigner"},
        {"x-ms-sgx-mrenclave", "$sgx-mrenclave"},
        {"x-ms-attestation-type", "$tee"},
    };
    json_t *values[sizeof(names) / sizeof(names[0])];
    bool ok = true;

    if (result == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    const sgx_report_body_t *body = &result->isv_report;
    json_t *claims = json_array();
    if (claims == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    values[0] = json_boolean((body->attributes.flags & SGX_FLAGS_DEBUG) != 0);
    values[1] = json_integer(body->isv_prod_id);
    values[2] = json_integer(body->isv_svn);
    values[3] = hex_string(body->mr_signer.m, sizeof(body->mr_signer.m));
    values[4] = hex_string(body->mr_enclave.m, sizeof(body->mr_enclave.m));
    values[5] = json_string("sgx");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        json_incref(values[i]);
        ok = add_incoming(claims, names[i].name, values[i]) && ok;
        ok = add_incoming(claims, names[i].deprecated, values[i]) && ok;
    }
    ok = add_incoming(claims, "x-ms-sgx-report-data",
                      hex_string(body->report_data.d, sizeof(body->report_data.d))) &&
         ok;
    ok = add_incoming(claims, "x-ms-cella-tcb-status",
                      json_string(cella_tcb_status_str(result->tcb_status))) &&
         ok;
    ok = add_incoming(claims, "x-ms-cella-software-tee", json_boolean(result->software_tee)) && ok;
    for (size_t i = 0; i < result->advisory_count && i < CELLA_VERIFY_ADVISORIES_MAX; i++)
        ok =
            add_incoming(claims, "x-ms-cella-advisory-ids", json_string(result->advisory_ids[i])) &&
            ok;
    if (!ok) {
        json_decref(claims);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    *out = claims;
    return CELLA_OK;
}

/* ---- the token's claims --------------------------------------------------------------------- */

/* The issued claims as MAA's x-ms-policy object: type -> value, repeated types as arrays. */
static json_t *policy_object(const json_t *issued)
{
    json_t *object = json_object();
    size_t index;
    const json_t *claim;

    if (object == NULL)
        return NULL;
    json_array_foreach(issued, index, claim)
    {
        const char *type = json_string_value(json_object_get(claim, "type"));
        json_t *value = json_deep_copy(json_object_get(claim, "value"));
        json_t *existing = type != NULL ? json_object_get(object, type) : NULL;
        int failed = 0;

        if (type == NULL || value == NULL) {
            json_decref(value);
            continue;
        }
        if (existing == NULL) {
            failed = json_object_set_new(object, type, value);
        } else if (json_is_array(existing)) {
            /* Policy values are never arrays: this one holds earlier values of the type. */
            failed = json_array_append_new(existing, value);
        } else {
            json_t *both = json_pack("[O, o]", existing, value);
            failed = json_object_set_new(object, type, both);
        }
        if (failed != 0) {
            json_decref(object);
            return NULL;
        }
    }
    return object;
}

/* The x-ms-sgx-collateral object. */
static json_t *collateral_object(const cella_claims_collateral_t *hashes, const uint8_t *quote,
                                 size_t quote_size)
{
    char quote_hash[CELLA_CLAIMS_HASH_HEX_BYTES];

    sha256_hex(quote, quote_size, quote_hash);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "qeidcertshash", hashes->qeidcertshash,
                     "qeidcrlhash", hashes->qeidcrlhash, "qeidhash", hashes->qeidhash, "quotehash",
                     quote_hash, "tcbinfocertshash", hashes->tcbinfocertshash, "tcbinfocrlhash",
                     hashes->tcbinfocrlhash, "tcbinfohash", hashes->tcbinfohash);
}

static json_t *advisory_array(const cella_verify_result_t *result)
{
    json_t *array = json_array();

    for (size_t i = 0;
         array != NULL && i < result->advisory_count && i < CELLA_VERIFY_ADVISORIES_MAX; i++) {
        if (json_array_append_new(array, json_string(result->advisory_ids[i])) != 0) {
            json_decref(array);
            return NULL;
        }
    }
    return array;
}

/* Sets name to value (stolen) and remembers a failure. */
static void set(json_t *claims, const char *name, json_t *value, bool *ok)
{
    if (json_object_set_new(claims, name, value) != 0)
        *ok = false;
}

cella_result_t cella_claims_build(const cella_claims_input_t *input, json_t **out)
{
    uint8_t jti_bytes[JTI_BYTES];
    char jti[2 * JTI_BYTES + 1];
    bool ok = true;
    json_t *claims = NULL;
    char *ehd = NULL;

    if (input == NULL || out == NULL || input->result == NULL || input->quote == NULL ||
        input->collateral == NULL || input->policy_hash == NULL || input->issuer == NULL ||
        !json_is_array(input->issued) ||
        (input->runtime_data.type == CELLA_CLAIMS_DATA_JSON && input->runtime_data.json == NULL) ||
        (input->init_time_data.type == CELLA_CLAIMS_DATA_JSON &&
         input->init_time_data.json == NULL))
        return CELLA_ERR_INVALID_ARGUMENT;
    if (RAND_bytes(jti_bytes, sizeof(jti_bytes)) != 1)
        return CELLA_ERR_UNEXPECTED;
    hex(jti_bytes, sizeof(jti_bytes), jti);
    const cella_verify_result_t *result = input->result;
    const sgx_report_body_t *body = &result->isv_report;
    claims = json_object();
    if (claims == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;

    set(claims, "iat", json_integer(input->now), &ok);
    set(claims, "nbf", json_integer(input->now), &ok);
    set(claims, "exp", json_integer(input->now + CELLA_CLAIMS_LIFETIME_SECONDS), &ok);
    set(claims, "iss", json_string(input->issuer), &ok);
    set(claims, "jti", json_string(jti), &ok);
    if (input->nonce != NULL)
        set(claims, "nonce", json_string(input->nonce), &ok);
    set(claims, "x-ms-ver", json_string("1.0"), &ok);
    set(claims, "x-ms-attestation-type", json_string("sgx"), &ok);
    set(claims, "x-ms-policy-hash", json_string(input->policy_hash), &ok);
    json_t *policy = policy_object(input->issued);
    set(claims, "x-ms-policy", policy, &ok);
    if (input->policy_signer != NULL)
        set(claims, "x-ms-policy-signer", json_deep_copy(input->policy_signer), &ok);

    set(claims, "x-ms-sgx-is-debuggable",
        json_boolean((body->attributes.flags & SGX_FLAGS_DEBUG) != 0), &ok);
    set(claims, "x-ms-sgx-mrenclave", hex_string(body->mr_enclave.m, sizeof(body->mr_enclave.m)),
        &ok);
    set(claims, "x-ms-sgx-mrsigner", hex_string(body->mr_signer.m, sizeof(body->mr_signer.m)), &ok);
    set(claims, "x-ms-sgx-product-id", json_integer(body->isv_prod_id), &ok);
    set(claims, "x-ms-sgx-svn", json_integer(body->isv_svn), &ok);
    set(claims, "x-ms-sgx-report-data",
        hex_string(body->report_data.d, sizeof(body->report_data.d)), &ok);
    json_t *collateral = collateral_object(input->collateral, input->quote, input->quote_size);
    if (collateral != NULL)
        set(claims, "maa-attestationcollateral", json_incref(collateral), &ok);
    set(claims, "x-ms-sgx-collateral", collateral, &ok);

    if (input->runtime_data.type == CELLA_CLAIMS_DATA_BINARY) {
        if (cella_jws_base64url(input->runtime_data.bytes, input->runtime_data.size, &ehd) !=
            CELLA_OK) {
            ok = false;
        } else {
            set(claims, "x-ms-sgx-ehd", json_string(ehd), &ok);
            set(claims, "aas-ehd", json_string(ehd), &ok);
            set(claims, "maa-ehd", json_string(ehd), &ok);
        }
    } else if (input->runtime_data.type == CELLA_CLAIMS_DATA_JSON) {
        set(claims, "x-ms-runtime", json_deep_copy(input->runtime_data.json), &ok);
    }
    if (input->init_time_data.type == CELLA_CLAIMS_DATA_JSON)
        set(claims, "x-ms-inittime", json_deep_copy(input->init_time_data.json), &ok);

    if ((body->attributes.flags & SGX_FLAGS_KSS) != 0) {
        set(claims, "x-ms-sgx-config-id", hex_string(body->config_id, sizeof(body->config_id)),
            &ok);
        set(claims, "x-ms-sgx-config-svn", json_integer(body->config_svn), &ok);
        set(claims, "x-ms-sgx-isv-extended-product-id",
            hex_string(body->isv_ext_prod_id, sizeof(body->isv_ext_prod_id)), &ok);
        set(claims, "x-ms-sgx-isv-family-id",
            hex_string(body->isv_family_id, sizeof(body->isv_family_id)), &ok);
    }

    set(claims, "x-ms-cella-tcb-status", json_string(cella_tcb_status_str(result->tcb_status)),
        &ok);
    set(claims, "x-ms-cella-advisory-ids", advisory_array(result), &ok);
    set(claims, "x-ms-cella-software-tee", json_boolean(result->software_tee), &ok);

    /* Top-level copies of the issued claims (the default policy's is-debuggable, tee, ...),
     * never over a claim the service itself sets. */
    if (ok && policy != NULL) {
        const char *name;
        json_t *value;
        json_object_foreach(policy, name, value)
        {
            if (json_object_get(claims, name) == NULL)
                set(claims, name, json_incref(value), &ok);
        }
    }
    free(ehd);
    if (!ok) {
        json_decref(claims);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    *out = claims;
    return CELLA_OK;
}
