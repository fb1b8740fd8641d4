/* SPDX-License-Identifier: Apache-2.0 */
/* cella/token.h: verifying attestation tokens (MAA-compatible RS256 JWTs) as a relying party. */
#ifndef CELLA_TOKEN_H
#define CELLA_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/*
 * An attestation service compatible with Microsoft Azure Attestation (cella-attestd, or MAA
 * itself) answers a verified quote with a token: a JWS in compact serialization,
 * base64url(header) "." base64url(claims) "." base64url(signature), without padding, signed
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) by a key the service publishes as a JWK Set at
 * {issuer}/certs. A relying party pins the issuer, gets the key set from that URL over
 * HTTPS, and verifies each token it is shown against the set and its own policy:
 *
 *     cella_token_keys_t *keys = NULL;
 *     if (cella_token_keys_fetch("https://attest.example/certs", &keys) != CELLA_OK) ...
 *     cella_token_options_t options;
 *     cella_token_options_init(&options, "https://attest.example", time(NULL));
 *     options.mrsigner = "<64 hex digits>";
 *     options.require_hardware = true;
 *     cella_token_result_t result;
 *     if (cella_token_verify(keys, token, strlen(token), &options, &result) == CELLA_OK) {
 *         const char *data = NULL;
 *         if (cella_token_claims_get_string(result.claims, "x-ms-sgx-ehd", &data) == CELLA_OK) ...
 *     }
 *     cella_token_result_clear(&result);
 *
 * Keys are never taken from the token itself (its jku, x5c, x5u or jwk header members):
 * only the caller's key set counts. Key sets are not refreshed by this library: when a token
 * names a key the set lacks (CELLA_TOKEN_UNKNOWN_KID), fetch the set again and retry once.
 */

/* The claims cella checks, as MAA names them (maa-api.md §4.2). */
#define CELLA_TOKEN_CLAIM_ISSUER        "iss"
#define CELLA_TOKEN_CLAIM_EXPIRATION    "exp"
#define CELLA_TOKEN_CLAIM_NOT_BEFORE    "nbf"
#define CELLA_TOKEN_CLAIM_ISSUED_AT     "iat"
#define CELLA_TOKEN_CLAIM_NONCE         "nonce"
#define CELLA_TOKEN_CLAIM_MRENCLAVE     "x-ms-sgx-mrenclave"     /* 64 hex digits */
#define CELLA_TOKEN_CLAIM_MRSIGNER      "x-ms-sgx-mrsigner"      /* 64 hex digits */
#define CELLA_TOKEN_CLAIM_SVN           "x-ms-sgx-svn"           /* integer: ISVSVN */
#define CELLA_TOKEN_CLAIM_PRODUCT_ID    "x-ms-sgx-product-id"    /* integer: ISVPRODID */
#define CELLA_TOKEN_CLAIM_IS_DEBUGGABLE "x-ms-sgx-is-debuggable" /* boolean */
/*
 * cella's own claims, which MAA does not issue: the TCB status of the platform as the quote
 * verifier combined it (a string such as "UpToDate" or "SWHardeningNeeded", as
 * cella_tcb_status_str() writes it), the security advisories of that TCB level (an array of
 * strings such as "INTEL-SA-00334"), and whether the quote came from cella's software TEE
 * (boolean; true only in tokens of a service running in dev mode).
 */
#define CELLA_TOKEN_CLAIM_TCB_STATUS   "x-ms-cella-tcb-status"
#define CELLA_TOKEN_CLAIM_ADVISORY_IDS "x-ms-cella-advisory-ids"
#define CELLA_TOKEN_CLAIM_SOFTWARE_TEE "x-ms-cella-software-tee"

#define CELLA_TOKEN_MAX_BYTES                  (256u * 1024u)  /* longer tokens are refused */
#define CELLA_TOKEN_KEYS_MAX_BYTES             (1024u * 1024u) /* larger key sets are refused */
#define CELLA_TOKEN_KEYS_MAX_COUNT             64              /* keys in one set, at most */
#define CELLA_TOKEN_KID_MAX_BYTES              256             /* a key id, its NUL included */
#define CELLA_TOKEN_REASON_MAX_BYTES           256
#define CELLA_TOKEN_CLAIM_NAME_MAX_BYTES       64
#define CELLA_TOKEN_MIN_KEY_BITS               2048 /* smaller RSA keys verify nothing */
#define CELLA_TOKEN_DEFAULT_CLOCK_SKEW_SECONDS 60

/* ---- key sets ------------------------------------------------------------------------------ */

