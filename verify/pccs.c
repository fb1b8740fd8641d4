/* SPDX-License-Identifier: Apache-2.0 */
/* verify/pccs.c: the collateral fetcher for Intel's PCS and PCCS-compatible services (libcurl). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include <cella/collateral.h>
#include <cella/verify.h>

#include "../common/log_internal.h"
#include "http.h"
#include "source.h"

/*
 * The PCS v4 layout, which PCCS serves as well:
 *   GET {base}/sgx/certification/v4/tcb?fmspc=<hex>      TCB Info; issuer chain in the
 *       TCB-Info-Issuer-Chain header (older services: SGX-TCB-Info-Issuer-Chain)
 *   GET {base}/sgx/certification/v4/qe/identity          QE Identity; issuer chain in the
 *       SGX-Enclave-Identity-Issuer-Chain header
 *   GET {base}/sgx/certification/v4/pckcrl?ca=<ca>&encoding=der   the PCK CA's CRL
 *   GET {base}/sgx/certification/v4/rootcacrl            the root CA's CRL (PCCS: hex)
 * Issuer chains arrive URL-encoded (PEM has new lines, spaces and '+', which a header
 * cannot carry as they are). Everything fetched is untrusted: the bodies go to the strict
 * collateral parsers, the chains to the verifier; this file only bounds what it accepts.
 */

#define KEEP_SECONDS           3600 /* for documents that carry no next update of their own */
#define EXCERPT_BYTES          80   /* of an error response, for the log */
#define CHAIN_HEADER_MAX_BYTES (64u * 1024u) /* URL-encoded; two certificates need ~3 KiB */

struct pccs {
    char base_url[CELLA_HTTP_URL_MAX_BYTES]; /* without a trailing '/' */
};

/* ---- one response ------------------------------------------------------------------------- */

/* A response: its body, and the issuer-chain headers the request wants (in order of
 * preference, NULL-terminated, at most 2). */
struct response {
    cella_http_response_t http;
    const char *const *chain_headers;
    /* The raw (still URL-encoded) value of each wanted header, as last seen. */
    char *chain[2];
    size_t chain_size[2];
    bool chain_too_large;
    bool out_of_memory;
};

static void response_clear(struct response *response)
{
    cella_http_response_clear(&response->http);
    free(response->chain[0]);
    free(response->chain[1]);
    memset(response, 0, sizeof(*response));
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One header line ("Name: value\r\n", not NUL-terminated); keeps the wanted ones. */
static size_t on_header(char *line, size_t size, size_t count, void *context)
{
    struct response *response = context;
    size_t length = size * count;

    /* A new status line starts a new set of headers (e.g. after "100 Continue"). */
    if (length >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        for (int i = 0; i < 2; i++) {
            free(response->chain[i]);
            response->chain[i] = NULL;
            response->chain_size[i] = 0;
        }
        return length;
    }
    const char *colon = memchr(line, ':', length);
    if (colon == NULL)
        return length;
    size_t name_size = (size_t)(colon - line);
    for (int i = 0; i < 2 && response->chain_headers[i] != NULL; i++) {
        const char *name = response->chain_headers[i];
        if (strlen(name) != name_size || strncasecmp(line, name, name_size) != 0)
            continue;
        const char *value = colon + 1;
        const char *end = line + length;
        while (value < end && is_blank(*value))
            value++;
        while (end > value && is_blank(end[-1]))
            end--;
        size_t value_size = (size_t)(end - value);
        if (value_size > CHAIN_HEADER_MAX_BYTES) {
            response->chain_too_large = true;
            return length;
        }
        char *copy = malloc(value_size + 1);
        if (copy == NULL) {
            response->out_of_memory = true;
            return 0;
        }
        memcpy(copy, value, value_size);
        copy[value_size] = '\0';
        free(response->chain[i]);
        response->chain[i] = copy;
        response->chain_size[i] = value_size;
    }
    return length;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decodes size bytes of text, strictly: every '%' must be followed by two hex digits,
 * and both the text and what it decodes to must be printable ASCII or the white space PEM
 * uses (space, tab, CR, LF); no NUL. '+' stays '+' (it is a base64 digit; PCS encodes
 * spaces as %20). Returns a malloc'd NUL-terminated copy and its size, or NULL.
 */
static char *url_decode(const char *text, size_t size, size_t *decoded_size, bool *out_of_memory)
{
    char *decoded = malloc(size + 1);
    size_t n = 0;

    *out_of_memory = decoded == NULL;
    if (decoded == NULL)
        return NULL;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '%') {
            if (size - i < 3)
                goto bad;
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0)
                goto bad;
            c = (unsigned char)(high * 16 + low);
            i += 2;
        } else if (c < 0x21 || c > 0x7e) {
            goto bad; /* raw white space or a non-ASCII byte: not URL-encoded text */
        }
        if (!((c >= 0x20 && c <= 0x7e) || c == '\t' || c == '\r' || c == '\n'))
            goto bad;
        decoded[n++] = (char)c;
    }
    decoded[n] = '\0';
    *decoded_size = n;
    return decoded;
