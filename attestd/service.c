/* SPDX-License-Identifier: Apache-2.0 */
/* attestd/service.c: building the shared state once: key, store, policies, verifier, sources. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cella/memory.h>

#include "../common/log_internal.h"
#include "metadata.h"
#include "service.h"

#define CHECK(expression)  \
    do {                   \
        r = (expression);  \
        if (r != CELLA_OK) \
            goto out;      \
    } while (0)

/* A root certificate file is small; anything larger is not one. */
#define ROOT_MAX_BYTES (64 * 1024)

static char *copy_string(const char *text)
{
    return text != NULL ? strdup(text) : NULL;
}

/* The state directory must exist, be ours and be writable by nobody else. */
static cella_result_t check_state_dir(const char *dir)
{
    struct stat st;

    if (stat(dir, &st) != 0) {
        int error = errno;
        cella_log(CELLA_LOG_ERROR, "the state directory %s: %s%s", dir, strerror(error),
                  error == ENOENT ? " (create it with mode 0700, or give --state-dir)" : "");
        return error == ENOENT ? CELLA_ERR_NOT_FOUND : CELLA_ERR_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        cella_log(CELLA_LOG_ERROR, "the state directory %s is not a directory", dir);
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 0022) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "the state directory %s holds the signing key: it must belong to this user "
                  "and be writable by nobody else (chmod 0700 %s)",
                  dir, dir);
        return CELLA_ERR_ACCESS_DENIED;
    }
    return CELLA_OK;
}

