/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/service.h: what every request shares: verifier, collateral, key, policies, options. */
#ifndef CELLA_ATTESTD_SERVICE_H
#define CELLA_ATTESTD_SERVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cella/result.h>
#include <cella/verify.h>

#include "claims.h"
#include "jws.h"
#include "policies.h"
#include "store.h"

/* A bit per cella_tcb_status_t value, for the accepted TCB statuses. */
#define CELLA_SERVICE_TCB_BIT(status) (1u << (unsigned)(status))
/* The default: every status that needs no update of the platform's TCB. */
#define CELLA_SERVICE_DEFAULT_TCB_STATUSES                          \
    (CELLA_SERVICE_TCB_BIT(CELLA_TCB_STATUS_UP_TO_DATE) |           \
     CELLA_SERVICE_TCB_BIT(CELLA_TCB_STATUS_SW_HARDENING_NEEDED) |  \
     CELLA_SERVICE_TCB_BIT(CELLA_TCB_STATUS_CONFIGURATION_NEEDED) | \
     CELLA_SERVICE_TCB_BIT(CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED))

/* The service's configuration, as the options give it. */
typedef struct cella_service_config {
    const char *state_dir;      /* holds the database (CELLA_STORE_FILE); must exist */
    const char *collateral_dir; /* collateral from a directory, or */
    const char *pccs_url;       /* from a PCCS-compatible service (exactly one of the two) */
    bool dev;                   /* dev mode: software-TEE quotes accepted from the roots below */
    const char *const *software_tee_roots; /* PEM file paths (dev mode only) */
    size_t software_tee_root_count;
    uint32_t accepted_tcb_statuses; /* CELLA_SERVICE_TCB_BIT()s */
    const char *instance_url;       /* iss, jku's base, the certificate's CN */
    const char *admin_token;        /* bearer token for policy changes, or NULL */
} cella_service_config_t;

/* Collateral hashes kept per set of collateral documents (the source keeps them too). */
#define CELLA_SERVICE_COLLATERAL_CACHE 16

typedef struct cella_service_collateral_entry {
    const void *tcb_info, *qe_identity, *root_ca_crl; /* the documents' addresses, as keys */
    const void *tcb_info_issuer_chain, *qe_identity_issuer_chain;
    cella_claims_collateral_t hashes;
} cella_service_collateral_entry_t;

/* Everything a request may use. Read-only after cella_service_create() but for the locked
 * parts; thread safe. */
struct cella_service {
    cella_verifier_t *verifier;
    cella_collateral_source_t *source;
    cella_store_t *store;
    cella_jws_signer_t *signer;
    cella_policies_t *policies;
    char *instance_url;
    char *certs_json;  /* GET /certs, made once */
    char *openid_json; /* GET /.well-known/openid-configuration, made once */
    bool dev;
    uint32_t accepted_tcb_statuses;
    char *admin_token;
    size_t admin_token_size;
    pthread_mutex_t collateral_lock;
    cella_service_collateral_entry_t collateral[CELLA_SERVICE_COLLATERAL_CACHE];
    size_t collateral_count;
    size_t collateral_next; /* the entry replaced next when the cache is full */
};

typedef struct cella_service cella_service_t;

/*
 * Builds the service: opens the store in config->state_dir, loads its signing key (making
 * one, with a self-signed certificate CN=<instance URL>, on the first start; a new
 * certificate for the same key when the instance URL changed), the policies, the verifier
 * (with the software-TEE roots in dev mode) and the collateral source; and prepares the
 * /certs and OpenID documents. Every failure is logged with what to fix. Returns CELLA_OK
 * and *out (free with cella_service_destroy()); CELLA_ERR_INVALID_ARGUMENT (an inconsistent
 * configuration); CELLA_ERR_NOT_FOUND (a missing file or directory); CELLA_ERR_INVALID_FORMAT
 * (an unreadable root or database); CELLA_ERR_IO; CELLA_ERR_OUT_OF_MEMORY.
 */
CELLA_MUST_CHECK cella_result_t cella_service_create(const cella_service_config_t *config,
                                                     cella_service_t **out);
void cella_service_destroy(cella_service_t *service);

/*
 * The collateral hashes of the documents in collateral, computed once per set of documents.
 * Thread safe.
 */
void cella_service_collateral_hashes(cella_service_t *service,
                                     const cella_verify_collateral_t *collateral,
                                     cella_claims_collateral_t *hashes);

/* Whether authorization (an "Authorization" header value or NULL) may change policies. */
bool cella_service_may_manage_policies(const cella_service_t *service, const char *authorization);

#endif /* CELLA_ATTESTD_SERVICE_H */
