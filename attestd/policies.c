/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/policies.c: policies in force (cached, reference-counted) and GET/PUT/reset. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "../common/log_internal.h"
#include "jws.h"
#include "policies.h"
#include "server.h"
#include "service.h"

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* base64url of {"alg":"none"}: the header of unsigned policy tokens (maa-api.md §8). */
#define UNSIGNED_HEADER "eyJhbGciOiJub25lIn0"

static const char *const type_names[CELLA_POLICIES_TYPE_COUNT] = {
    [CELLA_POLICIES_SGX_ENCLAVE] = "SgxEnclave",
    [CELLA_POLICIES_OPEN_ENCLAVE] = "OpenEnclave",
};

struct cella_policies {
    cella_store_t *store;
    pthread_mutex_t lock;        /* guards current[] and every entry's references */
    pthread_mutex_t change_lock; /* one change at a time: store and memory in the same order */
    cella_policies_entry_t *current[CELLA_POLICIES_TYPE_COUNT];
};

bool cella_policies_type_parse(const char *name, size_t name_size, cella_policies_type_t *type)
{
    for (size_t i = 0; i < CELLA_POLICIES_TYPE_COUNT; i++) {
        if (strlen(type_names[i]) == name_size && memcmp(type_names[i], name, name_size) == 0) {
            *type = (cella_policies_type_t)i;
            return true;
        }
    }
    return false;
}

const char *cella_policies_type_str(cella_policies_type_t type)
{
    return (size_t)type < CELLA_POLICIES_TYPE_COUNT ? type_names[type] : "unknown";
}

/* ---- entries --------------------------------------------------------------------------------- */

static void entry_free(cella_policies_entry_t *entry)
{
    if (entry == NULL)
        return;
    cella_policy_destroy(entry->policy);
    json_decref(entry->signer);
    free(entry->text);
    free(entry);
}

/*
 * An entry for text. A text that does not parse is an error (error says where), unless
 * tolerate is set: then the entry refuses every attestation (policy NULL).
 */
