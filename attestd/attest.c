/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/attest.c: attestation requests: decode, verify the quote, bind the data, policy, token.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include <cella/encoding.h>
#include <cella/quote.h>
#include <cella/verify.h>

#include "../common/log_internal.h"
#include "attest.h"
#include "jws.h"
#include "server.h"
#include "service.h"

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* Longest nonce and draft policy taken (the body limit bounds them anyway). */
#define NONCE_MAX_BYTES 1024

static void say(char *error, size_t error_size, const char *format, ...) CELLA_PRINTF(3, 4);

static void say(char *error, size_t error_size, const char *format, ...)
{
    va_list arguments;

    va_start(arguments, format);
    vsnprintf(error, error_size, format, arguments);
    va_end(arguments);
}

/* ---- decoding the request -------------------------------------------------------------------- */

/*
 * Binary data as MAA clients send it: base64url without padding (the SDKs), with padding, or
 * standard base64 (the 2025-06-01 examples). The alphabet is the one the text uses; a text
 * mixing both is refused by the decoder.
 */
static cella_result_t decode_binary(const char *text, size_t text_size, size_t max_size,
                                    uint8_t **data, size_t *data_size)
{
    bool standard = memchr(text, '+', text_size) != NULL || memchr(text, '/', text_size) != NULL;
    size_t size = cella_encoding_base64_decoded_max_size(text_size);
    uint8_t *decoded = NULL;

    if (text_size == 0) {
        *data = NULL;
        *data_size = 0;
        return CELLA_OK;
    }
    if (size > max_size + 2)
        return CELLA_ERR_INVALID_FORMAT;
    decoded = malloc(size);
    if (decoded == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    cella_result_t r =
        standard ? cella_encoding_base64_decode(text, text_size, CELLA_ENCODING_BASE64_PAD_OPTIONAL,
                                                decoded, &size)
                 : cella_encoding_base64url_decode(
                       text, text_size, CELLA_ENCODING_BASE64_PAD_OPTIONAL, decoded, &size);
    if (r != CELLA_OK || size > max_size) {
        free(decoded);
        return r == CELLA_ERR_OUT_OF_MEMORY ? r : CELLA_ERR_INVALID_FORMAT;
    }
    *data = decoded;
    *data_size = size;
    return CELLA_OK;
}

static void data_clear(cella_attest_data_t *data)
{
    free(data->bytes);
    json_decref(data->json);
    memset(data, 0, sizeof(*data));
}

void cella_attest_request_clear(cella_attest_request_t *request)
{
    if (request == NULL)
        return;
    free(request->evidence);
    data_clear(&request->runtime_data);
    data_clear(&request->init_time_data);
    free(request->nonce);
    free(request->draft_policy);
    memset(request, 0, sizeof(*request));
}

/* runtimeData / initTimeData (name) of the request object, if there. */
static cella_result_t parse_data(const json_t *object, const char *name, cella_attest_data_t *data,
                                 char *error, size_t error_size)
{
    const json_t *member = json_object_get(object, name);

    if (member == NULL || json_is_null(member))
        return CELLA_OK;
    const json_t *text = json_object_get(member, "data");
    const json_t *type = json_object_get(member, "dataType");
    if (!json_is_object(member) || !json_is_string(text)) {
        say(error, error_size, "%s must be an object with a \"data\" string", name);
        return CELLA_ERR_INVALID_FORMAT;
    }
    data->type = CELLA_CLAIMS_DATA_BINARY;
    if (type != NULL && !json_is_null(type)) {
        const char *value = json_string_value(type);
        if (value != NULL && strcmp(value, "JSON") == 0) {
            data->type = CELLA_CLAIMS_DATA_JSON;
        } else if (value == NULL || strcmp(value, "Binary") != 0) {
            say(error, error_size, "%s.dataType must be \"Binary\" or \"JSON\"", name);
            return CELLA_ERR_INVALID_FORMAT;
        }
    }
    cella_result_t r =
        decode_binary(json_string_value(text), json_string_length(text),
                      CELLA_SERVER_DEFAULT_MAX_BODY_BYTES * 16, &data->bytes, &data->size);
    if (r != CELLA_OK) {
        say(error, error_size, "%s.data is not base64url", name);
        return r;
    }
    if (data->type == CELLA_CLAIMS_DATA_JSON) {
        data->json =
            json_loadb((const char *)data->bytes, data->size, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(data->json)) {
            say(error, error_size, "%s.data (dataType JSON) does not decode to a JSON object",
                name);
            return CELLA_ERR_INVALID_FORMAT;
        }
    }
    return CELLA_OK;
}

/* An optional string member, copied. */
static cella_result_t parse_string(const json_t *object, const char *name, size_t max_size,
                                   char **out, size_t *out_size, char *error, size_t error_size)
{
    const json_t *member = json_object_get(object, name);

    if (member == NULL || json_is_null(member))
        return CELLA_OK;
    if (!json_is_string(member) || json_string_length(member) > max_size) {
        say(error, error_size, "%s must be a string of at most %zu bytes", name, max_size);
        return CELLA_ERR_INVALID_FORMAT;
    }
    size_t size = json_string_length(member);
    *out = malloc(size + 1);
    if (*out == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    memcpy(*out, json_string_value(member), size);
    (*out)[size] = '\0';
    if (out_size != NULL)
        *out_size = size;
    return CELLA_OK;
}

cella_result_t cella_attest_request_parse(const char *body, size_t body_size,
                                          cella_policies_type_t type,
                                          cella_attest_request_t *request, char *error,
                                          size_t error_size)
{
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;
    cella_attest_request_t parsed;
    json_error_t json_error;
    json_t *object = NULL;
    const char *evidence_name = type == CELLA_POLICIES_OPEN_ENCLAVE ? "report" : "quote";

    if ((body == NULL && body_size != 0) || request == NULL || error == NULL || error_size == 0 ||
        (type != CELLA_POLICIES_SGX_ENCLAVE && type != CELLA_POLICIES_OPEN_ENCLAVE))
        return CELLA_ERR_INVALID_ARGUMENT;
    memset(&parsed, 0, sizeof(parsed));
    error[0] = '\0';
    object = json_loadb(body != NULL ? body : "", body_size, JSON_REJECT_DUPLICATES, &json_error);
    if (object == NULL) {
        say(error, error_size, "the body is not JSON: %s (line %d, column %d)", json_error.text,
            json_error.line, json_error.column);
        goto out;
    }
    if (!json_is_object(object)) {
        say(error, error_size, "the body must be a JSON object");
        goto out;
    }
    const json_t *evidence = json_object_get(object, evidence_name);
    if (!json_is_string(evidence)) {
        say(error, error_size, "\"%s\" is missing or not a string", evidence_name);
        goto out;
    }
    r = decode_binary(json_string_value(evidence), json_string_length(evidence),
                      CELLA_QUOTE_MAX_BYTES + CELLA_QUOTE_OE_REPORT_HEADER_BYTES, &parsed.evidence,
                      &parsed.evidence_size);
    if (r != CELLA_OK || parsed.evidence_size == 0) {
        say(error, error_size, "\"%s\" is not base64url of at most %u bytes", evidence_name,
            CELLA_QUOTE_MAX_BYTES);
        r = r == CELLA_ERR_OUT_OF_MEMORY ? r : CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    if (type == CELLA_POLICIES_OPEN_ENCLAVE) {
        if (cella_quote_from_oe_report(parsed.evidence, parsed.evidence_size, &parsed.quote,
                                       &parsed.quote_size) != CELLA_OK) {
            say(error, error_size,
                "\"report\" is not an Open Enclave remote report (16-byte header, then the "
                "quote)");
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
    } else {
        parsed.quote = parsed.evidence;
        parsed.quote_size = parsed.evidence_size;
    }
    CHECK(parse_data(object, "runtimeData", &parsed.runtime_data, error, error_size));
    CHECK(parse_data(object, "initTimeData", &parsed.init_time_data, error, error_size));
    CHECK(parse_string(object, "nonce", NONCE_MAX_BYTES, &parsed.nonce, NULL, error, error_size));
    CHECK(parse_string(object, "draftPolicyForAttestation", CELLA_POLICY_MAX_BYTES,
                       &parsed.draft_policy, &parsed.draft_policy_size, error, error_size));
    *request = parsed;
    memset(&parsed, 0, sizeof(parsed));
    r = CELLA_OK;
out:
    if (r == CELLA_ERR_OUT_OF_MEMORY)
        say(error, error_size, "out of memory");
    cella_attest_request_clear(&parsed);
    json_decref(object);
    return r;
}

/* ---- the attestation ------------------------------------------------------------------------- */

static bool is_software_tee_quote(const uint8_t *quote, size_t quote_size)
{
    static const uint8_t vendor[16] = CELLA_VERIFY_SOFTWARE_TEE_QE_VENDOR_ID;
    size_t at = offsetof(sgx_quote_header_t, qe_vendor_id);

    return quote_size >= at + sizeof(vendor) && memcmp(quote + at, vendor, sizeof(vendor)) == 0;
}

/* Verifies the quote and applies the service's rules; false after answering the error. */
static bool verify_quote(cella_service_t *service, const cella_attest_request_t *request,
                         int64_t now, cella_verify_result_t *result,
                         cella_server_response_t *response)
{
    static const char refused[] = "The specified quote was invalid";

    if (!service->dev && is_software_tee_quote(request->quote, request->quote_size)) {
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                               "%s: it comes from cella's software TEE, which this service "
                               "accepts only in dev mode (--dev)",
                               refused);
        return false;
    }
    cella_result_t r = cella_verifier_verify_from(
        service->verifier, request->quote, request->quote_size, service->source, now, result);
    if (r == CELLA_ERR_VERIFY_FAILED || r == CELLA_ERR_INVALID_ARGUMENT) {
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER, "%s: %s: %s", refused,
                               cella_verify_failure_str(result->failure), result->reason);
        return false;
    }
    if (r != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the quote could not be verified: %s", cella_result_str(r));
        return false;
    }
    if (result->software_tee && !service->dev) {
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                               "%s: it comes from cella's software TEE, which this service "
                               "accepts only in dev mode (--dev)",
                               refused);
        return false;
    }
    if (!result->tcb_evaluated) {
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                               "%s: its TCB could not be evaluated", refused);
        return false;
    }
    if ((service->accepted_tcb_statuses & CELLA_SERVICE_TCB_BIT(result->tcb_status)) == 0) {
        char advisories[CELLA_VERIFY_ADVISORIES_MAX * 4] = "";
        size_t used = 0;
        for (size_t i = 0; i < result->advisory_count && i < CELLA_VERIFY_ADVISORIES_MAX &&
                           used + 2 < sizeof(advisories);
             i++) {
            int n = snprintf(advisories + used, sizeof(advisories) - used, "%s%s",
                             i == 0 ? "" : ", ", result->advisory_ids[i]);
            if (n < 0)
                break;
            used += (size_t)n;
        }
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                               "%s because the device on which the quote was generated does not "
                               "meet the baseline: its TCB status is %s, which this service "
                               "does not accept (advisories: %s)",
                               refused, cella_tcb_status_str(result->tcb_status),
                               used == 0 ? "none" : advisories);
        return false;
    }
    return true;
}