/* The keys a service signs tokens with (a JWK Set). Immutable: use from many threads. */
typedef struct cella_token_keys cella_token_keys_t;

/*
 * Parses json_size bytes of a JWK Set (RFC 7517 §5), as an MAA-compatible service serves it
 * at /certs: {"keys": [key, ...]} with 1 to CELLA_TOKEN_KEYS_MAX_COUNT keys, and each key an
 * object with
 *     "kty"  required; "RSA" for a key that can verify tokens,
 *     "kid"  a string of 1 to CELLA_TOKEN_KID_MAX_BYTES - 1 bytes, unique in the set; may be
 *            absent (such a key verifies only tokens without a kid, in a set of one key),
 *     "x5c"  an array of certificates, each standard base64 (with padding) of DER; the
 *            public key of the first one is the key (nothing else of the certificates is
 *            checked: the set is trusted as a whole, by where it came from), and/or
 *     "n", "e"  the RSA modulus and exponent, base64url without padding and without leading
 *            zero bytes (RFC 7518 §6.3.1); when x5c is there too, they must be its key,
 *     "use"  and "alg", optional: a key whose "use" is not "sig" or whose "alg" is not
 *            "RS256" is kept but verifies nothing.
 * Other members are ignored. Keys of another type ("EC", "oct", ...), RSA keys shorter than
 * CELLA_TOKEN_MIN_KEY_BITS or with an exponent that is even, below 3 or over 64 bits are
 * kept as unusable: a token that names one fails with CELLA_TOKEN_KEY, not UNKNOWN_KID.
 * The JSON must be UTF-8 without duplicate member names.
 *
 * Returns CELLA_OK and *out (free with cella_token_keys_destroy()); CELLA_ERR_INVALID_FORMAT
 * (not such a set, or larger than CELLA_TOKEN_KEYS_MAX_BYTES; the log says what is wrong and
 * in which key); CELLA_ERR_INVALID_ARGUMENT (NULL json with a non-zero size, NULL out);
 * CELLA_ERR_OUT_OF_MEMORY. *out is written only on success. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_keys_parse(const char *json, size_t json_size,
                                                                 cella_token_keys_t **out);

/*
 * GETs the key set at url (http:// or https://, e.g. "https://attest.example/certs") and
 * parses it as cella_token_keys_parse() does. https verifies the server's certificate and
 * host name against the system's certificate authorities; plain http protects nothing and
 * is meant for tests on the local machine. Redirects are not followed. The request times
 * out after 30 s (10 s to connect); a body larger than CELLA_TOKEN_KEYS_MAX_BYTES is
 * refused. Each call fetches: keep the set, and fetch again when a token names a key it
 * lacks.
 *
 * Returns CELLA_OK and *out (free with cella_token_keys_destroy()); CELLA_ERR_NOT_FOUND
 * (HTTP status 404); CELLA_ERR_IO (no connection, TLS failure, timeout, another status than
 * 200 and 404, a body that is too large; the log has the URL and why);
 * CELLA_ERR_INVALID_FORMAT (the body is not a key set); CELLA_ERR_INVALID_ARGUMENT (NULL, or
 * not an http or https URL); CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_UNEXPECTED (libcurl does
 * not start). *out is written only on success. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_keys_fetch(const char *url,
                                                                 cella_token_keys_t **out);

/* Frees a key set; NULL is a no-op. Tokens verified with it are unaffected. */
CELLA_API void cella_token_keys_destroy(cella_token_keys_t *keys);

/* The number of keys in the set, unusable ones included (0 for NULL). */
CELLA_API size_t cella_token_keys_get_count(const cella_token_keys_t *keys);

/* ---- verification -------------------------------------------------------------------------- */

/*
 * What a token must satisfy besides its signature. Fill it with cella_token_options_init(),
 * then set what the relying party requires. The pointers are borrowed for the duration of
 * cella_token_verify().
 */
