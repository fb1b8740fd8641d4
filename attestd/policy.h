/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/policy.h: MAA's attestation policy language: parsing and evaluation (internal). */
#ifndef CELLA_ATTESTD_POLICY_H
#define CELLA_ATTESTD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <cella/result.h>

/*
 * Microsoft Azure Attestation's policy language, versions 1.0 and 1.1 (reference: maa-api.md
 * §9): `version=1.x;` then the sections authorizationrules, issuancerules and (1.1)
 * configurationrules, each a list of `[conditions] => action;` rules. Claims are
 * (type, value, issuer) triples; values are JSON integers, booleans or strings.
 * Version 1.2 is accepted with its `!` (no claim matches the condition) but without its
 * functions (JmesPath() and the others are refused as a parse error).
 *
 * A test compares a claim's type, value, issuer or valueType ("Integer", "Boolean",
 * "String") with a literal or with `c.value` / `c.type` of a claim bound by an earlier
 * condition of the same rule (`c:[...]`); actions use the claims any condition bound.
 * Ordering operators (< <= > >=) apply to integers only; a test between values of different
 * types never holds, not even with !=.
 *
 * Claims, in and out, are JSON arrays of objects {"type": string, "value": integer | boolean |
 * string} (an optional "issuer" string defaults to "AttestationService" for incoming claims;
 * claims made by the policy have the issuer "AttestationPolicy"). The same type may appear
 * more than once.
 */

/* A parsed policy: immutable, shareable between threads. */
typedef struct cella_policy cella_policy_t;

/* The bytes of MAA's default SGX policy (one line, exactly as shared instances store it). */
extern const char cella_policy_default_sgx[];

#define CELLA_POLICY_MAX_BYTES   (64u * 1024u) /* longer texts are refused */
#define CELLA_POLICY_ERROR_BYTES 256

/*
 * Parses size bytes of policy text (UTF-8; no NUL needed). On a syntax or semantic error
 * (an action not allowed in its section, an unknown section or operator, a version other
 * than 1.0, 1.1 or 1.2, a comparison of incompatible types, a claim name no condition
 * bound, a text longer than CELLA_POLICY_MAX_BYTES or beyond the parser's counts: 1024
 * rules, 16 conditions per rule, 16 tests per condition), error receives one line:
 * "line L, column C: expected X, found Y" (or "...: <what is wrong>"); lines and columns
 * are 1-based, columns count bytes. error may be NULL when error_size is 0.
 * Returns CELLA_OK and *out (free with cella_policy_destroy()); CELLA_ERR_INVALID_FORMAT;
 * CELLA_ERR_INVALID_ARGUMENT (NULL out, NULL text with a non-zero size); CELLA_ERR_OUT_OF_MEMORY.
 * Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_policy_parse(const char *text, size_t size,
                                                   cella_policy_t **out, char *error,
                                                   size_t error_size);
void cella_policy_destroy(cella_policy_t *policy);

/* The policy's version: 10 for 1.0, 11 for 1.1, 12 for 1.2. */
int cella_policy_version(const cella_policy_t *policy);

/*
 * Evaluates policy on the incoming claims, as MAA does: configurationrules (issueproperty
 * into the properties), then authorizationrules in order (the first rule whose conditions
 * hold and whose action is permit() or deny() decides; add() adds to the incoming claims;
 * no permit: refused), then issuancerules in order (add() to incoming, issue() to incoming and
 * outgoing, issueproperty() to incoming and properties; a later issueproperty() of the same
 * type replaces the value). Each rule is tried once, on the claims present when its turn
 * comes; it fires at most once. A condition holds when at least one claim meets all its
 * tests; `c.value`, `c.type` name the claim the condition bound to c matched: the first such
 * claim in order (with tests naming earlier claims, the first combination that satisfies
 * the whole rule). The caller's incoming array is only read: the policy works on a copy.
 * Returns CELLA_OK with *permitted, *issued (a new array of the claims the policy issued, in
 * order, each {"type", "value", "issuer": "AttestationPolicy"}) and *properties (a new JSON
 * object: property type -> value) — both to be json_decref'ed, both empty when refused — ;
 * CELLA_ERR_INVALID_ARGUMENT (a NULL pointer, or incoming is not an array of claims: reason
 * says which claim is wrong); CELLA_ERR_OUT_OF_MEMORY. When not permitted, reason says why
 * ("no rule permitted", "deny() in authorizationrules rule 2", 1-based within the section;
 * or that the evaluation exceeded its work limit: a policy whose conditions need more than
 * about 4 million claim comparisons is refused); when permitted, reason is "". reason may
 * be NULL when reason_size is 0. Thread safe.
 */
CELLA_MUST_CHECK cella_result_t cella_policy_evaluate(const cella_policy_t *policy,
                                                      const json_t *incoming, bool *permitted,
                                                      json_t **issued, json_t **properties,
                                                      char *reason, size_t reason_size);

/*
 * x-ms-policy-hash of policy text: base64url(SHA-256(ASCII(base64url(UTF-8 text)))) without
 * padding, into hash (at least 44 bytes). Returns CELLA_OK; CELLA_ERR_BUFFER_TOO_SMALL;
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_policy_hash(const char *text, size_t size, char *hash,
                                                  size_t hash_size);

#endif /* CELLA_ATTESTD_POLICY_H */