/* runtimeData and initTimeData must be what the enclave bound into its report. */
static bool check_bindings(const cella_attest_request_t *request,
                           const cella_verify_result_t *result, cella_server_response_t *response)
{
    uint8_t digest[SHA256_DIGEST_LENGTH];

    if (request->runtime_data.type != CELLA_CLAIMS_DATA_NONE) {
        SHA256(request->runtime_data.size == 0 ? (const uint8_t *)"" : request->runtime_data.bytes,
               request->runtime_data.size, digest);
        if (memcmp(digest, result->isv_report.report_data.d, sizeof(digest)) != 0) {
            cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                                   "The SHA-256 hash of runtimeData does not match the first 32 "
                                   "bytes of the quote's report data");
            return false;
        }
    }
    if (request->init_time_data.type != CELLA_CLAIMS_DATA_NONE) {
        SHA256(request->init_time_data.size == 0 ? (const uint8_t *)""
                                                 : request->init_time_data.bytes,
               request->init_time_data.size, digest);
        if (memcmp(digest, result->isv_report.config_id, sizeof(digest)) != 0) {
            cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                                   "The SHA-256 hash of initTimeData does not match the first 32 "
                                   "bytes of the enclave's CONFIGID");
            return false;
        }
    }
    return true;
}

static cella_claims_data_t claims_data(const cella_attest_data_t *data)
{
    cella_claims_data_t out = {data->type, data->bytes, data->size, data->json};
    return out;
}

