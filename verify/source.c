/* SPDX-License-Identifier: Apache-2.0 */
/* verify/source.c: collateral sources: a cache per platform, and the directory fetcher. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cella/collateral.h>
#include <cella/verify.h>

#include "../common/log_internal.h"
#include "source.h"

/*
 * A source keeps, per platform (FMSPC and PCK CA), the four documents a verification needs,
 * fetched together the first time and kept until the earlier next update of the TCB Info
 * and the QE Identity, or keep_seconds when that has passed already (a directory's documents
 * are kept as long as the source lives: they do not change under it). A few platforms at most are
 * ever seen by one verifier, so a short list does.
 */

/* Distinct platforms (FMSPC and PCK CA) served; Intel has a few hundred FMSPCs in all. */
#define PLATFORMS_MAX 1024

struct platform {
    struct platform *retired_next; /* on the retired list, once replaced by fresh documents */
    char fmspc[13];
    char ca[16];
    int64_t expires; /* 0: never */
    struct collateral_document tcb_info, qe_identity, root_crl, pck_crl;
};

struct cella_collateral_source {
    struct collateral_fetcher fetcher;
    void *state;
    pthread_mutex_t lock;
    struct platform *platforms[PLATFORMS_MAX];
    size_t platform_count;
    /* Documents replaced by fresher ones: verifications in progress (and results they gave)
     * may still point at them, so they are kept, outside the table, until the source goes. */
    struct platform *retired;
};

void collateral_document_clear(struct collateral_document *document)
{
    free(document->data);
    free(document->issuer_chain);
    memset(document, 0, sizeof(*document));
}

static void platform_destroy(struct platform *platform)
{
    if (platform == NULL)
        return;
    collateral_document_clear(&platform->tcb_info);
    collateral_document_clear(&platform->qe_identity);
    collateral_document_clear(&platform->root_crl);
    collateral_document_clear(&platform->pck_crl);
    free(platform);
}

cella_result_t cella_collateral_source_create(const struct collateral_fetcher *fetcher, void *state,
                                              cella_collateral_source_t **out)
{
    cella_collateral_source_t *source = calloc(1, sizeof(*source));
    if (source == NULL) {
        fetcher->destroy(state);
        return CELLA_ERR_OUT_OF_MEMORY;
    }
    source->fetcher = *fetcher;
    source->state = state;
    pthread_mutex_init(&source->lock, NULL);
    *out = source;
    return CELLA_OK;
}

void cella_collateral_source_destroy(cella_collateral_source_t *source)
{
    if (source == NULL)
        return;
    for (size_t i = 0; i < source->platform_count; i++)
        platform_destroy(source->platforms[i]);
    while (source->retired != NULL) {
        struct platform *next = source->retired->retired_next;
        platform_destroy(source->retired);
        source->retired = next;
    }
    source->fetcher.destroy(source->state);
    pthread_mutex_destroy(&source->lock);
    free(source);
}

/* The earlier next update of the two signed documents, when both parse; else keep_seconds. */
static int64_t expiry_of(const cella_collateral_source_t *source, const struct platform *p)
{
    cella_tcb_info_t *tcb_info = NULL;
    cella_enclave_identity_t *identity = NULL;
    int64_t expires =
        source->fetcher.keep_seconds > 0 ? (int64_t)time(NULL) + source->fetcher.keep_seconds : 0;

    if (source->fetcher.keep_seconds > 0 &&
        cella_tcb_info_parse(p->tcb_info.data, p->tcb_info.size, &tcb_info) == CELLA_OK &&
        cella_enclave_identity_parse(p->qe_identity.data, p->qe_identity.size, &identity) ==
            CELLA_OK)
        expires = tcb_info->next_update < identity->next_update ? tcb_info->next_update
                                                                : identity->next_update;
    /* Already past it: the service had nothing newer. Ask again later, not at every call. */
    if (source->fetcher.keep_seconds > 0 && expires <= (int64_t)time(NULL))
        expires = (int64_t)time(NULL) + source->fetcher.keep_seconds;
    cella_tcb_info_destroy(tcb_info);
    cella_enclave_identity_destroy(identity);
    return expires;
}

