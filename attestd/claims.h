/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/claims.h: the claims of an SGX attestation: the policy's input and the token's. */
#ifndef CELLA_ATTESTD_CLAIMS_H
#define CELLA_ATTESTD_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <cella/result.h>
#include <cella/verify.h>

/* Token lifetime, as MAA's (maa-api.md §4.2: 8 hours, not configurable). */
#define CELLA_CLAIMS_LIFETIME_SECONDS 28800

/* Lower-case hex of a SHA-256 and its NUL. */
#define CELLA_CLAIMS_HASH_HEX_BYTES 65

/*
 * x-ms-sgx-collateral (maa-api.md §4.2). MAA documents only quotehash (SHA-256 of the raw
 * quote); for the other six, cella hashes the exact bytes of the collateral documents it
 * verified the quote with, as the collateral source served them:
 *   tcbinfohash       the TCB Info JSON document ({"tcbInfo":...,"signature":...})
 *   tcbinfocertshash  the TCB Info issuer chain (PEM text: TCB Signing certificate, root)
 *   tcbinfocrlhash    the root CA's CRL (as served: DER, or PEM)
 *   qeidhash          the QE Identity JSON document
 *   qeidcertshash     the QE Identity issuer chain (PEM text)
 *   qeidcrlhash       the root CA's CRL, as tcbinfocrlhash
 * so that, as in MAA's tokens, qeidcertshash == tcbinfocertshash when both documents come
 * with the same chain, and qeidcrlhash == tcbinfocrlhash always.
 */
typedef struct cella_claims_collateral {
    char tcbinfohash[CELLA_CLAIMS_HASH_HEX_BYTES];
    char tcbinfocertshash[CELLA_CLAIMS_HASH_HEX_BYTES];
    char tcbinfocrlhash[CELLA_CLAIMS_HASH_HEX_BYTES];
    char qeidhash[CELLA_CLAIMS_HASH_HEX_BYTES];
    char qeidcertshash[CELLA_CLAIMS_HASH_HEX_BYTES];
    char qeidcrlhash[CELLA_CLAIMS_HASH_HEX_BYTES];
} cella_claims_collateral_t;

/* The hashes above of collateral's documents (absent ones hash as empty). */
void cella_claims_hash_collateral(const cella_verify_collateral_t *collateral,
                                  cella_claims_collateral_t *hashes);

/* runtimeData or initTimeData of a request. */
typedef enum cella_claims_data_type {
    CELLA_CLAIMS_DATA_NONE = 0,   /* not in the request */
    CELLA_CLAIMS_DATA_BINARY = 1, /* dataType "Binary" */
    CELLA_CLAIMS_DATA_JSON = 2,   /* dataType "JSON": json holds the parsed object */
} cella_claims_data_type_t;

typedef struct cella_claims_data {
    cella_claims_data_type_t type;
    const uint8_t *bytes; /* the decoded data */
    size_t size;
    const json_t *json; /* CELLA_CLAIMS_DATA_JSON: the parsed data */
} cella_claims_data_t;

/*
 * The incoming claims a policy sees (policy.h's format: an array of {"type","value"}):
 * x-ms-sgx-is-debuggable (boolean), x-ms-sgx-product-id, x-ms-sgx-svn (integers),
 * x-ms-sgx-mrsigner, x-ms-sgx-mrenclave, x-ms-sgx-report-data (lower-case hex),
 * x-ms-attestation-type ("sgx"); the deprecated names $is-debuggable, $product-id, $svn,
 * $sgx-mrsigner, $sgx-mrenclave and $tee with the same values; and cella's
 * x-ms-cella-tcb-status (string), x-ms-cella-software-tee (boolean) and one
 * x-ms-cella-advisory-ids claim (string) per advisory ID. Returns CELLA_OK and *out (a new
 * array); CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_claims_incoming(const cella_verify_result_t *result,
                                                      json_t **out);

/* What the token says beyond the verified quote. */
typedef struct cella_claims_input {
    const cella_verify_result_t *result; /* the verified quote */
    const uint8_t *quote;                /* its raw bytes (for quotehash) */
    size_t quote_size;
    const cella_claims_collateral_t *collateral; /* the hashes of its collateral */
    cella_claims_data_t runtime_data;
    cella_claims_data_t init_time_data;
    const char *nonce;           /* NULL: no nonce claim */
    const json_t *issued;        /* the policy's issued claims (an array) */
    const char *policy_hash;     /* x-ms-policy-hash */
    const json_t *policy_signer; /* x-ms-policy-signer (a JWK), or NULL */
    const char *issuer;          /* iss: the instance URL */
    int64_t now;                 /* iat and nbf */
} cella_claims_input_t;

/*
 * The claim set of an SGX attestation token (maa-api.md §4.2), as a new JSON object:
 *   iat, nbf (= iat), exp (= iat + CELLA_CLAIMS_LIFETIME_SECONDS), iss, jti (64 lower-case
 *   hex characters, random), nonce (when given), x-ms-ver "1.0", x-ms-attestation-type
 *   "sgx", x-ms-policy-hash, x-ms-policy (the issued claims as an object: type -> value, an
 *   array of the values when a type is issued more than once), x-ms-policy-signer (signed
 *   policies), x-ms-sgx-is-debuggable, x-ms-sgx-mrenclave, x-ms-sgx-mrsigner,
 *   x-ms-sgx-product-id, x-ms-sgx-svn, x-ms-sgx-report-data, x-ms-sgx-collateral (and its
 *   legacy copy maa-attestationcollateral), with Binary runtime data x-ms-sgx-ehd (and its
 *   legacy copies aas-ehd, maa-ehd), with JSON runtime data x-ms-runtime, with JSON init-time
 *   data x-ms-inittime, for KSS enclaves x-ms-sgx-config-id, x-ms-sgx-config-svn,
 *   x-ms-sgx-isv-extended-product-id and x-ms-sgx-isv-family-id; cella's
 *   x-ms-cella-tcb-status, x-ms-cella-advisory-ids and x-ms-cella-software-tee; and a
 *   top-level copy of each issued claim whose name is not one of the above.
 * Returns CELLA_OK and *out; CELLA_ERR_INVALID_ARGUMENT (a required input is missing);
 * CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED (no randomness).
 */
CELLA_MUST_CHECK cella_result_t cella_claims_build(const cella_claims_input_t *input, json_t **out);

#endif /* CELLA_ATTESTD_CLAIMS_H */
