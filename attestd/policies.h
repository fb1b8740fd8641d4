/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/policies.h: the current policy per attestation type, and /policies management. */
#ifndef CELLA_ATTESTD_POLICIES_H
#define CELLA_ATTESTD_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <cella/result.h>

#include "policy.h"
#include "store.h"

typedef struct cella_service cella_service_t;
typedef struct cella_server_request cella_server_request_t;
typedef struct cella_server_response cella_server_response_t;

/* The attestation types with a policy of their own; both take SGX quotes. */
typedef enum cella_policies_type {
    CELLA_POLICIES_SGX_ENCLAVE = 0,  /* "SgxEnclave" */
    CELLA_POLICIES_OPEN_ENCLAVE = 1, /* "OpenEnclave" */
} cella_policies_type_t;
#define CELLA_POLICIES_TYPE_COUNT 2

/* The type named name ("SgxEnclave", "OpenEnclave"); false for any other name. */
bool cella_policies_type_parse(const char *name, size_t name_size, cella_policies_type_t *type);
const char *cella_policies_type_str(cella_policies_type_t type);

/* Response tokens of policy management live an hour (maa-api.md §8.2). */
#define CELLA_POLICIES_TOKEN_LIFETIME_SECONDS 3600

/* x-ms-policy-hash: 43 base64url characters and a NUL, with room. */
#define CELLA_POLICIES_HASH_BYTES 48

/*
 * One policy in force: its parsed form, text, hash and signer. Immutable; shared by the
 * requests that acquired it, freed when the last one releases it after a change.
 */
typedef struct cella_policies_entry {
    cella_policy_t *policy; /* NULL when the stored text no longer parses: all refused */
    char *text;             /* NUL-terminated */
    size_t text_size;
    char hash[CELLA_POLICIES_HASH_BYTES];
    json_t *signer; /* x-ms-policy-signer, or NULL */
    bool is_default;
    unsigned references; /* guarded by the cella_policies_t lock */
} cella_policies_entry_t;

typedef struct cella_policies cella_policies_t;

/*
 * The policies of store, loaded now: a type without a stored policy has MAA's default SGX
 * policy. A stored policy that no longer parses is logged, and refuses every attestation
 * of its type until it is replaced or reset. Returns CELLA_OK and *out (free with
 * cella_policies_destroy()); CELLA_ERR_IO; CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED
 * (the default policy does not parse). Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_policies_create(cella_store_t *store, cella_policies_t **out);
void cella_policies_destroy(cella_policies_t *policies);

/*
 * The policy in force for type, held until cella_policies_release() (read it, never change
 * it). Never NULL. Thread safe.
 */
cella_policies_entry_t *cella_policies_acquire(cella_policies_t *policies,
                                               cella_policies_type_t type);
void cella_policies_release(cella_policies_t *policies, cella_policies_entry_t *entry);

/* What a PUT or :reset body says (maa-api.md §8.1). */
typedef struct cella_policies_body {
    char *text; /* PUT: the policy text (NUL-terminated), else NULL */
    size_t text_size;
    json_t *signer; /* the JWS signer's JWK, or NULL (unsigned, or plain text) */
    char *token;    /* the policy token whose hash the answer carries (NUL-terminated) */
    size_t token_size;
} cella_policies_body_t;

/*
 * Decodes the body of PUT /policies/{type} (reset false) or POST /policies/{type}:reset
 * (reset true). PUT takes a JWS whose payload is {"AttestationPolicy": base64url(policy
 * text)} (alg "none" with an empty signature, or signed with x5c), or the plain policy text.
 * :reset takes a JWS whose payload is empty (e.g. "eyJhbGciOiJub25lIn0.."), or an empty body.
 * Whitespace around the body is ignored. token is the JWS as submitted; for plain text, the
 * unsigned JWS of that text. The policy text is not parsed here. On failure error receives
 * one line. Returns CELLA_OK and *body (clear with cella_policies_body_clear());
 * CELLA_ERR_INVALID_FORMAT (not such a body); CELLA_ERR_VERIFY_FAILED (a signature that does
 * not verify); CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_policies_decode_body(const char *data, size_t size,
                                                           bool reset, cella_policies_body_t *body,
                                                           char *error, size_t error_size);
void cella_policies_body_clear(cella_policies_body_t *body);

/*
 * GET /policies/{type}, PUT /policies/{type} and POST /policies/{type}:reset
 * (maa-api.md §8), for type; answers with a token signed by the instance key.
 */
void cella_policies_handle_get(cella_service_t *service, cella_policies_type_t type,
                               const cella_server_request_t *request,
                               cella_server_response_t *response);
void cella_policies_handle_set(cella_service_t *service, cella_policies_type_t type,
                               const cella_server_request_t *request,
                               cella_server_response_t *response);
void cella_policies_handle_reset(cella_service_t *service, cella_policies_type_t type,
                                 const cella_server_request_t *request,
                                 cella_server_response_t *response);

/*
 * GET /certificates: the policy management certificates, in a token whose claim
 * x-ms-policy-certificates is a JSON Web Key Set; always empty here (no Isolated mode).
 */
void cella_policies_handle_certificates(cella_service_t *service,
                                        const cella_server_request_t *request,
                                        cella_server_response_t *response);

#endif /* CELLA_ATTESTD_POLICIES_H */