static cella_result_t fetch_platform(cella_collateral_source_t *source, const char *fmspc,
                                     const char *ca, struct platform **out)
{
    struct platform *p = calloc(1, sizeof(*p));
    cella_result_t r;

    if (p == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    snprintf(p->fmspc, sizeof(p->fmspc), "%s", fmspc);
    snprintf(p->ca, sizeof(p->ca), "%s", ca);
    r = source->fetcher.fetch(source->state, COLLATERAL_TCB_INFO, fmspc, ca, &p->tcb_info);
    if (r == CELLA_OK)
        r = source->fetcher.fetch(source->state, COLLATERAL_QE_IDENTITY, fmspc, ca,
                                  &p->qe_identity);
    /* CRLs may be absent; the verifier decides whether that is acceptable. */
    if (r == CELLA_OK) {
        r = source->fetcher.fetch(source->state, COLLATERAL_ROOT_CRL, fmspc, ca, &p->root_crl);
        r = r == CELLA_ERR_NOT_FOUND ? CELLA_OK : r;
    }
    if (r == CELLA_OK) {
        r = source->fetcher.fetch(source->state, COLLATERAL_PCK_CRL, fmspc, ca, &p->pck_crl);
        r = r == CELLA_ERR_NOT_FOUND ? CELLA_OK : r;
    }
    if (r != CELLA_OK) {
        platform_destroy(p);
        return r;
    }
    p->expires = expiry_of(source, p);
    *out = p;
    return CELLA_OK;
}

static bool document_equal(const struct collateral_document *a,
                           const struct collateral_document *b)
{
    return a->size == b->size && a->issuer_chain_size == b->issuer_chain_size &&
           (a->size == 0 || memcmp(a->data, b->data, a->size) == 0) &&
           (a->issuer_chain_size == 0 ||
            memcmp(a->issuer_chain, b->issuer_chain, a->issuer_chain_size) == 0);
}

static bool platform_documents_equal(const struct platform *a, const struct platform *b)
{
    return document_equal(&a->tcb_info, &b->tcb_info) &&
           document_equal(&a->qe_identity, &b->qe_identity) &&
           document_equal(&a->root_crl, &b->root_crl) &&
           document_equal(&a->pck_crl, &b->pck_crl);
}

cella_result_t cella_collateral_source_get(cella_collateral_source_t *source,
                                           const uint8_t fmspc[6], const char *pck_ca,
                                           cella_verify_collateral_t *collateral)
{
    char fmspc_hex[13];
    cella_result_t r = CELLA_OK;
    struct platform *found = NULL;

    if (source == NULL || fmspc == NULL || pck_ca == NULL || collateral == NULL ||
        (strcmp(pck_ca, "processor") != 0 && strcmp(pck_ca, "platform") != 0))
        return CELLA_ERR_INVALID_ARGUMENT;
    for (int i = 0; i < 6; i++)
        snprintf(fmspc_hex + 2 * i, 3, "%02x", fmspc[i]);

    pthread_mutex_lock(&source->lock);
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < source->platform_count && found == NULL; i++) {
        struct platform *p = source->platforms[i];
        if (strcmp(p->fmspc, fmspc_hex) != 0 || strcmp(p->ca, pck_ca) != 0)
            continue;
        if (p->expires != 0 && p->expires <= now) {
            /* Stale: fetch again, and the fresh documents take the old ones' place. The old
             * ones are retired, not freed (see `retired`); when the service answered the
             * same documents (it had nothing newer), the old ones stay and only their expiry
             * moves, so the retired list grows only with real updates. When the fetch
             * fails, the old ones are served still: the verifier then says they are not
             * current. */
            struct platform *fresh = NULL;
            if (fetch_platform(source, fmspc_hex, pck_ca, &fresh) != CELLA_OK) {
                found = p;
            } else if (platform_documents_equal(p, fresh)) {
                p->expires = fresh->expires;
                platform_destroy(fresh);
                found = p;
            } else {
                source->platforms[i] = fresh;
                p->retired_next = source->retired;
                source->retired = p;
                found = fresh;
            }
        } else {
            found = p;
        }
    }
    if (found == NULL) {
        if (source->platform_count == PLATFORMS_MAX) {
            cella_log(CELLA_LOG_ERROR, "collateral: more than %d platforms", PLATFORMS_MAX);
            r = CELLA_ERR_OUT_OF_MEMORY;
        } else {
            r = fetch_platform(source, fmspc_hex, pck_ca, &found);
            if (r == CELLA_OK)
                source->platforms[source->platform_count++] = found;
        }
    }
    if (r == CELLA_OK) {
        memset(collateral, 0, sizeof(*collateral));
        collateral->tcb_info = found->tcb_info.data;
        collateral->tcb_info_size = found->tcb_info.size;
        collateral->tcb_info_issuer_chain = found->tcb_info.issuer_chain;
        collateral->tcb_info_issuer_chain_size = found->tcb_info.issuer_chain_size;
        collateral->qe_identity = found->qe_identity.data;
        collateral->qe_identity_size = found->qe_identity.size;
        collateral->qe_identity_issuer_chain = found->qe_identity.issuer_chain;
        collateral->qe_identity_issuer_chain_size = found->qe_identity.issuer_chain_size;
        collateral->root_ca_crl = (const uint8_t *)found->root_crl.data;
        collateral->root_ca_crl_size = found->root_crl.size;
        collateral->pck_crl = (const uint8_t *)found->pck_crl.data;
        collateral->pck_crl_size = found->pck_crl.size;
    }
    pthread_mutex_unlock(&source->lock);
    return r;
}