typedef struct cella_token_options {
    /* Required: "iss" must equal it byte for byte (MAA: the instance URL, no trailing '/').
     * A "jku" header member, when present, must be issuer + "/certs". */
    const char *issuer;
    /* The verification time, in seconds since the epoch: the caller's clock, or a fixed time
     * for tests and for re-checking old tokens. */
    int64_t now;
    /* How far the service's clock may be off, in seconds (>= 0; default 60): "exp" may
     * have passed by less, "nbf" and "iat" may be that far in the future. */
    int64_t clock_skew_seconds;
    /* NULL, or 64 hex digits in any case: "x-ms-sgx-mrenclave" / "x-ms-sgx-mrsigner" must
     * be the same bytes (compared case-insensitively). Both may be set. */
    const char *mrenclave;
    const char *mrsigner;
    /* "x-ms-sgx-svn" must be an integer >= min_svn. */
    bool check_min_svn;
    uint16_t min_svn;
    /* "x-ms-sgx-product-id" must be the integer product_id. */
    bool check_product_id;
    uint16_t product_id;
    /* "x-ms-sgx-is-debuggable" must be false (default true: a debug enclave's memory is
     * open to its host). */
    bool require_not_debuggable;
    /* When the count is not 0: "x-ms-cella-tcb-status" must be one of these strings (exact
     * comparison), e.g. {"UpToDate"}. */
    const char *const *allowed_tcb_statuses;
    size_t allowed_tcb_status_count;
    /* When the count is not 0: every string in "x-ms-cella-advisory-ids" (absent means
     * none) must be one of these. */
    const char *const *allowed_advisory_ids;
    size_t allowed_advisory_id_count;
    /* Refuse tokens whose "x-ms-cella-software-tee" is true (default false; MAA's tokens
     * do not carry the claim, which counts as false). */
    bool require_hardware;
    /* NULL, or "nonce" must equal it byte for byte. */
    const char *nonce;
} cella_token_options_t;

/*
 * Sets every option to its default: issuer and now as given, clock skew
 * CELLA_TOKEN_DEFAULT_CLOCK_SKEW_SECONDS, require_not_debuggable true, nothing else checked.
 * options must not be NULL.
 */
CELLA_API void cella_token_options_init(cella_token_options_t *options, const char *issuer,
                                        int64_t now);

/* The check that refused a token. */
typedef enum cella_token_failure {
    CELLA_TOKEN_OK = 0,
    CELLA_TOKEN_FORMAT,           /* not three base64url parts, a header or claims that are not a
                                     JSON object, a typ other than "JWT", a crit member, a
                                     registered claim of the wrong type, too long */
    CELLA_TOKEN_ALGORITHM,        /* "alg" is not exactly "RS256" ("none", "HS256", ...) */
    CELLA_TOKEN_UNKNOWN_KID,      /* no key of the set has the token's "kid" */
    CELLA_TOKEN_KEY,              /* the key the "kid" selects cannot verify RS256 tokens */
    CELLA_TOKEN_SIGNATURE,        /* the signature does not verify with that key */
    CELLA_TOKEN_ISSUER,           /* "iss" (or "jku") is not the expected issuer's */
    CELLA_TOKEN_EXPIRED,          /* "exp" has passed (beyond the clock skew) */
    CELLA_TOKEN_NOT_YET_VALID,    /* "nbf" is in the future (beyond the clock skew) */
    CELLA_TOKEN_ISSUED_IN_FUTURE, /* "iat" is in the future (beyond the clock skew) */
    CELLA_TOKEN_CLAIM_MISMATCH,   /* a required claim is missing, mistyped or not as required;
                                     result->claim names it */
    CELLA_TOKEN_SOFTWARE_TEE_REFUSED, /* a software-TEE token where hardware is required */
} cella_token_failure_t;

/* A short name of a failure ("unknown-kid", ...), for logs and JSON. Never NULL. */
CELLA_API const char *cella_token_failure_str(cella_token_failure_t failure);

/* The claims of a verified token, read with the cella_token_claims_get_* functions. */
typedef struct cella_token_claims cella_token_claims_t;

/* The verdict. */
typedef struct cella_token_result {
    cella_token_failure_t failure;             /* CELLA_TOKEN_OK when the token verified */
    char reason[CELLA_TOKEN_REASON_MAX_BYTES]; /* what failed, in one line; "" on success */
    /* The header member or claim that failed ("alg", "kid", "iss", "exp",
     * "x-ms-sgx-mrenclave", ...), or "". */
    char claim[CELLA_TOKEN_CLAIM_NAME_MAX_BYTES];
    /* The token's "kid" (printable ASCII only, else ""), once the header parsed. */
    char kid[CELLA_TOKEN_KID_MAX_BYTES];
    /* On success: "x-ms-cella-software-tee" is true, i.e. the enclave ran in cella's
     * software TEE, which does not protect it from the owner of its machine. */
    bool software_tee;
    /* On success: the token's claims, owned by the result (cella_token_result_clear()
     * frees them); NULL otherwise. */
    cella_token_claims_t *claims;
} cella_token_result_t;