static cella_result_t entry_create(const char *text, size_t text_size, json_t *signer,
                                   bool is_default, bool tolerate, cella_policies_entry_t **out,
                                   char *error, size_t error_size)
{
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;
    cella_policies_entry_t *entry = calloc(1, sizeof(*entry));

    if (entry == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    entry->text = malloc(text_size + 1);
    if (entry->text == NULL)
        goto out;
    memcpy(entry->text, text, text_size);
    entry->text[text_size] = '\0';
    entry->text_size = text_size;
    entry->is_default = is_default;
    entry->references = 1;
    entry->signer = json_incref(signer);
    r = cella_policy_parse(text, text_size, &entry->policy, error, error_size);
    if (r == CELLA_ERR_INVALID_FORMAT && tolerate) {
        entry->policy = NULL;
        r = CELLA_OK;
    }
    if (r != CELLA_OK)
        goto out;
    CHECK(cella_policy_hash(text, text_size, entry->hash, sizeof(entry->hash)));
    *out = entry;
    entry = NULL;
out:
    entry_free(entry);
    return r;
}

static cella_result_t default_entry(cella_policies_entry_t **out)
{
    char error[CELLA_POLICY_ERROR_BYTES] = "";
    cella_result_t r = entry_create(cella_policy_default_sgx, strlen(cella_policy_default_sgx),
                                    NULL, true, false, out, error, sizeof(error));
    if (r == CELLA_ERR_INVALID_FORMAT) {
        cella_log(CELLA_LOG_ERROR, "policies: the default policy does not parse: %s", error);
        r = CELLA_ERR_UNEXPECTED;
    }
    return r;
}

/* The entry of type's stored policy, or the default. */
static cella_result_t load_entry(cella_store_t *store, cella_policies_type_t type,
                                 cella_policies_entry_t **out)
{
    cella_store_policy_t stored = {NULL, 0, NULL, 0};
    char error[CELLA_POLICY_ERROR_BYTES] = "";
    json_t *signer = NULL;

    cella_result_t r = cella_store_get_policy(store, type_names[type], &stored);
    if (r == CELLA_ERR_NOT_FOUND)
        return default_entry(out);
    if (r != CELLA_OK)
        return r;
    if (stored.signer != NULL)
        signer = json_loads(stored.signer, 0, NULL);
    r = entry_create(stored.text, stored.text_size, signer, false, true, out, error, sizeof(error));
    if (r == CELLA_OK && (*out)->policy == NULL)
        cella_log(CELLA_LOG_ERROR,
                  "policies: the stored %s policy does not parse (%s): every %s attestation is "
                  "refused until the policy is set again or reset",
                  type_names[type], error, type_names[type]);
    json_decref(signer);
    cella_store_policy_clear(&stored);
    return r;
}

cella_result_t cella_policies_create(cella_store_t *store, cella_policies_t **out)
{
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;
    cella_policies_t *policies = NULL;

    if (store == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    policies = calloc(1, sizeof(*policies));
    if (policies == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    policies->store = store;
    pthread_mutex_init(&policies->lock, NULL);
    pthread_mutex_init(&policies->change_lock, NULL);
    for (size_t i = 0; i < CELLA_POLICIES_TYPE_COUNT; i++)
        CHECK(load_entry(store, (cella_policies_type_t)i, &policies->current[i]));
    *out = policies;
    policies = NULL;
    r = CELLA_OK;
out:
    cella_policies_destroy(policies);
    return r;
}

void cella_policies_destroy(cella_policies_t *policies)
{
    if (policies == NULL)
        return;
    for (size_t i = 0; i < CELLA_POLICIES_TYPE_COUNT; i++)
        entry_free(policies->current[i]);
    pthread_mutex_destroy(&policies->lock);
    pthread_mutex_destroy(&policies->change_lock);
    free(policies);
}

cella_policies_entry_t *cella_policies_acquire(cella_policies_t *policies,
                                               cella_policies_type_t type)
{
    pthread_mutex_lock(&policies->lock);
    cella_policies_entry_t *entry = policies->current[type];
    entry->references++;
    pthread_mutex_unlock(&policies->lock);
    return entry;
}

/* Drops a reference; the caller holds the lock. */
static void unreference(cella_policies_entry_t *entry)
{
    if (--entry->references == 0)
        entry_free(entry);
}

void cella_policies_release(cella_policies_t *policies, cella_policies_entry_t *entry)
{
    if (entry == NULL)
        return;
    pthread_mutex_lock(&policies->lock);
    unreference(entry);
    pthread_mutex_unlock(&policies->lock);
}

static void replace(cella_policies_t *policies, cella_policies_type_t type,
                    cella_policies_entry_t *entry)
{
    pthread_mutex_lock(&policies->lock);
    cella_policies_entry_t *old = policies->current[type];
    policies->current[type] = entry;
    unreference(old);
    pthread_mutex_unlock(&policies->lock);
}

/* ---- request bodies -------------------------------------------------------------------------- */

void cella_policies_body_clear(cella_policies_body_t *body)
{
    if (body == NULL)
        return;
    free(body->text);
    free(body->token);
    json_decref(body->signer);
    memset(body, 0, sizeof(*body));
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *copy_text(const char *text, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy != NULL) {
        memcpy(copy, text, size);
        copy[size] = '\0';
    }
    return copy;
}

/* The unsigned JWS of a policy text: {"alg":"none"}.{"AttestationPolicy":"..."}. */
static cella_result_t unsigned_policy_token(const char *text, size_t text_size, char **token)
{
    cella_result_t r = CELLA_ERR_OUT_OF_MEMORY;
    char *encoded_text = NULL;
    char *payload = NULL;
    char *encoded_payload = NULL;
    json_t *object = NULL;

    CHECK(cella_jws_base64url(text, text_size, &encoded_text));
    object = json_pack("{s:s}", "AttestationPolicy", encoded_text);
    payload = object != NULL ? json_dumps(object, JSON_COMPACT) : NULL;
    if (payload == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    CHECK(cella_jws_base64url(payload, strlen(payload), &encoded_payload));
    size_t size = sizeof(UNSIGNED_HEADER) + strlen(encoded_payload) + 2;
    *token = malloc(size);
    if (*token == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    snprintf(*token, size, "%s.%s.", UNSIGNED_HEADER, encoded_payload);
    r = CELLA_OK;
out:
    free(encoded_text);
    free(payload);
    free(encoded_payload);
    json_decref(object);
    return r;
}

/* The policy text of a policy JWS payload {"AttestationPolicy": base64url}. */
static cella_result_t policy_of_payload(const char *payload, size_t payload_size, char **text,
                                        size_t *text_size, char *error, size_t error_size)
{
    json_t *object = json_loadb(payload, payload_size, JSON_REJECT_DUPLICATES, NULL);
    const char *encoded = json_string_value(json_object_get(object, "AttestationPolicy"));
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;

    if (encoded == NULL) {
        snprintf(error, error_size,
                 "the JWS payload is not an object with an \"AttestationPolicy\" string");
        goto out;
    }
    r = cella_jws_base64url_decode(encoded, strlen(encoded), text, text_size);
    if (r == CELLA_ERR_INVALID_FORMAT)
        snprintf(error, error_size, "AttestationPolicy is not base64url");
out:
    json_decref(object);
    return r;
}

cella_result_t cella_policies_decode_body(const char *data, size_t size, bool reset,
                                          cella_policies_body_t *body, char *error,
                                          size_t error_size)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    cella_policies_body_t result = {NULL, 0, NULL, NULL, 0};
    cella_jws_parsed_t jws = {NULL, NULL, 0, NULL};
    json_t *string = NULL;

    if ((data == NULL && size != 0) || body == NULL || error == NULL || error_size == 0)
        return CELLA_ERR_INVALID_ARGUMENT;
    error[0] = '\0';
    while (size > 0 && is_space(data[0]))
        data++, size--;
    while (size > 0 && is_space(data[size - 1]))
        size--;
    /* A JSON string holding the JWS or the text, as some clients send it. */
    if (size > 0 && data[0] == '"') {
        string = json_loadb(data, size, JSON_DECODE_ANY, NULL);
        if (json_is_string(string)) {
            data = json_string_value(string);
            size = json_string_length(string);
        }
    }
    if (size == 0 && reset) {
        result.token = copy_text("", 0);
        r = result.token != NULL ? CELLA_OK : CELLA_ERR_OUT_OF_MEMORY;
        goto done;
    }
    if (size == 0) {
        snprintf(error, error_size, "the body holds no policy");
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    r = cella_jws_parse(data, size, &jws, error, error_size);
    if (r == CELLA_ERR_INVALID_FORMAT && !reset) {
        /* Not a JWS: the policy text itself (maa-api.md §8.1). */
        result.text = copy_text(data, size);
        result.text_size = size;
        if (result.text == NULL) {
            r = CELLA_ERR_OUT_OF_MEMORY;
            goto out;
        }
        CHECK(unsigned_policy_token(data, size, &result.token));
        result.token_size = strlen(result.token);
        error[0] = '\0';
        goto done;
    }
    if (r != CELLA_OK)
        goto out;
    if (reset) {
        if (jws.payload_size != 0) {
            snprintf(error, error_size, "the body of :reset must be a JWS with an empty payload");
            r = CELLA_ERR_INVALID_FORMAT;
            goto out;
        }
    } else {
        CHECK(policy_of_payload(jws.payload, jws.payload_size, &result.text, &result.text_size,
                                error, error_size));
    }
    result.signer = json_incref(jws.signer);
    result.token = copy_text(data, size);
    if (result.token == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
done:
    if (result.token != NULL)
        result.token_size = strlen(result.token);
    *body = result;
    memset(&result, 0, sizeof(result));
    r = CELLA_OK;
out:
    cella_policies_body_clear(&result);
    cella_jws_parsed_clear(&jws);
    json_decref(string);
    return r;
}

/* ---- handlers -------------------------------------------------------------------------------- */

/* The response token with claims plus iat, nbf, exp (an hour) and iss; steals claims. */
static void respond(cella_service_t *service, json_t *claims, cella_server_response_t *response)
{
    int64_t now = (int64_t)time(NULL);
    char *token = NULL;

    if (claims == NULL || json_object_set_new(claims, "iat", json_integer(now)) != 0 ||
        json_object_set_new(claims, "nbf", json_integer(now)) != 0 ||
        json_object_set_new(claims, "exp",
                            json_integer(now + CELLA_POLICIES_TOKEN_LIFETIME_SECONDS)) != 0 ||
        json_object_set_new(claims, "iss", json_string(service->instance_url)) != 0 ||
        cella_jws_sign(service->signer, claims, &token) != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the response token could not be made");
    } else {
        cella_server_set_token(response, token);
    }
    free(token);
    json_decref(claims);
}

void cella_policies_handle_get(cella_service_t *service, cella_policies_type_t type,
                               const cella_server_request_t *request,
                               cella_server_response_t *response)
{
    char *policy_token = NULL;
    (void)request;

    cella_policies_entry_t *entry = cella_policies_acquire(service->policies, type);
    if (unsigned_policy_token(entry->text, entry->text_size, &policy_token) != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR, "out of memory");
    } else {
        json_t *claims = json_pack("{s:s}", "x-ms-policy", policy_token);
        if (claims != NULL && entry->signer != NULL &&
            json_object_set_new(claims, "x-ms-policy-signer", json_deep_copy(entry->signer)) != 0) {
            json_decref(claims);
            claims = NULL;
        }
        respond(service, claims, response);
    }
    free(policy_token);
    cella_policies_release(service->policies, entry);
}

/* The answer to a change: x-ms-policy-result and x-ms-policy-token-hash. */
static void respond_change(cella_service_t *service, const char *result,
                           const cella_policies_body_t *body, cella_server_response_t *response)
{
    char hash[CELLA_POLICIES_HASH_BYTES];

    if (cella_jws_sha256_base64url(body->token, body->token_size, hash, sizeof(hash)) != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR, "cannot hash");
        return;
    }
    json_t *claims =
        json_pack("{s:s, s:s}", "x-ms-policy-result", result, "x-ms-policy-token-hash", hash);
    if (claims != NULL && body->signer != NULL &&
        json_object_set_new(claims, "x-ms-policy-signer", json_deep_copy(body->signer)) != 0) {
        json_decref(claims);
        claims = NULL;
    }
    respond(service, claims, response);
}

/* Decodes a change's body, or answers with the error. */
static bool decode_change(cella_service_t *service, const cella_server_request_t *request,
                          bool reset, cella_policies_body_t *body,
                          cella_server_response_t *response)
{
    char error[CELLA_SERVER_MESSAGE_MAX_BYTES - 64] = "";

    if (!cella_service_may_manage_policies(service, request->authorization)) {
        cella_server_set_error(
            response, 401, CELLA_SERVER_UNAUTHORIZED,
            service->admin_token != NULL
                ? "policy management needs the administration bearer token"
                : "policy management is disabled: start cella-attestd with --admin-token-file "
                  "(or in --dev mode)");
        return false;
    }
    cella_result_t r = cella_policies_decode_body(request->body, request->body_size, reset, body,
                                                  error, sizeof(error));
    if (r == CELLA_ERR_VERIFY_FAILED) {
        cella_server_set_error(response, 400, CELLA_SERVER_INVALID_PARAMETER,
                               "the policy token's signature is not valid: %s", error);
        return false;
    }
    if (r != CELLA_OK) {
        cella_server_set_error(response, r == CELLA_ERR_OUT_OF_MEMORY ? 500 : 400,
                               r == CELLA_ERR_OUT_OF_MEMORY ? CELLA_SERVER_INTERNAL_ERROR
                                                            : CELLA_SERVER_INVALID_OPERATION,
                               "the body is not a policy token: %s", error);
        return false;
    }
    return true;
}

void cella_policies_handle_set(cella_service_t *service, cella_policies_type_t type,
                               const cella_server_request_t *request,
                               cella_server_response_t *response)
{
    cella_policies_body_t body = {NULL, 0, NULL, NULL, 0};
    cella_policies_entry_t *entry = NULL;
    char error[CELLA_POLICY_ERROR_BYTES] = "";
    char *signer_json = NULL;
    cella_policies_t *policies = service->policies;

    if (!decode_change(service, request, false, &body, response))
        goto out;
    cella_result_t r = entry_create(body.text, body.text_size, body.signer, false, false, &entry,
                                    error, sizeof(error));
    if (r == CELLA_ERR_INVALID_FORMAT || r == CELLA_ERR_INVALID_ARGUMENT) {
        cella_server_set_error(response, 400, CELLA_SERVER_POLICY_PARSING,
                               "Policy Parser Exception Thrown: %s",
                               error[0] != '\0' ? error : "the policy is not valid");
        goto out;
    }
    if (r != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the policy could not be prepared");
        goto out;
    }
    if (body.signer != NULL)
        signer_json = json_dumps(body.signer, JSON_COMPACT | JSON_SORT_KEYS);
    pthread_mutex_lock(&policies->change_lock);
    r = cella_store_set_policy(policies->store, type_names[type], body.text, body.text_size,
                               signer_json, (int64_t)time(NULL));
    if (r == CELLA_OK) {
        replace(policies, type, entry);
        entry = NULL;
    }
    pthread_mutex_unlock(&policies->change_lock);
    if (r != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the policy could not be stored");
        goto out;
    }
    cella_log(CELLA_LOG_INFO, "policies: the %s policy was set (%s)", type_names[type],
              body.signer != NULL ? "signed" : "unsigned");
    respond_change(service, "Updated", &body, response);
out:
    free(signer_json);
    entry_free(entry);
    cella_policies_body_clear(&body);
}

void cella_policies_handle_reset(cella_service_t *service, cella_policies_type_t type,
                                 const cella_server_request_t *request,
                                 cella_server_response_t *response)
{
    cella_policies_body_t body = {NULL, 0, NULL, NULL, 0};
    cella_policies_entry_t *entry = NULL;
    cella_policies_t *policies = service->policies;

    if (!decode_change(service, request, true, &body, response))
        goto out;
    if (default_entry(&entry) != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the default policy could not be prepared");
        goto out;
    }
    pthread_mutex_lock(&policies->change_lock);
    cella_result_t r =
        cella_store_reset_policy(policies->store, type_names[type], (int64_t)time(NULL));
    if (r == CELLA_OK) {
        replace(policies, type, entry);
        entry = NULL;
    }
    pthread_mutex_unlock(&policies->change_lock);
    if (r != CELLA_OK) {
        cella_server_set_error(response, 500, CELLA_SERVER_INTERNAL_ERROR,
                               "the policy could not be reset");
        goto out;
    }
    cella_log(CELLA_LOG_INFO, "policies: the %s policy was reset to the default", type_names[type]);
    respond_change(service, "Removed", &body, response);
out:
    entry_free(entry);
    cella_policies_body_clear(&body);
}

void cella_policies_handle_certificates(cella_service_t *service,
                                        const cella_server_request_t *request,
                                        cella_server_response_t *response)
{
    (void)request;
    /* No policy signer is registered with this instance: an empty key set, as MAA answers
     * for instances that are not Isolated. */
    respond(service, json_pack("{s:{s:[]}}", "x-ms-policy-certificates", "keys"), response);
}