bad:
    free(decoded);
    return NULL;
}

/* The first bytes of a body, printable, for the log. */
static void excerpt_of(const struct response *response, char *text, size_t text_size)
{
    size_t n = 0;
    for (size_t i = 0; i < response->http.body_size && n + 4 < text_size && i < EXCERPT_BYTES;
         i++) {
        char c = response->http.body[i];
        text[n++] = c >= 0x20 && c <= 0x7e ? c : '.';
    }
    if (response->http.body_size > EXCERPT_BYTES && n + 4 < text_size) {
        memcpy(text + n, "...", 3);
        n += 3;
    }
    text[n] = '\0';
}

/*
 * GETs url. Returns CELLA_OK with the body in *response (HTTP 200); CELLA_ERR_NOT_FOUND for
 * 404; CELLA_ERR_IO for anything else (logged with the URL and the status or the error);
 * CELLA_ERR_OUT_OF_MEMORY.
 */
static cella_result_t http_get(const char *url, bool quiet_not_found, struct response *response)
{
    cella_result_t r = cella_http_get("collateral", url, NULL, CELLA_COLLATERAL_MAX_BYTES,
                                      on_header, response, &response->http);
    if (response->out_of_memory)
        return CELLA_ERR_OUT_OF_MEMORY;
    if (r != CELLA_OK)
        return r;
    long status = response->http.status;
    if (status == 404) {
        if (!quiet_not_found)
            cella_log(CELLA_LOG_ERROR, "collateral: GET %s: HTTP status 404 (not found)", url);
        return CELLA_ERR_NOT_FOUND;
    }
    if (status != 200) {
        char excerpt[EXCERPT_BYTES + 8];
        excerpt_of(response, excerpt, sizeof(excerpt));
        cella_log(CELLA_LOG_ERROR, "collateral: GET %s: HTTP status %ld%s%s%s", url, status,
                  excerpt[0] != '\0' ? " (\"" : "", excerpt, excerpt[0] != '\0' ? "\")" : "");
        return CELLA_ERR_IO;
    }
    if (response->chain_too_large) {
        cella_log(CELLA_LOG_ERROR, "collateral: GET %s: an issuer-chain header is over %u bytes",
                  url, CHAIN_HEADER_MAX_BYTES);
        return CELLA_ERR_IO;
    }
    return CELLA_OK;
}

/* ---- the fetcher -------------------------------------------------------------------------- */