/*
 * Verifies token_size bytes of token (the compact JWS; no white space, no NUL) with keys,
 * under options, in this order:
 *   1. format: at most CELLA_TOKEN_MAX_BYTES, exactly three parts, each base64url without
 *      padding, header and claims not empty (FORMAT);
 *   2. header: a JSON object without duplicate members; "alg" exactly "RS256" (ALGORITHM:
 *      "none" and HMAC algorithms are always refused); "typ", if present, "JWT"; no "crit"
 *      (FORMAT);
 *   3. key: the set's key whose "kid" equals the header's; a token without "kid" may use
 *      the only key of a one-key set; no other key is ever tried (UNKNOWN_KID); the key
 *      must be usable (KEY);
 *   4. signature: RSASSA-PKCS1-v1_5 SHA-256 over the ASCII of header "." claims, present
 *      and exactly the modulus size long (SIGNATURE);
 *   5. claims: a JSON object without duplicate members (FORMAT); "iss" equal to
 *      options->issuer and "jku", if present, equal to issuer + "/certs" (ISSUER); "exp"
 *      required, "nbf" and "iat" checked when present, each a JSON integer (FORMAT):
 *      now < exp + skew (EXPIRED), nbf <= now + skew (NOT_YET_VALID), iat <= now + skew
 *      (ISSUED_IN_FUTURE);
 *   6. the required claims of options: "x-ms-cella-software-tee" first (a boolean if
 *      present, CLAIM_MISMATCH; SOFTWARE_TEE_REFUSED), then MRENCLAVE, MRSIGNER, product
 *      ID, SVN, debuggable, TCB status, advisory IDs and nonce (CLAIM_MISMATCH, also when
 *      a required claim is missing or of another JSON type).
 *
 * Returns CELLA_OK when the token verified (result->claims then holds its claims);
 * CELLA_ERR_VERIFY_FAILED with result->failure, reason and claim; CELLA_ERR_INVALID_ARGUMENT
 * (NULL keys, token with a non-zero size, options or result; options without an issuer,
 * with a negative clock skew, an mrenclave or mrsigner that is not 64 hex digits, a NULL
 * list with a non-zero count); CELLA_ERR_OUT_OF_MEMORY. *result is always written (unless
 * result is NULL), and must be released with cella_token_result_clear(); whenever the
 * return is not CELLA_OK, result->failure is not CELLA_TOKEN_OK either (argument and memory
 * errors show as CELLA_TOKEN_FORMAT, with the reason). A malformed token is not an argument
 * error: it is refused (CELLA_TOKEN_FORMAT). Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_verify(const cella_token_keys_t *keys,
                                                             const char *token, size_t token_size,
                                                             const cella_token_options_t *options,
                                                             cella_token_result_t *result);

/* Frees result->claims and empties the result; NULL is a no-op. */
CELLA_API void cella_token_result_clear(cella_token_result_t *result);

/* ---- the claims of a verified token -------------------------------------------------------- */

/*
 * The claims as the token carries them: JSON text (its claims part, base64url-decoded),
 * NUL-terminated, *size bytes long (size may be NULL). Valid as long as claims. NULL for
 * NULL claims.
 */
CELLA_API const char *cella_token_claims_get_json(const cella_token_claims_t *claims, size_t *size);

/*
 * The string claim name: *value points into claims (NUL-terminated, no NUL inside, valid as
 * long as claims). Returns CELLA_OK; CELLA_ERR_NOT_FOUND (no such claim);
 * CELLA_ERR_INVALID_FORMAT (the claim is not a string); CELLA_ERR_INVALID_ARGUMENT (NULL).
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_claims_get_string(
    const cella_token_claims_t *claims, const char *name, const char **value);

/*
 * The integer claim name (a JSON number without fraction or exponent). Returns CELLA_OK;
 * CELLA_ERR_NOT_FOUND; CELLA_ERR_INVALID_FORMAT (not an integer); CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_claims_get_integer(
    const cella_token_claims_t *claims, const char *name, int64_t *value);

/*
 * The boolean claim name. Returns CELLA_OK; CELLA_ERR_NOT_FOUND; CELLA_ERR_INVALID_FORMAT
 * (not true or false); CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_token_claims_get_bool(const cella_token_claims_t *claims, const char *name, bool *value);

/*
 * Item index of the claim name, an array of strings (such as "x-ms-cella-advisory-ids"):
 * *value as for cella_token_claims_get_string(). Returns CELLA_OK; CELLA_ERR_NOT_FOUND (no
 * such claim, or index is past its end: count the items by asking for 0, 1, 2, ...);
 * CELLA_ERR_INVALID_FORMAT (not an array, or that item is not a string);
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_token_claims_get_string_item(
    const cella_token_claims_t *claims, const char *name, size_t index, const char **value);

CELLA_EXTERN_C_END

#endif /* CELLA_TOKEN_H */