/* A whole small file, NUL-terminated. */
static cella_result_t read_file(const char *path, char **text, size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cella_result_t r = CELLA_ERR_IO;

    if (fd < 0) {
        cella_log(CELLA_LOG_ERROR, "cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? CELLA_ERR_NOT_FOUND : CELLA_ERR_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > ROOT_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "%s is not a certificate file", path);
        r = CELLA_ERR_INVALID_FORMAT;
        goto out;
    }
    *text = malloc((size_t)st.st_size + 1);
    if (*text == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    ssize_t got = read(fd, *text, (size_t)st.st_size);
    if (got != st.st_size) {
        cella_log(CELLA_LOG_ERROR, "cannot read %s", path);
        free(*text);
        *text = NULL;
        goto out;
    }
    (*text)[got] = '\0';
    *size = (size_t)got;
    r = CELLA_OK;
out:
    close(fd);
    return r;
}

/* The signing key and certificate, made on the first start, re-certified for a new URL. */
static cella_result_t load_signer(cella_service_t *service)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    char *key_pem = NULL;
    size_t key_pem_size = 0;
    uint8_t *certificate = NULL;
    size_t certificate_size = 0;
    char *jku = NULL;

    r = cella_store_get_signing_key(service->store, &key_pem, &key_pem_size, &certificate,
                                    &certificate_size);
    if (r == CELLA_ERR_NOT_FOUND) {
        CHECK(cella_jws_create_key(service->instance_url, &key_pem, &key_pem_size, &certificate,
                                   &certificate_size));
        CHECK(cella_store_set_signing_key(service->store, key_pem, key_pem_size, certificate,
                                          certificate_size));
        cella_log(CELLA_LOG_INFO, "made the instance's signing key (RSA-%d)", CELLA_JWS_RSA_BITS);
    } else if (r != CELLA_OK) {
        goto out;
    } else if (!cella_jws_certificate_matches(certificate, certificate_size, key_pem, key_pem_size,
                                              service->instance_url)) {
        /* The instance URL changed: same key (same kid), a certificate naming the new one. */
        free(certificate);
        certificate = NULL;
        CHECK(cella_jws_certify_key(key_pem, key_pem_size, service->instance_url, &certificate,
                                    &certificate_size));
        CHECK(cella_store_set_signing_key(service->store, key_pem, key_pem_size, certificate,
                                          certificate_size));
        cella_log(CELLA_LOG_INFO, "made a new certificate of the signing key for CN=%s",
                  service->instance_url);
    }
    size_t jku_size = strlen(service->instance_url) + sizeof("/certs");
    jku = malloc(jku_size);
    if (jku == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    snprintf(jku, jku_size, "%s/certs", service->instance_url);
    CHECK(cella_jws_signer_create(key_pem, key_pem_size, certificate, certificate_size, jku,
                                  &service->signer));
out:
    if (key_pem != NULL) {
        cella_memory_wipe(key_pem, key_pem_size);
        free(key_pem);
    }
    free(certificate);
    free(jku);
    return r;
}

static cella_result_t load_verifier(cella_service_t *service, const cella_service_config_t *config)
{
    cella_result_t r = cella_verifier_create(&service->verifier);
    char *pem = NULL;
    size_t pem_size = 0;

    if (r != CELLA_OK)
        return r;
    for (size_t i = 0; i < config->software_tee_root_count; i++) {
        CHECK(read_file(config->software_tee_roots[i], &pem, &pem_size));
        r = cella_verifier_add_root(service->verifier, pem, pem_size,
                                    CELLA_VERIFY_ROOT_SOFTWARE_TEE);
        free(pem);
        pem = NULL;
        if (r != CELLA_OK) {
            cella_log(CELLA_LOG_ERROR, "%s is not one self-signed root certificate (PEM)",
                      config->software_tee_roots[i]);
            goto out;
        }
        cella_log(CELLA_LOG_WARNING,
                  "dev mode: trusting software-TEE quotes of the platform whose root is %s",
                  config->software_tee_roots[i]);
    }
    if (config->collateral_dir != NULL) {
        r = cella_collateral_source_open_dir(config->collateral_dir, &service->source);
        if (r == CELLA_ERR_NOT_FOUND)
            cella_log(CELLA_LOG_ERROR, "the collateral directory %s does not exist",
                      config->collateral_dir);
    } else {
        r = cella_collateral_source_open_pccs(config->pccs_url, &service->source);
        if (r == CELLA_ERR_INVALID_ARGUMENT)
            cella_log(CELLA_LOG_ERROR, "--pccs %s is not an http:// or https:// URL",
                      config->pccs_url);
    }
out:
    free(pem);
    return r;
}

cella_result_t cella_service_create(const cella_service_config_t *config, cella_service_t **out)
{
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    cella_service_t *service = NULL;
    char path[PATH_MAX];

    if (config == NULL || out == NULL || config->state_dir == NULL ||
        config->instance_url == NULL ||
        (config->collateral_dir == NULL) == (config->pccs_url == NULL) ||
        (config->software_tee_root_count != 0 &&
         (!config->dev || config->software_tee_roots == NULL)))
        return CELLA_ERR_INVALID_ARGUMENT;
    service = calloc(1, sizeof(*service));
    if (service == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    pthread_mutex_init(&service->collateral_lock, NULL);
    service->dev = config->dev;
    service->accepted_tcb_statuses = config->accepted_tcb_statuses;
    service->instance_url = copy_string(config->instance_url);
    if (service->instance_url == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    if (config->admin_token != NULL) {
        service->admin_token = copy_string(config->admin_token);
        if (service->admin_token == NULL) {
            r = CELLA_ERR_OUT_OF_MEMORY;
            goto out;
        }
        service->admin_token_size = strlen(service->admin_token);
    }
    CHECK(check_state_dir(config->state_dir));
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", config->state_dir, CELLA_STORE_FILE) >=
        sizeof(path)) {
        r = CELLA_ERR_INVALID_ARGUMENT;
        goto out;
    }
    CHECK(cella_store_open(path, &service->store));
    CHECK(load_signer(service));
    CHECK(cella_policies_create(service->store, &service->policies));
    CHECK(load_verifier(service, config));
    CHECK(cella_metadata_certs_json(service->signer, &service->certs_json));
    CHECK(cella_metadata_openid_json(service->instance_url, &service->openid_json));
    cella_log(CELLA_LOG_INFO, "signing key kid %s, issuer %s",
              cella_jws_signer_kid(service->signer), service->instance_url);
    *out = service;
    service = NULL;
    r = CELLA_OK;
out:
    cella_service_destroy(service);
    return r;
}

void cella_service_destroy(cella_service_t *service)
{
    if (service == NULL)
        return;
    cella_collateral_source_destroy(service->source);
    cella_verifier_destroy(service->verifier);
    cella_policies_destroy(service->policies);
    cella_jws_signer_destroy(service->signer);
    cella_store_close(service->store);
    free(service->instance_url);
    free(service->certs_json);
    free(service->openid_json);
    if (service->admin_token != NULL) {
        cella_memory_wipe(service->admin_token, service->admin_token_size);
        free(service->admin_token);
    }
    pthread_mutex_destroy(&service->collateral_lock);
    free(service);
}

void cella_service_collateral_hashes(cella_service_t *service,
                                     const cella_verify_collateral_t *collateral,
                                     cella_claims_collateral_t *hashes)
{
    /* A source never frees documents while it lives, so their addresses name them. */
    cella_service_collateral_entry_t key = {
        .tcb_info = collateral->tcb_info,
        .qe_identity = collateral->qe_identity,
        .root_ca_crl = collateral->root_ca_crl,
        .tcb_info_issuer_chain = collateral->tcb_info_issuer_chain,
        .qe_identity_issuer_chain = collateral->qe_identity_issuer_chain,
    };

    pthread_mutex_lock(&service->collateral_lock);
    for (size_t i = 0; i < service->collateral_count; i++) {
        const cella_service_collateral_entry_t *entry = &service->collateral[i];
        if (entry->tcb_info == key.tcb_info && entry->qe_identity == key.qe_identity &&
            entry->root_ca_crl == key.root_ca_crl &&
            entry->tcb_info_issuer_chain == key.tcb_info_issuer_chain &&
            entry->qe_identity_issuer_chain == key.qe_identity_issuer_chain) {
            *hashes = entry->hashes;
            pthread_mutex_unlock(&service->collateral_lock);
            return;
        }
    }
    cella_claims_hash_collateral(collateral, &key.hashes);
    size_t slot = service->collateral_count < CELLA_SERVICE_COLLATERAL_CACHE
                      ? service->collateral_count++
                      : service->collateral_next++ % CELLA_SERVICE_COLLATERAL_CACHE;
    service->collateral[slot] = key;
    *hashes = key.hashes;
    pthread_mutex_unlock(&service->collateral_lock);
}

bool cella_service_may_manage_policies(const cella_service_t *service, const char *authorization)
{
    static const char bearer[] = "Bearer";

    if (service->admin_token == NULL)
        return service->dev;
    /* The scheme is case-insensitive and followed by one or more spaces (RFC 9110 11.4). */
    if (authorization == NULL || strncasecmp(authorization, bearer, sizeof(bearer) - 1) != 0 ||
        authorization[sizeof(bearer) - 1] != ' ')
        return false;
    const char *token = authorization + sizeof(bearer) - 1;
    while (*token == ' ')
        token++;
    size_t size = strlen(token);
    return size == service->admin_token_size &&
           cella_memory_equal_ct(token, service->admin_token, size);
}