/* ---- the directory fetcher -------------------------------------------------------------- */

/* A whole file, NUL-terminated; CELLA_ERR_NOT_FOUND when it does not exist. */
static cella_result_t read_file(const char *dir, const char *name, char **data, size_t *size)
{
    char path[4096];
    struct stat st;
    int fd;

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return CELLA_ERR_INVALID_ARGUMENT;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int error = errno;
        if (error == ENOENT)
            return CELLA_ERR_NOT_FOUND;
        cella_log(CELLA_LOG_ERROR, "collateral: cannot open %s: %s", path, strerror(error));
        return CELLA_ERR_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (uint64_t)st.st_size > CELLA_COLLATERAL_MAX_BYTES) {
        cella_log(CELLA_LOG_ERROR, "collateral: %s is not a regular file of at most %u bytes", path,
                  CELLA_COLLATERAL_MAX_BYTES);
        close(fd);
        return CELLA_ERR_IO;
    }
    char *bytes = malloc((size_t)st.st_size + 1);
    size_t done = 0;
    while (bytes != NULL && done < (size_t)st.st_size) {
        ssize_t n = read(fd, bytes + done, (size_t)st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    if (bytes == NULL || done != (size_t)st.st_size) {
        free(bytes);
        cella_log(CELLA_LOG_ERROR, "collateral: cannot read %s", path);
        return bytes == NULL ? CELLA_ERR_OUT_OF_MEMORY : CELLA_ERR_IO;
    }
    bytes[done] = '\0';
    *data = bytes;
    *size = done;
    return CELLA_OK;
}

static cella_result_t dir_fetch(void *state, enum collateral_item item, const char *fmspc,
                                const char *ca, struct collateral_document *document)
{
    const char *dir = state;
    char name[64] = "";
    const char *chain = NULL;
    cella_result_t r;

    memset(document, 0, sizeof(*document));
    switch (item) {
    case COLLATERAL_TCB_INFO:
        snprintf(name, sizeof(name), "tcb-info/%s.json", fmspc);
        chain = "tcb-info-issuer-chain.pem";
        break;
    case COLLATERAL_QE_IDENTITY:
        snprintf(name, sizeof(name), "qe-identity.json");
        chain = "qe-identity-issuer-chain.pem";
        break;
    case COLLATERAL_ROOT_CRL:
        snprintf(name, sizeof(name), "root-ca-crl.der");
        break;
    case COLLATERAL_PCK_CRL:
        snprintf(name, sizeof(name), "pck-crl-%s.der", ca);
        break;
    }
    r = read_file(dir, name, &document->data, &document->size);
    if (r == CELLA_OK && chain != NULL)
        r = read_file(dir, chain, &document->issuer_chain, &document->issuer_chain_size);
    if (r == CELLA_ERR_NOT_FOUND && (item == COLLATERAL_TCB_INFO || item == COLLATERAL_QE_IDENTITY))
        cella_log(CELLA_LOG_ERROR, "collateral: %s/%s or %s/%s is missing", dir, name, dir, chain);
    if (r != CELLA_OK)
        collateral_document_clear(document);
    return r;
}

static void dir_destroy(void *state)
{
    free(state);
}

cella_result_t cella_collateral_source_open_dir(const char *dir, cella_collateral_source_t **out)
{
    static const struct collateral_fetcher fetcher = {dir_fetch, dir_destroy, 0};
    struct stat st;

    if (dir == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cella_log(CELLA_LOG_ERROR, "collateral: %s is not a directory", dir);
        return CELLA_ERR_NOT_FOUND;
    }
    char *copy = strdup(dir);
    if (copy == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    return cella_collateral_source_create(&fetcher, copy, out);
}
