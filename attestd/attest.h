/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/attest.h: POST /attest/SgxEnclave and /attest/OpenEnclave: request, checks, token. */
#ifndef CELLA_ATTESTD_ATTEST_H
#define CELLA_ATTESTD_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <cella/result.h>

#include "claims.h"
#include "policies.h"

typedef struct cella_service cella_service_t;
typedef struct cella_server_request cella_server_request_t;
typedef struct cella_server_response cella_server_response_t;

/* Longest error message of request parsing, NUL included. */
#define CELLA_ATTEST_ERROR_BYTES 256

/* runtimeData or initTimeData: {"data": base64url, "dataType": "Binary" | "JSON"}. */
typedef struct cella_attest_data {
    cella_claims_data_type_t type; /* CELLA_CLAIMS_DATA_NONE when absent */
    uint8_t *bytes;                /* the decoded data (malloc'd; NULL when empty) */
    size_t size;
    json_t *json; /* CELLA_CLAIMS_DATA_JSON: the data parsed */
} cella_attest_data_t;

/* An attestation request, decoded. */
typedef struct cella_attest_request {
    uint8_t *evidence; /* the decoded quote, or OE report (malloc'd) */
    size_t evidence_size;
    const uint8_t *quote; /* the SGX quote in evidence */
    size_t quote_size;
    cella_attest_data_t runtime_data;
    cella_attest_data_t init_time_data;
    char *nonce;        /* or NULL */
    char *draft_policy; /* draftPolicyForAttestation, or NULL */
    size_t draft_policy_size;
} cella_attest_request_t;

/*
 * Decodes the JSON body of an attestation request (maa-api.md §3) for type (SgxEnclave: the
 * evidence is "quote", an SGX quote; OpenEnclave: "report", an OE remote report around one).
 * Binary fields are base64url with or without padding, or standard base64 (the 2025 spec's
 * examples use it). The body must be one JSON object, without duplicate keys; members other
 * than quote/report, runtimeData, initTimeData, nonce and draftPolicyForAttestation are
 * ignored, as MAA ignores them. runtimeData and initTimeData are {"data": string, "dataType":
 * "Binary" | "JSON"} (dataType defaults to Binary); JSON data must decode to a JSON object.
 * The evidence is at most CELLA_QUOTE_MAX_BYTES; its content is not checked here (the
 * verifier does that). Never reads past body_size; no NUL needed. On failure error receives
 * one line for the client. Returns CELLA_OK and *request (clear with
 * cella_attest_request_clear()); CELLA_ERR_INVALID_FORMAT; CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_OUT_OF_MEMORY. Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_attest_request_parse(const char *body, size_t body_size,
                                                           cella_policies_type_t type,
                                                           cella_attest_request_t *request,
                                                           char *error, size_t error_size);
void cella_attest_request_clear(cella_attest_request_t *request);

/*
 * Answers an attestation request of type: decodes it; verifies the quote with the service's
 * verifier and collateral (refusing software-TEE quotes outside dev mode, and TCB statuses
 * outside the accepted ones); checks SHA-256(runtimeData) against report_data[0..32) and
 * SHA-256(initTimeData) against config_id[0..32); evaluates the policy in force (or the
 * draft policy); answers {"token": ...}, signed, or unsigned for a draft policy. Errors are
 * MAA's (400 InvalidParameter, PolicyParsingError, PolicyEvaluationError). Thread safe.
 */
void cella_attest_handle(cella_service_t *service, cella_policies_type_t type,
                         const cella_server_request_t *request, cella_server_response_t *response);

#endif /* CELLA_ATTESTD_ATTEST_H */