void cella_attest_handle(cella_service_t *service, cella_policies_type_t type,
                         const cella_server_request_t *http, cella_server_response_t *response)
{
    cella_attest_request_t request;
    char error[CELLA_SERVER_MESSAGE_MAX_BYTES - 64];
    cella_verify_result_t result;
    cella_policies_entry_t *entry = NULL;
    cella_policy_t *draft = NULL;
    char draft_hash[CELLA_POLICIES_HASH_BYTES];
    json_t *incoming = NULL, *issued = NULL, *properties = NULL, *claims = NULL;
    char *token = NULL;
    bool permitted = false;
    cella_claims_collateral_t hashes;
    int64_t now = (int64_t)time(NULL);

    memset(&request, 0, sizeof(request));
    cella_result_t r = cella_attest_request_parse(http->body, http->body_size, type, &request,
                                                  error, sizeof(error));
    if (r != CELLA_OK) {
        cella_server_set_error(response, r == CELLA_ERR_OUT_OF_MEMORY ? 500 : 400,
                               r == CELLA_ERR_OUT_OF_MEMORY ? CELLA_SERVER_INTERNAL_ERROR
                                                            : CELLA_SERVER_INVALID_PARAMETER,
                               "%s", error);
        goto out;
    }
    if (!verify_quote(service, &request, now, &result, response) ||
        !check_bindings(&request, &result, response))
        goto out;

    /* The policy: the draft (whose token is then unsigned) or the one in force. */
    const cella_policy_t *policy = NULL;
    const char *policy_hash = NULL;
    const json_t *policy_signer = NULL;
    if (request.draft_policy != NULL) {
        r = cella_policy_parse(request.draft_policy, request.draft_policy_size, &draft, error,
                               sizeof(error));
        if (r == CELLA_OK)
            r = cella_policy_hash(request.draft_policy, request.draft_policy_size, draft_hash,
                                  sizeof(draft_hash));
        if (r != CELLA_OK) {
            cella_server_set_error(response, 400, CELLA_SERVER_POLICY_PARSING,
                                   "Policy Parser Exception Thrown: %s",
                                   error[0] != '\0' ? error : "the draft policy is not valid");
            goto out;
        }
        policy = draft;
        policy_hash = draft_hash;
    } else {
        entry = cella_policies_acquire(service->policies, type);
        if (entry->policy == NULL) {
            cella_server_set_error(response, 400, CELLA_SERVER_POLICY_EVALUATION,
                                   "the stored %s policy does not parse: set it again or reset "
                                   "it",
                                   cella_policies_type_str(type));
            goto out;
        }
        policy = entry->policy;
        policy_hash = entry->hash;
        policy_signer = entry->signer;
    }
    if (cella_claims_incoming(&result, &incoming) != CELLA_OK ||
        cella_policy_evaluate(policy, incoming, &permitted, &issued, &properties, error,
                              sizeof(error)) != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the policy could not be evaluated");
        goto out;
    }
    if (!permitted) {
        cella_server_set_error(response, 400, CELLA_SERVER_POLICY_EVALUATION,
                               "A Deny claim was issued, authorization failed (%s)", error);
        goto out;
    }
    /* The documents the quote was verified with, exactly: the verifier names them. */
    cella_service_collateral_hashes(service, &result.collateral, &hashes);
    cella_claims_input_t input = {
        .result = &result,
        .quote = request.quote,
        .quote_size = request.quote_size,
        .collateral = &hashes,
        .runtime_data = claims_data(&request.runtime_data),
        .init_time_data = claims_data(&request.init_time_data),
        .nonce = request.nonce,
        .issued = issued,
        .policy_hash = policy_hash,
        .policy_signer = policy_signer,
        .issuer = service->instance_url,
        .now = now,
    };
    r = cella_claims_build(&input, &claims);
    if (r == CELLA_OK)
        r = draft != NULL ? cella_jws_serialize_unsigned(claims, &token)
                          : cella_jws_sign(service->signer, claims, &token);
    if (r != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the token could not be made: %s", cella_result_str(r));
        goto out;
    }
    cella_server_set_token(response, token);
out:
    free(token);
    json_decref(claims);
    json_decref(incoming);
    json_decref(issued);
    json_decref(properties);
    cella_policy_destroy(draft);
    cella_policies_release(service->policies, entry);
    cella_attest_request_clear(&request);
}
