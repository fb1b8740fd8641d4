/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/store.h: the service's state in SQLite: its signing key and its policies. */
#ifndef CELLA_ATTESTD_STORE_H
#define CELLA_ATTESTD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/defs.h>
#include <cella/result.h>

/*
 * One SQLite database (WAL journal, synchronous=FULL) holds what must survive a restart:
 *   - the instance's signing key (PEM) and its self-signed certificate (DER);
 *   - per attestation type ("SgxEnclave", "OpenEnclave"), the current policy (its text, and
 *     for a signed policy its signer's JWK), absent when the default applies;
 *   - the history of every policy change (set or reset), with its time.
 * Every change is one transaction: a process killed at any point leaves the old state or
 * the new one, never a mix. Nothing is read on the attestation path: the service loads the
 * key and the policies at start and after each change.
 *
 * A store is used from many threads; calls are serialised inside.
 */
typedef struct cella_store cella_store_t;

#define CELLA_STORE_FILE "attestd.db" /* the database's name in the state directory */

/*
 * Opens (creating if needed, mode 0600) the database at path and brings its schema up to
 * date. Returns CELLA_OK and *out (close with cella_store_close()); CELLA_ERR_IO (cannot
 * open or create it; the log says why); CELLA_ERR_INVALID_FORMAT (not a cella-attestd
 * database, or a newer schema); CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_store_open(const char *path, cella_store_t **out);
void cella_store_close(cella_store_t *store);

/*
 * The signing key: *key_pem (NUL-terminated; the caller wipes and frees it) and
 * *certificate (DER; free()). Returns CELLA_OK; CELLA_ERR_NOT_FOUND (none yet); CELLA_ERR_IO;
 * CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_store_get_signing_key(cella_store_t *store, char **key_pem,
                                                            size_t *key_pem_size,
                                                            uint8_t **certificate,
                                                            size_t *certificate_size);

/*
 * Stores the signing key and its certificate, replacing any there. Returns CELLA_OK;
 * CELLA_ERR_IO; CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_store_set_signing_key(cella_store_t *store,
                                                            const char *key_pem,
                                                            size_t key_pem_size,
                                                            const uint8_t *certificate,
                                                            size_t certificate_size);

/* A stored policy. */
typedef struct cella_store_policy {
    char *text; /* the policy text, NUL-terminated (not counted) */
    size_t text_size;
    char *signer;    /* the JSON of its signer's JWK, or NULL for an unsigned policy */
    int64_t updated; /* when it was set, seconds since the epoch */
} cella_store_policy_t;

void cella_store_policy_clear(cella_store_policy_t *policy);

/*
 * The current policy of type ("SgxEnclave", ...: at most 32 characters). Returns CELLA_OK
 * and *policy (clear with cella_store_policy_clear()); CELLA_ERR_NOT_FOUND (none set: the
 * default applies); CELLA_ERR_IO; CELLA_ERR_INVALID_ARGUMENT; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_store_get_policy(cella_store_t *store, const char *type,
                                                       cella_store_policy_t *policy);

/*
 * Makes text (text_size bytes) the policy of type, with signer (JSON text or NULL), and
 * records the change at time now, in one transaction. Returns CELLA_OK; CELLA_ERR_IO;
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_store_set_policy(cella_store_t *store, const char *type,
                                                       const char *text, size_t text_size,
                                                       const char *signer, int64_t now);

/*
 * Removes the policy of type (the default applies again) and records it at time now, in one
 * transaction. Returns CELLA_OK (also when none was set); CELLA_ERR_IO;
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_store_reset_policy(cella_store_t *store, const char *type,
                                                         int64_t now);

/*
 * How many changes the history of type holds. Returns CELLA_OK; CELLA_ERR_IO;
 * CELLA_ERR_INVALID_ARGUMENT.
 */
CELLA_MUST_CHECK cella_result_t cella_store_count_policy_history(cella_store_t *store,
                                                                 const char *type, size_t *count);

/*
 * For crash tests: hook(context, step) runs at each step of every policy change: "begin",
 * "history" and "policy" inside the transaction (after BEGIN and after each of its two
 * statements), "committed" after it. NULL removes it.
 */
typedef void (*cella_store_step_hook_t)(void *context, const char *step);
void cella_store_set_step_hook(cella_store_t *store, cella_store_step_hook_t hook, void *context);

#endif /* CELLA_ATTESTD_STORE_H */
