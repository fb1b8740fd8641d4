/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/jws.h: JWS compact tokens: the instance's RS256 signer, its key, and policy JWS input. */
#ifndef CELLA_ATTESTD_JWS_H
#define CELLA_ATTESTD_JWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include <cella/defs.h>
#include <cella/result.h>

/*
 * Tokens are JWS compact serialisations (RFC 7515) of a JSON claim set:
 *   base64url(header) "." base64url(payload) "." base64url(signature), no padding anywhere.
 * Attestation and policy-management tokens are signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
 * by the instance's key, with the header MAA uses (maa-api.md §4.1):
 *   {"alg":"RS256","jku":"<instance>/certs","kid":"<kid>","typ":"JWT"}
 * where kid is the standard base64 (with padding) of SHA-256 of the PEM text of the key's
 * SubjectPublicKeyInfo followed by one NUL byte (Open Enclave's attestation-certificate
 * convention). No x5c: the key is published at jku.
 */

#define CELLA_JWS_KID_BYTES         45   /* 44 base64 characters of a SHA-256 and a NUL */
#define CELLA_JWS_RSA_BITS          2048 /* the instance key */
#define CELLA_JWS_MAX_PAYLOAD_BYTES (1u << 20)

/* The instance's signer: its key, kid, certificate and the encoded header. Thread safe. */
typedef struct cella_jws_signer cella_jws_signer_t;

/*
 * A new instance key: RSA-2048 (e = 65537) in PKCS#8 PEM, and a self-signed X.509 v3
 * certificate for it (DER) with subject and issuer CN=<common_name>, a random 128-bit serial,
 * valid from a day before now to 2050-12-31, SHA-256 signature. key_pem is to be wiped and
 * freed by the caller, certificate freed. Returns CELLA_OK; CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED (OpenSSL failed; the log says where).
 */
CELLA_MUST_CHECK cella_result_t cella_jws_create_key(const char *common_name, char **key_pem,
                                                     size_t *key_pem_size, uint8_t **certificate,
                                                     size_t *certificate_size);

/*
 * A new self-signed certificate (as cella_jws_create_key() makes) for an existing key, e.g.
 * when the instance URL changed. Returns as cella_jws_create_key(); CELLA_ERR_INVALID_FORMAT
 * when key_pem is not a private key.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_certify_key(const char *key_pem, size_t key_pem_size,
                                                      const char *common_name,
                                                      uint8_t **certificate,
                                                      size_t *certificate_size);

/*
 * Whether certificate (DER) is self-signed for the public key of key_pem with subject
 * CN=<common_name> exactly. Never fails: anything unreadable is false.
 */
bool cella_jws_certificate_matches(const uint8_t *certificate, size_t certificate_size,
                                   const char *key_pem, size_t key_pem_size,
                                   const char *common_name);

/*
 * The kid of a public key (§4.1 above) into kid (at least CELLA_JWS_KID_BYTES). Returns
 * CELLA_OK; CELLA_ERR_BUFFER_TOO_SMALL; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_UNEXPECTED.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_key_id(EVP_PKEY *key, char *kid, size_t kid_size);

/*
 * A signer for the RSA private key key_pem (copied; the caller wipes its own copy) with its
 * certificate (DER, copied), whose tokens name jku (e.g. "https://host/certs"). Returns
 * CELLA_OK and *out (free with cella_jws_signer_destroy()); CELLA_ERR_INVALID_FORMAT (not an
 * RSA private key, or a certificate of another key); CELLA_ERR_INVALID_ARGUMENT;
 * CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_signer_create(const char *key_pem, size_t key_pem_size,
                                                        const uint8_t *certificate,
                                                        size_t certificate_size, const char *jku,
                                                        cella_jws_signer_t **out);
void cella_jws_signer_destroy(cella_jws_signer_t *signer);

/* The signer's kid (NUL-terminated, standard base64). */
const char *cella_jws_signer_kid(const cella_jws_signer_t *signer);

/* The signer's certificate in standard base64 with padding, as JWKS x5c entries carry it. */
const char *cella_jws_signer_x5c(const cella_jws_signer_t *signer);

/*
 * Signs claims (a JSON object, serialised compactly with sorted keys) as an RS256 JWS
 * compact token into *token (NUL-terminated; free()). Returns CELLA_OK;
 * CELLA_ERR_INVALID_ARGUMENT (not an object); CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED.
 * Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_sign(const cella_jws_signer_t *signer,
                                               const json_t *claims, char **token);

/*
 * The unsigned token of claims: header {"alg":"none","typ":"JWT"}, an empty signature (the
 * token ends in "."). MAA issues these only for draft-policy attestations. Returns as
 * cella_jws_sign().
 */
CELLA_MUST_CHECK cella_result_t cella_jws_serialize_unsigned(const json_t *claims, char **token);

/*
 * A JWS compact serialisation taken apart, for the policy bodies of PUT /policies and
 * POST :reset (maa-api.md §8.1).
 *   header:    the decoded header object (a new reference; json_decref it).
 *   payload:   the decoded payload bytes (malloc'd, NUL-terminated, not counted).
 *   signer:    for a signed JWS, the JWK of its signer {"kty","x5c"} (a new reference); NULL
 *              for alg "none".
 */
typedef struct cella_jws_parsed {
    json_t *header;
    char *payload;
    size_t payload_size;
    json_t *signer;
} cella_jws_parsed_t;

/*
 * Parses text (text_size bytes) as a JWS compact serialisation and checks it: three
 * base64url parts (padding tolerated), the header a JSON object with a string "alg". With
 * alg "none" the signature must be empty. With RS256/RS384/RS512, PS256/PS384/PS512 or
 * ES256/ES384/ES512 the header must carry x5c (standard base64 DER certificates) and the
 * signature must verify with the key of x5c[0]; the chain itself is not judged (no policy
 * signer certificates are registered with this service). On failure error receives one
 * line. Returns CELLA_OK and *parsed (clear with cella_jws_parsed_clear());
 * CELLA_ERR_INVALID_FORMAT (not a JWS: the caller may treat the text as something else);
 * CELLA_ERR_VERIFY_FAILED (a JWS whose signature does not verify, or an unsupported alg);
 * CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_parse(const char *text, size_t text_size,
                                                cella_jws_parsed_t *parsed, char *error,
                                                size_t error_size);
void cella_jws_parsed_clear(cella_jws_parsed_t *parsed);

/*
 * base64url without padding of size bytes into a new NUL-terminated string (*text;
 * free()). Returns CELLA_OK; CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_jws_base64url(const void *data, size_t size, char **text);

/* SHA-256 of data as base64url without padding into hash (at least 44 bytes). */
CELLA_MUST_CHECK cella_result_t cella_jws_sha256_base64url(const void *data, size_t size,
                                                           char *hash, size_t hash_size);

/* base64url text, with or without padding, into a new buffer (free() it) with a NUL after
 * the bytes. Returns CELLA_OK; CELLA_ERR_INVALID_FORMAT; CELLA_ERR_OUT_OF_MEMORY. */
CELLA_MUST_CHECK cella_result_t cella_jws_base64url_decode(const char *text, size_t text_size,
                                                           char **data, size_t *data_size);

#endif /* CELLA_ATTESTD_JWS_H */