static cella_result_t pccs_fetch(void *state, enum collateral_item item, const char *fmspc,
                                 const char *ca, struct collateral_document *document)
{
    static const char *const tcb_headers[] = {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain",
                                              NULL};
    static const char *const identity_headers[] = {"SGX-Enclave-Identity-Issuer-Chain", NULL};
    static const char *const no_headers[] = {NULL};
    const struct pccs *pccs = state;
    struct response response = {.chain_headers = no_headers};
    char url[CELLA_HTTP_URL_MAX_BYTES + 128];
    const char *what = "";
    int written = 0;
    cella_result_t r;

    memset(document, 0, sizeof(*document));
    switch (item) {
    case COLLATERAL_TCB_INFO:
        what = "TCB Info";
        response.chain_headers = tcb_headers;
        written = snprintf(url, sizeof(url), "%s/sgx/certification/v4/tcb?fmspc=%s", pccs->base_url,
                           fmspc);
        break;
    case COLLATERAL_QE_IDENTITY:
        what = "QE Identity";
        response.chain_headers = identity_headers;
        written = snprintf(url, sizeof(url), "%s/sgx/certification/v4/qe/identity", pccs->base_url);
        break;
    case COLLATERAL_ROOT_CRL:
        what = "root CA CRL";
        written = snprintf(url, sizeof(url), "%s/sgx/certification/v4/rootcacrl", pccs->base_url);
        break;
    case COLLATERAL_PCK_CRL:
        what = "PCK CRL";
        written = snprintf(url, sizeof(url), "%s/sgx/certification/v4/pckcrl?ca=%s&encoding=der",
                           pccs->base_url, ca);
        break;
    }
    if (written < 0 || (size_t)written >= sizeof(url))
        return CELLA_ERR_INVALID_ARGUMENT;

    /* A missing CRL is the verifier's call (it refuses unless CRLs are not required). */
    bool is_crl = item == COLLATERAL_ROOT_CRL || item == COLLATERAL_PCK_CRL;
    r = http_get(url, is_crl, &response);
    if (r == CELLA_ERR_NOT_FOUND && is_crl)
        cella_log(CELLA_LOG_INFO, "collateral: GET %s: no %s (HTTP status 404)", url, what);
    if (r == CELLA_OK && response.http.body_size == 0) {
        cella_log(CELLA_LOG_ERROR, "collateral: GET %s: the %s is empty", url, what);
        r = CELLA_ERR_IO;
    }
    if (r == CELLA_OK && response.chain_headers[0] != NULL) {
        size_t which = response.chain[0] != NULL ? 0 : 1;
        if (response.chain[which] == NULL) {
            cella_log(CELLA_LOG_ERROR, "collateral: GET %s: the response has no %s header", url,
                      response.chain_headers[0]);
            r = CELLA_ERR_IO;
        } else {
            bool out_of_memory = false;
            document->issuer_chain = url_decode(response.chain[which], response.chain_size[which],
                                                &document->issuer_chain_size, &out_of_memory);
            if (document->issuer_chain == NULL) {
                if (!out_of_memory)
                    cella_log(CELLA_LOG_ERROR,
                              "collateral: GET %s: the %s header is not URL-encoded text", url,
                              response.chain_headers[which]);
                r = out_of_memory ? CELLA_ERR_OUT_OF_MEMORY : CELLA_ERR_IO;
            }
        }
    }
    if (r == CELLA_OK) {
        /* The body is NUL-terminated; hand it over as it is. */
        document->data = response.http.body;
        document->size = response.http.body_size;
        response.http.body = NULL;
    } else {
        collateral_document_clear(document);
    }
    response_clear(&response);
    return r;
}

static void pccs_destroy(void *state)
{
    free(state);
}

cella_result_t cella_collateral_source_open_pccs(const char *base_url,
                                                 cella_collateral_source_t **out)
{
    static const struct collateral_fetcher fetcher = {pccs_fetch, pccs_destroy, KEEP_SECONDS};

    if (base_url == NULL || out == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (!cella_http_start("collateral"))
        return CELLA_ERR_UNEXPECTED;
    /* Paths are appended to it: no query or fragment. */
    if (!cella_http_url_ok(base_url, false)) {
        cella_log(CELLA_LOG_ERROR,
                  "collateral: the PCCS address is not an http:// or https:// base URL with a "
                  "host (no user information, no query, no fragment)");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    struct pccs *pccs = calloc(1, sizeof(*pccs));
    if (pccs == NULL)
        return CELLA_ERR_OUT_OF_MEMORY;
    size_t length = strlen(base_url);
    while (length > 0 && base_url[length - 1] == '/')
        length--;
    memcpy(pccs->base_url, base_url, length);
    pccs->base_url[length] = '\0';
    return cella_collateral_source_create(&fetcher, pccs, out);
}
