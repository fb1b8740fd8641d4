/* SPDX-License-Identifier: Apache-2.0 */
/* verify/source.h: collateral sources: the cache, and the fetchers behind it (internal). */
#ifndef CELLA_VERIFY_SOURCE_H
#define CELLA_VERIFY_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include <cella/verify.h>

/* What a fetcher is asked for. */
enum collateral_item {
    COLLATERAL_TCB_INFO,    /* for an FMSPC, with its issuer chain */
    COLLATERAL_QE_IDENTITY, /* with its issuer chain */
    COLLATERAL_ROOT_CRL,
    COLLATERAL_PCK_CRL, /* of a CA: "processor" or "platform" */
};

/* A fetched document: malloc'd bytes (NUL-terminated, the NUL not counted), and for the
 * signed JSON documents the PEM issuer chain. */
struct collateral_document {
    char *data;
    size_t size;
    char *issuer_chain;
    size_t issuer_chain_size;
};

/*
 * How a source gets documents. fetch fills *document, or returns CELLA_ERR_NOT_FOUND (a
 * CRL may be absent; the other items are then an error) or another failure, having logged
 * why. fmspc is 12 lowercase hex digits; ca is "processor" or "platform".
 */
struct collateral_fetcher {
    cella_result_t (*fetch)(void *state, enum collateral_item item, const char *fmspc,
                            const char *ca, struct collateral_document *document);
    void (*destroy)(void *state);
    /* How long fetched documents are kept when they say nothing of their own expiry. */
    int64_t keep_seconds;
};

/* A source over fetcher and its state (destroyed with the source, also on failure). */
CELLA_MUST_CHECK cella_result_t cella_collateral_source_create(
    const struct collateral_fetcher *fetcher, void *state, cella_collateral_source_t **out);

/* Frees a document's buffers. */
void collateral_document_clear(struct collateral_document *document);

#endif /* CELLA_VERIFY_SOURCE_H */
